# Near misses: a browser tool that opens only the developer's host (the model supplies the
# search words), and one that checks the model's URL against an allow-list first.
from urllib.parse import quote_plus, urlparse

from playwright.sync_api import sync_playwright

ALLOWED_HOSTS = {"docs.python.org", "developer.mozilla.org"}


@tool
def search_docs(query: str) -> str:
    """Search the documentation."""
    with sync_playwright() as p:
        page = p.chromium.launch().new_page()
        page.goto("https://docs.python.org/3/search.html?q=" + quote_plus(query))
        return page.content()


@tool
def open_docs_page(url: str) -> str:
    """Open a documentation page."""
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        raise ValueError("not an allowed host")
    with sync_playwright() as p:
        page = p.chromium.launch().new_page()
        page.goto(url)
        return page.content()
