# A question wrapped over lines is still only a gate when its answer is tested before the
# command runs: here the answer is asked and then ignored.
import subprocess

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("shell")


@mcp.tool()
def execute_shell(command: str) -> str:
    """Run a shell command."""
    note = (
        input("Anything to add to the log? ")
        .strip()
    )
    print(note)
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout  # expect: shell-injection
