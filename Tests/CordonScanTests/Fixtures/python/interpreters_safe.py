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
