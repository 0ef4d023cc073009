# Browser tools navigate to the page the model names (autogpt-forge's read_webpage action,
# registered with `@action(..., parameters=[...])`; a Playwright tool): a browser reaches
# intranet hosts and cloud metadata as well as any fetch does. A deny-list of localhost
# spellings in a decorator is not an allow-list.
from playwright.sync_api import sync_playwright
from selenium import webdriver

from ..registry import action


def open_page_in_browser(url: str):
    options = webdriver.ChromeOptions()
    driver = webdriver.Chrome(options=options)
    driver.get(url)  # expect: ssrf
    return driver


@action(
    name="read_webpage",
    description="Read a webpage",
    parameters=[{"name": "url", "description": "The URL to visit", "type": "string", "required": True}],
    output_type="string",
)
async def read_webpage(agent, task_id: str, url: str, question: str = "") -> str:
    driver = open_page_in_browser(url)  # expect: ssrf
    return driver.page_source


@tool
def screenshot(url: str) -> bytes:
    """Take a screenshot of a web page."""
    with sync_playwright() as p:
        page = p.chromium.launch().new_page()
        page.goto(url)  # expect: ssrf
        return page.screenshot()
