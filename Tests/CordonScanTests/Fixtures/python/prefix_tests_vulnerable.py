# A bare prefix test taken for containment (issue 16, session 15b): the shapes of
# mcp-server-aidd's file tools, llm-tools-edit's file store, autogpt-forge's workspace,
# cli-mcp-server's path check and mcp-filesystem-extra's validator. `real.startswith(base)`
# compares bytes: for base /srv/app the sibling /srv/app2 passes.
import os
from pathlib import Path

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("files")
ALLOWED = "/srv/app"


class Store:
    def __init__(self, path: str):
        self.root = os.path.realpath(path)

    def resolve(self, path: str) -> str:
        resolved = os.path.realpath(os.path.join(self.root, path))
        if not resolved.startswith(self.root):  # expect: path-traversal
            raise ValueError("outside the root")
        return resolved


class Workspace:
    def __init__(self, base_path: str):
        self.base_path = Path(base_path).resolve()

    def _resolve_path(self, task_id: str, path: str) -> Path:
        abs_path = (self.base_path / task_id / path).resolve()
        if not str(abs_path).startswith(str(self.base_path)):  # expect: path-traversal
            raise ValueError("directory traversal")
        return abs_path


def is_path_safe(path: str, allowed_dir: str) -> bool:
    real_path = os.path.abspath(os.path.realpath(path))
    allowed_dir_real = os.path.abspath(os.path.realpath(allowed_dir))
    return real_path.startswith(allowed_dir_real)  # expect: path-traversal


def _normalize_path(p: str) -> str:
    return os.path.normpath(os.path.expanduser(p))


def validate(requested: str, allowed_directories: list[str]) -> str:
    absolute = _normalize_path(requested)
    if not any(absolute.startswith(d) for d in allowed_directories):  # expect: path-traversal
        raise PermissionError("outside the allowed directories")
    return absolute


@mcp.tool()
def read_file(path: str) -> str:
    full_path = os.path.abspath(os.path.join(ALLOWED, path))
    if not full_path.startswith(ALLOWED):  # expect: path-traversal
        raise ValueError("access denied")
    with open(full_path) as f:
        return f.read()
