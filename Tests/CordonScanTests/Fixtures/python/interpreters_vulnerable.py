import ssl

from autogen import AssistantAgent, UserProxyAgent
from autogen.coding import LocalCommandLineCodeExecutor
from crewai import Agent
from langchain_community.agent_toolkits import RequestsToolkit

executor = LocalCommandLineCodeExecutor(work_dir="coding")  # expect: unsandboxed-code-interpreter
proxy = UserProxyAgent(
    "runner",
    human_input_mode="NEVER",
    code_execution_config={"work_dir": "coding", "use_docker": False},  # expect: unsandboxed-code-interpreter
)
coder = Agent(role="coder", goal="write code", allow_code_execution=True, code_execution_mode="unsafe")  # expect: unsandboxed-code-interpreter
toolkit = RequestsToolkit(requests_wrapper=wrapper, allow_dangerous_requests=True)  # expect: allow-dangerous-requests
context = ssl._create_unverified_context()  # expect: tls-verification-disabled
