# A tool decorator applied by hand registers the function as `@mcp.tool()` would
# (mcp-git-explorer's `self.mcp.tool()(self.get_file)`, mcp-mysql-connector's
# `mcp.tool()(mysql_tools.execute_query)`); and GitPython's clone_from fetches its URL.
import os
import shutil
import tempfile

import git
from mcp.server.fastmcp import FastMCP


class GitExplorer:
    def __init__(self):
        self.mcp = FastMCP("explorer")
        self.mcp.tool()(self.get_file)
        self.mcp.tool(name="clone")(self.clone)

    def _clone(self, repo_url: str) -> str:
        temp_dir = tempfile.mkdtemp()
        git.Repo.clone_from(repo_url, temp_dir, depth=1)  # expect: ssrf
        return temp_dir

    def clone(self, repo_url: str) -> str:
        """Clone a repository and list its top level."""
        temp_dir = self._clone(repo_url)  # expect: ssrf
        return "\n".join(os.listdir(temp_dir))

    def get_file(self, repo_url: str, file_path: str) -> str:
        """Read one file of a repository."""
        temp_dir = self._clone(repo_url)  # expect: ssrf
        try:
            full_path = os.path.join(temp_dir, file_path)  # expect: path-traversal
            with open(full_path) as f:
                return f.read()
        finally:
            shutil.rmtree(temp_dir, ignore_errors=True)
