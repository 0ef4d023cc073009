# crewAI tools that hand the model's arguments to helpers of another module of the project.
from crewai.tools import tool

from helpers import web_utils
from helpers.git_ops import checkout_branch as checkout


@tool("Checkout a branch")
def switch_branch(branch: str) -> str:
    """Check out a branch of the repository."""
    return checkout(branch)


@tool("Download a file")
def download_file(url: str) -> str:
    """Download a file for the analyst."""
    return web_utils.download(url, "/srv/agent/downloads/latest")
