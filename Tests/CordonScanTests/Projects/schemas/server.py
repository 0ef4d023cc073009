# An MCP server written against the low-level API: the tools are described by name and
# input schema, and the call is dispatched to the module of the same names.
import mcp.types as types
from mcp.server import Server

import logs

server = Server("logs")


@server.list_tools()
async def list_tools() -> list[types.Tool]:
    return [
        types.Tool(
            name="read_log",
            description="Read a log file",
            inputSchema={"type": "object", "properties": {"log_path": {"type": "string"}}},
        )
    ]


@server.call_tool()
async def call_tool(name: str, arguments: dict) -> list:
    return [types.TextContent(type="text", text=getattr(logs, name)(**arguments))]
