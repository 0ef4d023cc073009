import subprocess
from langchain.tools import tool
from subprocess import PIPE


@tool("git_clone")
def clone(repo_url: str) -> str:
    """Clone a repository."""
    import os
    os.system(f"git clone {repo_url}")  # expect: shell-injection
    return "ok"


def run_generated(response):
    code = response["code"]
    exec(code, globals())  # expect: eval-injection


@tool
def run(args: list) -> str:
    """run a command"""
    cmd = " ".join(args)
    p = subprocess.Popen(cmd, shell=True, stdout=PIPE)  # expect: shell-injection
    return p.communicate()[0]
