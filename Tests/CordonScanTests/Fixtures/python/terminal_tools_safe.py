# Near misses: the held bash is sent only the program's own lines, a spawned ssh session is
# not known to run what it reads as a shell would, pathlib opens the developer's file, and a
# comprehension whose element does not use the loop's names (a count) carries nothing of them.
import subprocess
from pathlib import Path

import pexpect
from mcp.server import Server

server = Server("terminal")
CONFIG = Path("/etc/agent/terminal.toml")
SHELL = pexpect.spawn("/bin/bash", echo=False, encoding="utf-8")
REMOTE = pexpect.spawn("ssh -T deploy@build-host", encoding="utf-8")


@server.call_tool()
async def handle_call_tool(name, arguments):
    if name == "status":
        SHELL.sendline("uptime")
        SHELL.expect("\\$ ")
        return SHELL.before
    if name == "remote_note":
        REMOTE.sendline(arguments["note"])
        return "sent"
    if name == "settings":
        with CONFIG.open("r") as f:
            return f.read()
    sizes = [1 for _ in arguments.items()]
    subprocess.run(["logger", f"{len(sizes)} arguments"], check=True)
    return "ok"
