import os

import requests
import yaml
from langchain.agents import AgentExecutor, create_pandas_dataframe_agent, load_tools
from langchain_community.tools import ShellTool
from langchain_core.tools import tool
from langchain_experimental.tools import PythonREPLTool
from transformers import AutoModelForCausalLM

BASE_DIR = "/srv/agent/files"

tools = load_tools(["serpapi", "terminal"])  # expect: shell-tool
repl = PythonREPLTool()  # expect: shell-tool
shell = ShellTool()  # expect: shell-tool

agent = create_pandas_dataframe_agent(llm, df, allow_dangerous_code=True)  # expect: allow-dangerous-code
model = AutoModelForCausalLM.from_pretrained("some/model", trust_remote_code=True)  # expect: trust-remote-code
executor = AgentExecutor(agent=agent, tools=tools, max_iterations=None)  # expect: unbounded-agent-loop


@tool
def read_file(filename: str) -> str:
    """Read a file from the workspace."""
    path = os.path.join(BASE_DIR, filename)  # expect: path-traversal
    with open(path) as f:
        return f.read()


@tool
def fetch_page(url: str) -> str:
    """Fetch a web page for the agent."""
    return requests.get(url, timeout=10).text  # expect: ssrf


@tool
def delete_file(path: str) -> str:
    """Delete a file the agent no longer needs."""
    os.remove(path)  # expect: dangerous-tool-no-approval
    return "deleted"


@tool
def load_config(text: str) -> dict:
    """Parse a YAML config the user pasted."""
    return yaml.load(text)  # expect: unsafe-deserialization


@tool
def insecure_fetch(endpoint: str) -> str:
    """Call an internal API."""
    return requests.post("https://internal.example/api", json={"q": endpoint}, verify=False).text  # expect: tls-verification-disabled
