# An interpreter held in a variable or a field, whatever its name, then handed the model's code.
from langchain_community.utilities import BashProcess
from langchain_core.tools import BaseTool
from langchain_experimental.utilities import PythonREPL
from pydantic import Field


def solve(llm, question: str) -> str:
    program = llm.invoke(f"Write Python that prints the answer to: {question}").content
    executor = PythonREPL()  # expect: shell-tool
    return executor.run(program)  # expect: eval-injection


class Terminal(BaseTool):
    name: str = "terminal"
    description: str = "Run shell commands."
    process: BashProcess = Field(default_factory=lambda: BashProcess(return_err_output=True))  # expect: shell-tool

    def _run(self, commands: str) -> str:
        return self.process.run(commands)  # expect: shell-injection
