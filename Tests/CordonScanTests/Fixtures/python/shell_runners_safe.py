# Near misses: a runner handed only the developer's own line, or a line whose one part the
# model chose was quoted for the shell first; a helper that runs an argv list is no runner.
import shlex
import subprocess

from langchain_core.tools import tool

STATUS = "docker ps --format '{{.Names}}'"


def run_line(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout  # expect: shell-injection


@tool
def status() -> str:
    """Which containers run."""
    return run_line(STATUS)


@tool
def grep_logs(pattern: str) -> str:
    """Search the agent's log for a pattern."""
    return run_line(f"grep -n -- {shlex.quote(pattern)} /var/log/agent.log")


def logs(name, lines):
    return subprocess.run(["docker", "logs", "--tail", str(lines), name], capture_output=True, text=True).stdout


def tail_builder(lines):
    return logs("builder", f"{lines}")
