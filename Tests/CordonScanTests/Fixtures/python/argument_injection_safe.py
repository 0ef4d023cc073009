# Near misses: the model's value after a literal `--`, attached to its option, behind a
# constant prefix, as the value of `-m`, or rejected when it starts with '-'; a revision the
# operator configured.
import subprocess

import git
from langchain_core.tools import tool

DEFAULT_BRANCH = "main"


@tool
def show_file_history(path: str) -> str:
    """Commits that touched a file."""
    return subprocess.run(["git", "log", "--oneline", "--", path], capture_output=True, text=True).stdout


@tool
def commits_since(date: str) -> str:
    """Commits since a date."""
    return subprocess.run(["git", "log", f"--since={date}"], capture_output=True, text=True).stdout


@tool
def commit(message: str) -> str:
    """Commit the staged changes."""
    return subprocess.run(["git", "commit", "-m", message], capture_output=True, text=True).stdout


@tool
def branch_head(branch: str) -> str:
    """The head commit of a branch."""
    return subprocess.run(["git", "rev-parse", f"refs/heads/{branch}"], capture_output=True, text=True).stdout


@tool
def checkout(branch_name: str) -> str:
    """Switch branches."""
    if branch_name.startswith("-"):
        raise ValueError("a branch name cannot start with '-'")
    git.Repo("/srv/repos/main").git.checkout(branch_name)
    return "ok"


def reset_to_default(repo: git.Repo) -> None:
    repo.git.checkout(DEFAULT_BRANCH)
