# Near misses: a tool spec's helper that is not in `spec_functions` and is called with the
# developer's values; a LangChain tool whose `_run` takes the model's query, so its fields
# (`file_path` set by the developer) are configuration; a browser opened on a fixed page; a
# TensorFlow-style session running a constant graph.
from agency_swarm.tools import BaseTool
from langchain.tools import BaseTool as LangChainTool
from llama_index.core.tools.tool_spec.base import BaseToolSpec
from pydantic import Field

from .util.selenium import get_web_driver


class PythonFileToolSpec(BaseToolSpec):
    spec_functions = ["function_names"]

    def __init__(self, file_name: str) -> None:
        self.source = self.read_source(file_name)

    def read_source(self, file_name: str) -> str:
        with open(file_name) as f:
            return f.read()

    def function_names(self) -> str:
        """List the functions in the file."""
        return self.source


class NotesTool(LangChainTool):
    name: str = "notes"
    description: str = "Search the team's notes"
    file_path: str = "/srv/notes/index.txt"

    def _run(self, query: str) -> str:
        with open(self.file_path) as f:
            return "\n".join(line for line in f if query in line)


class OpenHomePage(BaseTool):
    """Opens the project's home page."""

    reason: str = Field(..., description="Why the page is needed.")

    def run(self):
        wd = get_web_driver()
        wd.get("https://example.org/")
        return wd.current_url


def count_steps(session, graph):
    return session.run(graph.steps)
