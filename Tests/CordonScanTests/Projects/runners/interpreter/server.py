# The MCP server holds one executor at module level: a tool hands it the model's code; another
# tool runs a fixed snippet, and a third only reads a variable back.
from mcp.server.fastmcp import FastMCP

from executor import PythonExecutor

mcp = FastMCP("python")
runner = PythonExecutor()


@mcp.tool()
def run_code(code: str) -> str:
    return runner.run_snippet(code)


@mcp.tool()
def python_version() -> str:
    return runner.run_snippet("import sys; print(sys.version)")


@mcp.tool()
def read_variable(name: str) -> str:
    return runner.variable_value(name)
