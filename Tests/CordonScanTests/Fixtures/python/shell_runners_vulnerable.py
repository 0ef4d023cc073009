# wcgw 2.0.0's computer-use tool: `shell()` hands the line it is given to a host shell inside
# `docker exec ... sh -c '...'`, and its callers format the model's key text into that line; a
# tool builds a `cat` line for a module-level helper that runs it with shell=True.
import subprocess

from langchain_core.tools import tool


class Computer:
    def __init__(self, container):
        self.container = container
        self.xdotool = "DISPLAY=:1 xdotool"

    def key(self, text):
        return self.shell(f"{self.xdotool} key -- {text}")  # expect: shell-injection

    def shell(self, command):
        line = f"docker exec {self.container} sh -c '{command}'"
        proc = subprocess.Popen(line, shell=True, stdout=subprocess.PIPE, text=True)  # expect: shell-injection
        return proc.communicate()[0]


def run_command(cmd, timeout=3.0):
    done = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=timeout)  # expect: shell-injection
    return done.stdout


@tool
def read_remote_file(path: str) -> str:
    """Print a file of the build container."""
    return run_command(f"docker exec builder cat {path}")  # expect: shell-injection


# The same helper, but one of its callers passes a line it did not fix: the helper keeps its
# finding (and the caller's own line is reported where it is built).
def run_kubectl_command(command):
    """Run a kubectl command and return the result."""
    result = subprocess.run(command, shell=True, capture_output=True, text=True)  # expect: shell-injection
    return result.stdout


def cluster_summary() -> str:
    return run_kubectl_command("kubectl get all")


def describe_pod(pod_name):
    return run_kubectl_command("kubectl describe pod " + pod_name)  # expect: shell-injection
