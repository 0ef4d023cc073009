# The template itself is the model's: a tool that takes a URL pattern and fills it in lets the
# model choose the host.
import requests


@tool
def fetch_template(url_template: str, item: str) -> str:
    """Fetch an item from a URL pattern such as https://host/items/{item}."""
    return requests.get(url_template.format(item=item), timeout=10).text  # expect: ssrf
