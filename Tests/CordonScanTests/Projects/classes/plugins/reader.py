# A tool defined against the project's base class in classes/base.py.
from base import AgentAction


class ReadPage(AgentAction):
    name: str = "read_page"
    description: str = "Read a file of the workspace"

    def _run(self, file_path: str) -> str:
        with open(file_path) as f:  # expect: path-traversal
            return f.read()
