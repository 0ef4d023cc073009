# Near misses of confirmation scope (strands-agents-tools 0.1.0's file_write and python_repl,
# gptme's `execute_python(code, ask)`): the question comes before the act in a block still open
# there, or inside blocks only the operator's settings skip (DEV, a non-interactive flag read
# from the framework's keywords, a bare `ask` flag); a helper of the file that only confirmed
# code calls runs what the person read.
import os

from gptme.util import ask_execute
from strands_tools.utils.user_input import get_user_input

TOOL_SPEC = {
    "name": "file_write",
    "description": "Write content to a file.",
    "inputSchema": {
        "json": {"type": "object", "properties": {"path": {"type": "string"}, "content": {"type": "string"}}}
    },
}


def file_write(tool, **kwargs):
    tool_input = tool["input"]
    path = os.path.expanduser(tool_input["path"])
    strands_dev = os.environ.get("DEV", "").lower() == "true"
    if not strands_dev:
        answer = get_user_input("Do you want to proceed with the file write? [y/*]")
        if answer.lower().strip() != "y":
            return {"status": "error", "content": [{"text": "cancelled"}]}
    with open(path, "w") as f:
        f.write(tool_input["content"])
    return {"status": "success"}


class ReplState:
    def __init__(self):
        self._namespace = {}

    def execute(self, code):
        exec(code, self._namespace)


repl_state = ReplState()

REPL_SPEC = {
    "name": "python_repl",
    "description": "Run Python code with persistent state.",
    "inputSchema": {"json": {"type": "object", "properties": {"code": {"type": "string"}}}},
}


def python_repl(tool, **kwargs):
    code = tool["input"]["code"]
    non_interactive_mode = kwargs.get("non_interactive_mode", False)
    if not non_interactive_mode:
        answer = get_user_input("Do you want to proceed with Python code execution? [y/*]")
        if answer.lower().strip() != "y":
            return {"status": "error", "content": [{"text": "cancelled"}]}
    repl_state.execute(code)
    return {"status": "success"}


def execute_python(code: str, ask: bool, args=None):
    """Run a Python code block the assistant wrote."""
    if ask:
        confirm = ask_execute()
        if not confirm:
            return "Aborted, user chose not to run command."
    exec(code, {})
    return "ran"
