# Near misses: the same registration form on functions that check their paths and clone only
# from a fixed host, and a decorator applied by hand that is not a tool registrar.
import functools
import os
import tempfile

import git
from mcp.server.fastmcp import FastMCP

BASE = "/srv/notes"
GITHUB = "https://github.com/"


class Notes:
    def __init__(self):
        self.mcp = FastMCP("notes")
        self.mcp.tool()(self.read_note)
        self.mcp.tool()(self.clone_project)
        functools.lru_cache(maxsize=8)(self.lookup)

    def read_note(self, name: str) -> str:
        """Read a note under the notes folder."""
        path = os.path.realpath(os.path.join(BASE, name))
        if not path.startswith(BASE + os.sep):
            raise ValueError("outside the notes folder")
        with open(path) as f:
            return f.read()

    def clone_project(self, project: str) -> str:
        """Clone a public project from GitHub."""
        temp_dir = tempfile.mkdtemp()
        git.Repo.clone_from(GITHUB + project.strip("/") + ".git", temp_dir, depth=1)
        return temp_dir

    def lookup(self, name: str) -> str:
        return open(name).read()
