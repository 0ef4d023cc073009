# An MCP git server and agent tools that pass model-chosen revisions, branches and URLs into
# git's argv with no `--` before them: `--output=/etc/x`, `--orphan`, `--upload-pack=...` are
# read as options (CWE-88; the shape of mcp-server-git's git_diff/git_checkout).
import asyncio
import subprocess

import git
from langchain_core.tools import tool
from mcp.server import Server

server = Server("git")


def git_diff(repo: git.Repo, target: str, context_lines: int = 3) -> str:
    return repo.git.diff(f"--unified={context_lines}", target)  # expect: argument-injection


def git_checkout(repo: git.Repo, branch_name: str) -> str:
    repo.git.checkout(branch_name)  # expect: argument-injection
    return f"Switched to branch '{branch_name}'"


def git_log(repo_path: str, ref: str) -> str:
    out = subprocess.run(["git", "-C", repo_path, "log", "--oneline", ref], capture_output=True, text=True)  # expect: argument-injection
    return out.stdout


@server.call_tool()
async def call_tool(name: str, arguments: dict):
    repo = git.Repo("/srv/repos/main")
    if name == "git_diff":
        return git_diff(repo, arguments["target"])
    if name == "git_checkout":
        return git_checkout(repo, arguments["branch_name"])
    if name == "git_log":
        return git_log("/srv/repos/main", arguments["ref"])


@tool
async def clone_repository(url: str) -> str:
    """Clone a repository into the workspace."""
    proc = await asyncio.create_subprocess_exec("git", "clone", url, "/workspace/repo")  # expect: argument-injection
    await proc.wait()
    return "cloned"
