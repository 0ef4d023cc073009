# ssh runs the operands after the host in the remote login shell (issue 16, session 13, second
# round): a split argv does not keep the model's text out of a shell there.
import subprocess

from langchain_core.tools import tool

HOST = "deploy@build-01"


@tool
def service_status(service: str) -> str:
    """Show a systemd unit's status on the build host."""
    argv = ["ssh", "-o", "BatchMode=yes", "-p", "2222", HOST, "systemctl", "status", service]
    return subprocess.run(argv, capture_output=True, text=True).stdout  # expect: shell-injection


@tool
def remote_run(command: str) -> str:
    """Run a command on the build host."""
    return subprocess.check_output(["/usr/bin/ssh", HOST, command], text=True)  # expect: shell-injection
