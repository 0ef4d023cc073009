# MemGPT/Letta function sets: module-level functions whose first parameter is `self` are bound
# to the agent when its tools are loaded, and the model fills in the rest.
import requests


def read_from_text_file(self, filename: str, line_start: int = 1) -> str:
    """Read lines from a text file."""
    with open(filename, "r", encoding="utf-8") as file:  # expect: path-traversal
        return "".join(file.readlines()[line_start - 1 :])


def http_request(self, method: str, url: str) -> dict:
    """Send an HTTP request and return the response."""
    response = requests.request(method, url)  # expect: ssrf
    return {"status_code": response.status_code, "body": response.text}
