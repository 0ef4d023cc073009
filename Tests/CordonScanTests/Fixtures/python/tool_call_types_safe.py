# Near misses: a tool object passed to a registry (`tool: BaseTool` is the framework's tool,
# not the model's arguments), configuration fields of a BaseTool subclass (the developer's),
# a ToolMessage handler that resolves the path and checks it stays in its directory, and a
# message's descriptive class fields.
import os

from langchain_core.tools import BaseTool
from langroid.agent.tool_message import ToolMessage
from langroid.utils.system import read_file

ROOT = "/srv/notes"


class Registry:
    def add(self, tool: BaseTool) -> None:
        with open(tool.name + ".json", "w") as f:
            f.write(tool.description)


class NotesTool(BaseTool):
    name: str = "notes"
    description: str = "Read the notes index"
    index_path: str = "/srv/notes/index.md"

    def _run(self) -> str:
        with open(self.index_path) as f:
            return f.read()


class ReadNoteTool(ToolMessage):
    request: str = "read_note"
    purpose: str = "Read the note <name>"
    name: str

    def handle(self) -> str:
        path = os.path.realpath(os.path.join(ROOT, self.name))
        if not path.startswith(ROOT + os.sep):
            return "outside the notes directory"
        return read_file(path)
