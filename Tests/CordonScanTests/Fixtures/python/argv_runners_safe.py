# Near misses for argv runners: the model's word comes after `--`, as the value of a short
# option, behind a constant prefix, or is checked for a leading '-'; a list built only from
# constants; a helper that runs its list as the whole argv is judged where it is built.
import subprocess

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("releases")


def _helm(args: list[str]) -> str:
    return subprocess.run(["helm"] + args, capture_output=True, text=True).stdout


@mcp.tool()
def release_status(release: str, namespace: str = "default") -> str:
    """Show a Helm release."""
    args = ["status", "-n", namespace, "--", release]
    return _helm(args)


@mcp.tool()
def scale(deployment: str, replicas: int) -> str:
    """Scale a deployment."""
    args = ["upgrade", f"release/{deployment}", f"--set=replicas={replicas}"]
    return _helm(args)


@mcp.tool()
def uninstall(release: str) -> str:
    """Remove a Helm release."""
    if release.startswith("-"):
        raise ValueError("release names do not start with '-'")
    args = ["uninstall"]
    args.append(release)
    return _helm(args)


@mcp.tool()
def releases() -> str:
    """List every release."""
    args = ["list"]
    args.extend(["--all-namespaces", "-o", "json"])
    return _helm(args)
