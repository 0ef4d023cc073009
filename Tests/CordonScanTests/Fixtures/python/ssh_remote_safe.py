# Near misses: the remote command is fixed, or the model's word is quoted for the remote shell.
import shlex
import subprocess

from langchain_core.tools import tool

HOST = "deploy@build-01"


@tool
def service_status(service: str) -> str:
    """Show a systemd unit's status on the build host."""
    argv = ["ssh", "-o", "BatchMode=yes", HOST, "systemctl", "status", shlex.quote(service)]
    return subprocess.run(argv, capture_output=True, text=True).stdout


@tool
def load_average() -> str:
    """The build host's load."""
    return subprocess.check_output(["ssh", "-p", "2222", HOST, "cat", "/proc/loadavg"], text=True)
