# Near misses: a runner handed only the developer's own line, or a line whose one part the
# model chose was quoted for the shell first; a helper that runs an argv list is no runner.
import shlex
import subprocess

from langchain_core.tools import tool

STATUS = "docker ps --format '{{.Names}}'"


def run_line(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout


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


# kubectl-mcp-tool's minimal server: the shell helper's only caller picks one of a few fixed
# command lines, so every command it runs is the developer's.
def run_kubectl_command(command):
    """Run a kubectl command and return the result."""
    result = subprocess.run(command, shell=True, check=False, capture_output=True, text=True, timeout=10)
    return result.stdout if result.returncode == 0 else result.stderr


@tool
def process_natural_language(query: str) -> str:
    """Answer a question about the cluster with one fixed kubectl query."""
    cmd = "kubectl get all"
    if "pod" in query:
        cmd = "kubectl get pods"
    if "service" in query:
        cmd = "kubectl get services"
    return run_kubectl_command(cmd)
