# Near misses for the bare prefix test (issue 16, session 15b): containment with a separator
# after the base, a base assigned with its separator, the separator checked in the same
# statement, os.path.commonpath, Path.is_relative_to and relative_to; and prefix tests that are
# not containment (an `if` that strips a prefix, a name's shape, an unnormalised value).
import os
from pathlib import Path

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("files")
ALLOWED = "/srv/app"


class Store:
    def __init__(self, path: str):
        self.root = os.path.join(os.path.realpath(path), "")

    def resolve(self, path: str) -> str:
        resolved = os.path.realpath(os.path.join(self.root, path))
        if not resolved.startswith(self.root):
            raise ValueError("outside the root")
        return resolved


def with_separator(path: str, base: str) -> str:
    real = os.path.realpath(path)
    base = os.path.realpath(base)
    if not (real == base or real.startswith(base + os.sep)):
        raise ValueError("outside the base")
    return real


def separator_checked(path: str, base: str) -> bool:
    real = os.path.realpath(path)
    return real.startswith(base) and (len(real) == len(base) or real[len(base)] == os.sep)


def common(path: str, base: str) -> str:
    real = os.path.realpath(path)
    if os.path.commonpath([real, base]) != base:
        raise ValueError("outside the base")
    return real


def relative(path: str, base: Path) -> Path:
    real = Path(path).resolve()
    if not real.is_relative_to(base):
        raise ValueError("outside the base")
    real.relative_to(base)
    return real


def strip_prefix(path: str, prefix: str) -> str:
    real = os.path.normpath(path)
    if real.startswith(prefix):
        real = real[len(prefix) :]
    return real


def hidden(path: str) -> bool:
    name = os.path.basename(os.path.abspath(path))
    return name.startswith(".")


def scheme(url: str, allowed: str) -> bool:
    return url.startswith(allowed)


@mcp.tool()
def read_file(path: str) -> str:
    full_path = os.path.realpath(os.path.join(ALLOWED, path))
    if not full_path.startswith(ALLOWED + "/"):
        raise ValueError("access denied")
    with open(full_path) as f:
        return f.read()
