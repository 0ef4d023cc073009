# Near misses recognised by meaning (issue 16, session 12): a path resolved and refused outside
# the base (is_relative_to, commonpath, a prefix test that returns an error, relative_to in a
# try), a person's answer tested before the command runs (rich's Confirm.ask, a get_user_input
# answer, a permission request), and URLs whose literal fixes the host (an f-string on a
# constant, .format and % on a literal, a literal host and slash before the model's path).
import subprocess
from pathlib import Path

import requests
from langchain.tools import tool
from rich.prompt import Confirm

BASE = Path("/srv/workspace")
ROOT = "/srv/workspace"
API = "https://api.example.com"


@tool
def read_a(name: str) -> str:
    """Read."""
    full = (BASE / name).resolve()
    if not full.is_relative_to(BASE):
        raise ValueError("outside")
    return full.read_text()


@tool
def read_b(name: str) -> str:
    """Read."""
    p = os.path.realpath(os.path.join(ROOT, name))
    if os.path.commonpath([ROOT, p]) != ROOT:
        return "denied"
    with open(p) as f:
        return f.read()


@tool
def read_c(name: str) -> str:
    """Read."""
    p = os.path.abspath(os.path.join(ROOT, name))
    if not p.startswith(ROOT + os.sep):
        return "Error: path outside workspace"
    with open(p) as f:
        return f.read()


@tool
def read_d(name: str) -> str:
    """Read."""
    p = (BASE / name).resolve()
    try:
        p.relative_to(BASE)
    except ValueError:
        return "Access denied"
    return p.read_text()


@tool
def run_a(command: str) -> str:
    """Run."""
    if not Confirm.ask(f"Run {command}?"):
        return "cancelled"
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout


@tool
def run_b(command: str) -> str:
    """Run."""
    answer = get_user_input(f"Run {command}? [y/N] ")
    if answer.lower() != "y":
        return "cancelled"
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout


@tool
def run_c(command: str) -> str:
    """Run."""
    if not request_permission("shell", command):
        return "denied"
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout


@tool
def fetch_a(path: str) -> str:
    """Fetch."""
    return requests.get(f"{API}/v1/{path}", timeout=5).text


@tool
def fetch_b(query: str) -> str:
    """Fetch."""
    return requests.get("https://api.example.com/search?q={}".format(query), timeout=5).text


@tool
def fetch_c(query: str) -> str:
    """Fetch."""
    url = API + "/search?q=" + query
    return requests.get(url, timeout=5).text


@tool
def fetch_d(city: str) -> str:
    """Fetch."""
    url = "https://wttr.in/%s?format=3" % city
    return requests.get(url, timeout=5).text


@tool
def fetch_e(endpoint: str) -> str:
    """Fetch."""
    url = "https://api.example.com/" + endpoint
    return requests.get(url, timeout=5).text
