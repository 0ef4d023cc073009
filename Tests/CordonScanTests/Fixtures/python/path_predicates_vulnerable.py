# The same server where the predicate does not refuse: its answer is only logged, or a helper
# tests a name's shape (`startswith(".")`) rather than where the path lies.
import logging
from pathlib import Path

from mcp.server.fastmcp import FastMCP

ALLOWED_DIRS: list[Path] = []
mcp = FastMCP("files")


def _is_inside(parent: Path, child: Path) -> bool:
    return child == parent or parent in child.parents


def hidden(name: str) -> bool:
    return name.startswith(".")


@mcp.tool()
def read_file(path: str) -> str:
    real = Path(path).resolve()
    if not any(_is_inside(allowed, real) for allowed in ALLOWED_DIRS):
        logging.warning("reading outside the allowed folders: %s", real)
    return real.read_text()  # expect: path-traversal


@mcp.tool()
def write_note(name: str, content: str) -> int:
    target = (Path("/srv/notes") / name).resolve()  # expect: path-traversal
    if hidden(name):
        raise ValueError("hidden files are not notes")
    with open(target, "w") as fp:
        return fp.write(content)
