import os
from pathlib import Path
from urllib.parse import urlparse

import requests
import yaml
from langchain_core.tools import tool

BASE_DIR = Path("/srv/agent/files").resolve()
ALLOWED_HOSTS = {"docs.python.org", "en.wikipedia.org"}


@tool
def read_file(filename: str) -> str:
    """Read a file from the workspace, refusing paths outside it."""
    path = (BASE_DIR / filename).resolve()
    if not path.is_relative_to(BASE_DIR):
        raise ValueError("outside the workspace")
    return path.read_text()


@tool
def fetch_page(url: str) -> str:
    """Fetch a page from an allow-listed host."""
    host = urlparse(url).hostname
    if host not in ALLOWED_HOSTS:
        raise ValueError(f"{host} is not allowed")
    return requests.get(url, timeout=10).text


@tool
def delete_file(path: str) -> str:
    """Delete a file after a human approves it."""
    if input(f"delete {path}? [y/N] ") != "y":
        return "not approved"
    os.remove(path)
    return "deleted"


@tool
def load_config(text: str) -> dict:
    """Parse a YAML config safely."""
    return yaml.safe_load(text)


def load_settings():
    with open("settings.yaml") as f:
        return yaml.load(f, Loader=yaml.SafeLoader)


def search(query: str) -> str:
    return requests.get("https://api.search.example/v1", params={"q": query}, timeout=5).text


executor_settings = {"max_iterations": 15, "max_execution_time": 60}
