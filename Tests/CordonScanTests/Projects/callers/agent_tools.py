# crewAI tools that hand the model's arguments to helpers of another module of the project.
# The branch reaches a helper that runs it in a shell: since session 13's second round that
# hand-off is reported here too (the tool is where the model's text enters), as well as the
# helper's line.
from crewai.tools import tool

from helpers import web_utils
from helpers.git_ops import checkout_branch as checkout


@tool("Checkout a branch")
def switch_branch(branch: str) -> str:
    """Check out a branch of the repository."""
    return checkout(branch)  # expect: shell-injection


@tool("Download a file")
def download_file(url: str) -> str:
    """Download a file for the analyst."""
    return web_utils.download(url, "/srv/agent/downloads/latest")
