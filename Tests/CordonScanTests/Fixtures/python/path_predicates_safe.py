# Near misses (issue 16, session 13, second round): an MCP filesystem server whose every tool
# path goes through a helper that resolves it and refuses it unless a predicate of the file
# finds it inside an allowed folder (pathlib's ancestor test, `base in path.parents`), as
# filesystem-mcp 1.0.2 does; and a second helper whose predicate is `is_relative_to`.
from pathlib import Path

from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError

ALLOWED_DIRS: list[Path] = []
mcp = FastMCP("files")


def _is_inside(parent: Path, child: Path) -> bool:
    return child == parent or parent in child.parents


def resolve_allowed_path(target: str) -> Path:
    path = Path(target).expanduser()
    if path.exists():
        real = path.resolve()
    else:
        real = path.parent.resolve() / path.name
    if not any(_is_inside(allowed, real) for allowed in ALLOWED_DIRS):
        raise ToolError(f"Path not allowed: {path}")
    return real


@mcp.tool()
def read_file(path: str, encoding: str = "utf-8") -> str:
    target = resolve_allowed_path(path)
    return target.read_text(encoding=encoding)


@mcp.tool()
def write_file(path: str, content: str, append: bool = False) -> int:
    target = resolve_allowed_path(path)
    with open(target, "a" if append else "w") as fp:
        return fp.write(content)


def within(base: Path, candidate: Path) -> bool:
    return candidate.resolve().is_relative_to(base)


@mcp.tool()
def delete_note(name: str) -> str:
    notes = Path("/srv/notes").resolve()
    target = (notes / name).resolve()
    if not within(notes, target):
        raise ToolError("outside the notes folder")
    target.unlink()
    return "deleted"
