# A temporary file's name is safe only when the code chose its parts: a model-chosen suffix or
# directory carries the model's text into the shell line, and what the model wrote into the
# file is still the model's.
import os
import subprocess
import tempfile

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("scratch")


@mcp.tool()
def open_scratch(extension: str) -> str:
    """Open a scratch file with the given extension in the editor."""
    with tempfile.NamedTemporaryFile(suffix=extension, delete=False) as f:
        name = f.name
    os.system(f"vi {name}")  # expect: shell-injection
    return name


@mcp.tool()
def run_snippet(code: str) -> str:
    """Run a shell snippet from a scratch file."""
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
        f.write(code)
        path = f.name
    return subprocess.run(["sh", path], capture_output=True, text=True).stdout  # expect: eval-injection
