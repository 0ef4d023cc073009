# Near misses in a tools module: private helpers, undocumented helpers and functions with no
# parameters are not what a framework lists for the model; a documented tool that keeps the
# model's path under its base (the check in a helper named for nothing in particular) and
# fetches only the developer's host is safe.
import os
import subprocess

import requests

BASE = os.path.realpath(os.path.expanduser("~/.agent/workspace"))
SEARCH_URL = "https://api.search.example.com/v1/search?q={query}"


def _read(path: str) -> str:
    """Private helper: the tools below call it with checked paths."""
    with open(path) as f:
        return f.read()


def load_config(path):
    with open(path) as f:
        return f.read()


def git_status() -> str:
    """Show the repository's status."""
    return subprocess.run(["git", "status", "--short"], capture_output=True, text=True).stdout


def getcwd() -> str:
    """Returns the current working directory"""
    return os.getcwd()


def _inside(name: str) -> str:
    full = os.path.realpath(os.path.join(BASE, name))
    if not full.startswith(BASE + os.sep):
        raise ValueError(f"{name} is outside the workspace")
    return full


def read_note(name: str) -> str:
    """Read a note from the agent's workspace."""
    with open(_inside(name)) as f:
        return f.read()


def search(query: str) -> dict:
    """Search the web."""
    return requests.get(SEARCH_URL.format(query=query), timeout=10).json()
