# The functions tools.json describes to the model; main.py dispatches its calls by name.
import sqlite3

import requests

db = sqlite3.connect("orders.db")


def run_query(sql: str) -> list:
    return db.execute(sql).fetchall()  # expect: sql-injection


def get_weather(city: str) -> dict:
    # Near miss: fixed host, the city in the query parameters.
    return requests.get("https://api.weather.example/v1/current", params={"q": city}, timeout=10).json()


def status(path: str) -> str:
    # Named in tools.json without parameters: a description, not a tool schema.
    with open(path) as f:
        return f.read()
