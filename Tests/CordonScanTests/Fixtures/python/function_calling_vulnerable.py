# OpenAI function calling by hand: a dispatch table the model's tool calls index, the pre-1.0
# ChatCompletion API, LiteLLM, and a FastAPI route that runs what the client sends.
import json
import sqlite3
import subprocess

import openai
from fastapi import FastAPI
from litellm import completion

app = FastAPI()


def get_weather(city: str) -> str:
    return f"sunny in {city}"


def run_shell(command: str) -> str:
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout  # expect: shell-injection


available_functions = {"get_weather": get_weather, "run_shell": run_shell}


def answer(question: str) -> str:
    response = openai.ChatCompletion.create(model="gpt-4", messages=[{"role": "user", "content": question}])
    message = response["choices"][0]["message"]
    if message.get("function_call"):
        name = message["function_call"]["name"]
        args = json.loads(message["function_call"]["arguments"])
        return available_functions[name](**args)
    return message["content"]


def plot(question: str) -> None:
    reply = completion(model="gpt-4o", messages=[{"role": "user", "content": question}])
    exec(reply.choices[0].message.content)  # expect: eval-injection


@app.post("/sql")
def run_sql(sql: str):
    conn = sqlite3.connect("app.db")
    return conn.execute(sql).fetchall()  # expect: sql-injection
