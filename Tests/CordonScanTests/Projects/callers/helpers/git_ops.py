import subprocess


def checkout_branch(name: str) -> str:
    return subprocess.run(f"git checkout {name}", shell=True, capture_output=True, text=True).stdout  # expect: shell-injection


def current_branch(repo: str) -> str:
    # Near miss: no tool calls it.
    return subprocess.run(["git", "-C", repo, "branch", "--show-current"], capture_output=True, text=True).stdout
