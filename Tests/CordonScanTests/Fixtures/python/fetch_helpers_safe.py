# Near misses: a helper that checks the host against an allow-list before fetching, and a
# helper whose only caller passes a constant URL.
from urllib.parse import urlparse

import httpx
from mcp.server import Server

server = Server("fetch")
ALLOWED_HOSTS = {"docs.python.org", "api.github.com"}


async def fetch_page(url: str) -> str:
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        raise ValueError(f"{url}: host not allowed")
    async with httpx.AsyncClient() as client:
        return (await client.get(url)).text


@server.call_tool()
async def call_tool(name: str, arguments: dict) -> list:
    return [await fetch_page(str(arguments["url"]))]


async def fetch_status(url: str) -> int:
    async with httpx.AsyncClient() as client:
        return (await client.get(url)).status_code


async def health() -> int:
    return await fetch_status("https://status.example.com/health")
