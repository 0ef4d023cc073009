# Tools registered by decorators of a registry (a project's ToolRegistry, AutoGen's
# register_for_llm / register_for_execution): the decorated functions get the model's arguments.
import autogen
import requests

from .registry import tool_registry

assistant = autogen.AssistantAgent("assistant", llm_config={"model": "gpt-4o"})
executor = autogen.UserProxyAgent("executor", human_input_mode="NEVER")


@tool_registry.register
def read_report(report_path: str) -> str:
    with open(report_path) as f:  # expect: path-traversal
        return f.read()


@executor.register_for_execution()
@assistant.register_for_llm(description="Fetch a page")
def fetch_page(url: str) -> str:
    return requests.get(url, timeout=10).text  # expect: ssrf
