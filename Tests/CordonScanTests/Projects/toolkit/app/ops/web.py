# Web functions handed to LangChain Tool(func=...) in app/agent.py.
import requests

DOCS = "https://docs.example.com"


def fetch(url: str) -> str:
    return requests.get(url, timeout=10).text  # expect: ssrf


def fetch_docs(page: str) -> str:
    # Near miss: the host is the developer's constant; the model picks a page under it.
    return requests.get(f"{DOCS}/{page}", timeout=10).text
