import os

from autogen import UserProxyAgent
from autogen.coding import DockerCommandLineCodeExecutor
from crewai import Agent

executor = DockerCommandLineCodeExecutor(image="python:3.12-slim", work_dir="coding")
proxy = UserProxyAgent(
    "runner",
    human_input_mode="ALWAYS",
    code_execution_config={"work_dir": "coding", "use_docker": True},
)
coder = Agent(role="coder", goal="write code", allow_code_execution=True, code_execution_mode="safe")


def decide_use_docker(use_docker=None):
    """A local variable parsed from the environment is not a setting by itself."""
    if use_docker is None:
        value = os.environ.get("AUTOGEN_USE_DOCKER", "True").lower()
        if value in ("false", "0", "no"):
            use_docker = False
        else:
            use_docker = True
    return use_docker
