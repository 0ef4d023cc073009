from langchain_openai import ChatOpenAI

llm = ChatOpenAI()


class PythonREPL:
    """The shape of LangChain's old PythonREPL, which PALChain and LLMMathChain called."""

    def __init__(self):
        self.globals = {}

    def run(self, command: str) -> str:
        exec(command, self.globals)  # expect: eval-injection
        return ""


def calculator(question):
    expression = llm.invoke(f"Write a Python expression for: {question}").content
    return eval(expression)  # expect: eval-injection


def compile_plan(plan_text):
    code = compile(plan_text, "<plan>", "exec")  # expect: eval-injection
    return code


def pal(question):
    program = llm.invoke(question).content
    return PythonREPL().run(program)  # expect: eval-injection, shell-tool


_eval = eval


@tool
def calculate(expression: str) -> str:
    """Evaluate an arithmetic expression."""
    return str(_eval(expression))  # expect: eval-injection
