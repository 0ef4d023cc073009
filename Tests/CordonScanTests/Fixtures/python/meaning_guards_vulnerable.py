# The same tools without the guard's meaning: a prefix test that only logs, an answer asked for
# and never tested, a host the model completes (no slash after the literal host, `%s` in the
# host), a resolved path never compared with the base.
import logging
import os
import subprocess

import requests
from langchain.tools import tool

ROOT = "/srv/workspace"


@tool
def read_logged(name: str) -> str:
    """Read."""
    p = os.path.realpath(os.path.join(ROOT, name))  # expect: path-traversal
    if not p.startswith(ROOT + os.sep):
        logging.warning("reading outside the workspace: %s", p)
    with open(p) as f:  # expect: path-traversal
        return f.read()


@tool
def read_resolved(name: str) -> str:
    """Read."""
    p = os.path.realpath(os.path.join(ROOT, name))  # expect: path-traversal
    with open(p) as f:
        return f.read()


@tool
def run_asked(command: str) -> str:
    """Run."""
    get_user_input(f"About to run {command}, press enter")
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout  # expect: shell-injection


@tool
def fetch_suffix(endpoint: str) -> str:
    """Fetch."""
    url = "https://api.example.com" + endpoint
    return requests.get(url, timeout=5).text  # expect: ssrf


@tool
def fetch_host(host: str) -> str:
    """Fetch."""
    url = "https://%s/v1/status" % host
    return requests.get(url, timeout=5).text  # expect: ssrf
