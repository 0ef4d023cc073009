# An SSH runner shaped like mcp-ssh-wrapper 0.1.1's: the argv is split locally, but ssh joins
# the operands after the host and the remote login shell runs them.
import subprocess


def execute_ssh_command(host: str, command: str, timeout_seconds: int = 0) -> str:
    ssh_command = ["ssh", "-o", "BatchMode=yes", host, command]
    done = subprocess.run(ssh_command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return done.stdout


def uptime(host: str) -> str:
    return subprocess.run(["ssh", host, "uptime"], capture_output=True, text=True).stdout
