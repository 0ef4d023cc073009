"""A small real MCP server (the PyPI `mcp` SDK's MCPServer (FastMCP in 1.x), stdio transport) for cordon's proxy tests.

Tools: echo, read_file, run_command (returns the command, runs nothing), wipe_database (the
policy under test blocks it by name), big (a large answer), crash (the process dies mid-call),
slow (answers after a delay).
"""
import os
import sys
import time

try:  # mcp 2.x renamed FastMCP to MCPServer
    from mcp.server.mcpserver import MCPServer as Server
except ImportError:  # mcp 1.x
    from mcp.server.fastmcp import FastMCP as Server

server = Server("fixture")


@server.tool()
def echo(text: str) -> str:
    """Returns its text."""
    return "echo: " + text


@server.tool()
def read_file(path: str) -> str:
    """Pretends to read a file; returns the path it was given."""
    return "would read " + path


@server.tool()
def run_command(command: str) -> str:
    """Pretends to run a shell command; returns it."""
    return "would run " + command


@server.tool()
def wipe_database() -> str:
    """Something a policy blocks by name."""
    return "wiped"


@server.tool()
def big(size: int) -> str:
    """Returns `size` characters."""
    return "x" * size


@server.tool()
def crash() -> str:
    """Dies in the middle of the call, without answering."""
    sys.stdout.flush()
    os._exit(3)


@server.tool()
def slow(seconds: float) -> str:
    """Answers after `seconds`."""
    time.sleep(seconds)
    return "slept"


if __name__ == "__main__":
    server.run()
