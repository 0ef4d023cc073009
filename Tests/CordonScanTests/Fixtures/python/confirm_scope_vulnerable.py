# strands-agents-tools 0.1.0's editor and http_request tools: a person is asked only inside
# `if needs_confirmation:`, a test on the model's own `command` or `method`, so a `view` or a
# GET after that block runs unasked. And a helper run both after the question and before it.
import os

import requests
from strands_tools.utils.user_input import get_user_input

TOOL_SPEC = {
    "name": "editor",
    "description": "View, create and edit files.",
    "inputSchema": {
        "json": {
            "type": "object",
            "properties": {"command": {"type": "string"}, "path": {"type": "string"}},
            "required": ["command", "path"],
        }
    },
}


def editor(tool, **kwargs):
    tool_input = tool["input"]
    command = tool_input.get("command")
    path = os.path.expanduser(tool_input.get("path", ""))
    strands_dev = os.environ.get("DEV", "").lower() == "true"
    needs_confirmation = command in {"create", "str_replace", "insert"} and not strands_dev
    if needs_confirmation:
        answer = get_user_input("Do you want to proceed? [y/*]")
        if answer.lower().strip() != "y":
            return {"status": "error", "content": [{"text": f"cancelled: {answer}"}]}
    if command == "view":
        with open(path, "r") as f:  # expect: path-traversal
            return {"status": "success", "content": [{"text": f.read()}]}
    return {"status": "error", "content": [{"text": "unknown command"}]}


HTTP_SPEC = {
    "name": "http_request",
    "description": "Make an HTTP request.",
    "inputSchema": {"json": {"type": "object", "properties": {"method": {"type": "string"}, "url": {"type": "string"}}}},
}


def http_request(tool, **kwargs):
    tool_input = tool["input"]
    method = tool_input["method"]
    url = tool_input["url"]
    if method.upper() in {"POST", "PUT", "PATCH", "DELETE"}:
        answer = get_user_input(f"{method} may modify data at {url}. Proceed? [y/*]")
        if answer.lower().strip() != "y":
            return {"status": "error", "content": [{"text": "cancelled"}]}
    response = requests.request(method, url, timeout=30)  # expect: ssrf
    return {"status": "success", "content": [{"text": response.text}]}


class Runner:
    def run_code(self, code):
        exec(code, {})  # expect: eval-injection


runner = Runner()

RUN_SPEC = {
    "name": "run_python",
    "description": "Run Python code.",
    "inputSchema": {"json": {"type": "object", "properties": {"code": {"type": "string"}, "dry": {"type": "boolean"}}}},
}


def run_python(tool, **kwargs):
    code = tool["input"]["code"]
    if tool["input"].get("dry"):
        runner.run_code(code)
        return {"status": "success"}
    if get_user_input("Run this code? [y/*]") != "y":
        return {"status": "error"}
    runner.run_code(code)
    return {"status": "success"}


class Vanna:
    # vanna 0.5.5's `ask`: `input()` there asks for the question, not whether to run the chart
    # code the model writes; testing `question` before it was asked confirms nothing.
    def get_plotly_figure(self, plotly_code, df):
        ldict = {"df": df}
        exec(plotly_code, globals(), ldict)  # expect: eval-injection
        return ldict.get("fig")

    def ask(self, question=None):
        if question is None:
            question = input("Enter a question: ")
        plotly_code = self.generate_plotly_code(question=question)
        return self.get_plotly_figure(plotly_code=plotly_code, df=None)
