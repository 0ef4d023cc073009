# Near misses: loaders and tools that refuse to run unless the caller opts in explicitly
# (the caller's allow_dangerous_...=True is what gets reported).
import pickle

import requests
from langchain_core.tools import BaseTool


class VectorIndex:
    @classmethod
    def load(cls, folder: str, *, allow_dangerous_deserialization: bool = False):
        if not allow_dangerous_deserialization:
            raise ValueError("the index is a pickle: pass allow_dangerous_deserialization=True for files you trust")
        with open(f"{folder}/index.pkl", "rb") as f:
            return pickle.load(f)


class WebGetTool(BaseTool):
    name: str = "web_get"

    def __init__(self, **kwargs):
        if not kwargs.get("allow_dangerous_requests", False):
            raise ValueError("this tool fetches any URL: opt in with allow_dangerous_requests=True")
        super().__init__(**kwargs)

    def _run(self, url: str) -> str:
        return requests.get(url, timeout=10).text


def create_dataframe_agent(llm, df, allow_dangerous_code: bool = False):
    if not allow_dangerous_code:
        raise ValueError("this agent runs model-written pandas code: opt in with allow_dangerous_code=True")
    from langchain_experimental.tools import PythonAstREPLTool

    return PythonAstREPLTool(locals={"df": df})
