# Near misses: a dispatch table of functions that take no dangerous action, a route that binds
# its parameter, the model object (not its output) from a factory, and signal handlers.
import signal
import sqlite3
import subprocess

from fastapi import FastAPI

from .models import get_llm

app = FastAPI()


def get_weather(city: str) -> str:
    return f"sunny in {city}"


def disk_usage(path: str) -> str:
    return subprocess.run(["du", "-sh", "--", path], capture_output=True, text=True).stdout


available_functions = {"get_weather": get_weather, "disk_usage": disk_usage}


@app.get("/orders")
def orders(customer: str):
    conn = sqlite3.connect("app.db")
    return conn.execute("SELECT id FROM orders WHERE customer = ?", (customer,)).fetchall()


def shutdown(signum, frame):
    subprocess.run(["systemctl", "stop", "agent"], check=False)


handlers = {signal.SIGTERM: shutdown}
llm = get_llm()
