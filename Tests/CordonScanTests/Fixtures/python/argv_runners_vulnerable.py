# A helper runs a fixed program with the operand list its caller builds (issue 16, session
# 14): each element the model chose, where the program still reads options, is an option
# when it starts with '-' (`helm uninstall --help`, `kubectl delete namespace --all`).
import subprocess

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("releases")


def _helm(args: list[str]) -> str:
    return subprocess.run(["helm"] + args, capture_output=True, text=True).stdout


@mcp.tool()
def release_status(release: str, namespace: str = "") -> str:
    """Show a Helm release."""
    args = ["status"]
    args.append(release)  # expect: argument-injection
    if namespace:
        args.extend(["--namespace", namespace])  # expect: argument-injection
    return _helm(args)


@mcp.tool()
def uninstall(release: str) -> str:
    """Remove a Helm release."""
    args = ["uninstall", release]  # expect: argument-injection
    return _helm(args)


def history(release: str) -> str:
    args = ["history"]
    args += [release, "--max", "5"]  # expect: argument-injection
    return _helm(args)


@mcp.tool()
def release_history(release: str) -> str:
    """Show a release's revisions."""
    return history(release)


@mcp.tool()
def run_in_workdir(args: list[str]) -> str:
    """Run a program in the work directory."""
    argv = ["env", "-C", "/srv/work"] + args
    return subprocess.run(argv, capture_output=True, text=True).stdout  # expect: shell-injection
