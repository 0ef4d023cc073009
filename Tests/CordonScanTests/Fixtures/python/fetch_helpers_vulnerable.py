# Fetching a model-chosen URL through a helper function or a requests wrapper object.
import httpx
from langchain_community.utilities.requests import TextRequestsWrapper
from langchain_core.tools import BaseTool
from mcp.server import Server

server = Server("fetch")


async def fetch_page(url: str, timeout: float = 10) -> str:
    async with httpx.AsyncClient() as client:
        response = await client.get(url, timeout=timeout)  # expect: ssrf
        return response.text


@server.call_tool()
async def call_tool(name: str, arguments: dict) -> list:
    url = str(arguments["url"])
    page = await fetch_page(url)  # expect: ssrf
    return [page]


class PageTool(BaseTool):
    name: str = "get_page"
    requests_wrapper: TextRequestsWrapper

    def _run(self, url: str) -> str:
        return self.requests_wrapper.get(url)  # expect: ssrf

    async def _arun(self, url: str) -> str:
        return await self.requests_wrapper.aget(url)  # expect: ssrf
