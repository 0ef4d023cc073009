# The MCP server: one tool hands the model's command to the runner by keyword, one a fixed
# command, and the operator's CLI passes its own argv.
import sys

from mcp.server.fastmcp import FastMCP

from remote import execute_ssh_command


def build_server() -> FastMCP:
    mcp = FastMCP(name="ssh")

    @mcp.tool()
    def execute_command(host: str, command: str, timeout_seconds: int = 0) -> str:
        return execute_ssh_command(host=host, command=command, timeout_seconds=timeout_seconds)

    @mcp.tool()
    def disk_usage(host: str) -> str:
        return execute_ssh_command(host=host, command="df -h")

    return mcp


def main() -> None:
    print(execute_ssh_command(sys.argv[1], sys.argv[2]))
