# wcgw 2.0.0's shape: a persistent bash held by pexpect is sent the model's command line, a
# file tool opens the model's path through pathlib, and an MCP server rebuilds the model's
# arguments in a comprehension before running them.
import json
import os
from pathlib import Path

import pexpect
from mcp.server import Server

server = Server("wcgw")
SHELL = pexpect.spawn("/bin/bash", env={**os.environ, "PS1": "$ "}, echo=False, encoding="utf-8")


@server.call_tool()
async def handle_call_tool(name, arguments):
    if name == "BashCommand":
        SHELL.sendline(arguments["command"].strip())  # expect: shell-injection
        SHELL.expect("\\$ ")
        return SHELL.before
    if name == "ReadFile":
        path = Path(arguments["file_path"])
        if not path.is_absolute():
            return "Failure: file_path should be absolute path"
        with path.open("r") as f:  # expect: path-traversal
            return f.read()
    call = {k: json.loads(v) for k, v in arguments.items()}
    exec(call["code"], {})  # expect: eval-injection
    return "ok"
