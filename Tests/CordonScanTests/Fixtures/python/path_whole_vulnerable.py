# Tools that open, list or check out whatever path the model names: no base directory at all.
import os

import git
from crewai_tools import BaseTool
from mcp.server import Server

server = Server("files")


class ReadAnyFile(BaseTool):
    name: str = "read_file"

    def _run(self, **kwargs) -> str:
        file_path = kwargs.get("file_path")
        with open(file_path) as f:  # expect: path-traversal
            return f.read()


class ListAnyDirectory(BaseTool):
    name: str = "list_directory"

    def _run(self, directory: str) -> str:
        found = []
        for root, _, files in os.walk(directory):  # expect: path-traversal
            found.extend(files)
        return "\n".join(found)


@server.call_tool()
async def call_tool(name: str, arguments: dict) -> list:
    repo = git.Repo(arguments["repo_path"])  # expect: path-traversal
    return [repo.git.status()]
