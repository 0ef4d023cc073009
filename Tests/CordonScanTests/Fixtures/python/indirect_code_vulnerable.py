# strands-agents-tools 0.1.0's calculator, cron and load_tool: SymPy parses the model's
# expression with Python's eval, crontab installs the model's command for cron to run in a
# shell, and the agent's registry imports and runs the Python file the model names.
import subprocess

import sympy as sp
from strands import tool


def parse_expression(expr_str):
    return sp.sympify(expr_str, evaluate=True)  # expect: eval-injection


@tool
def calculator(expression: str, precision: int = 10) -> dict:
    """Evaluate a mathematical expression."""
    return {"status": "success", "content": [{"text": str(parse_expression(expression))}]}


@tool
def limit(expression: str, point: str) -> str:
    """Limit of an expression in x at a point."""
    return str(sp.limit(sp.Symbol("x"), sp.Symbol("x"), sp.sympify(point)))  # expect: eval-injection


@tool
def cron_add(schedule: str, command: str) -> dict:
    """Schedule a command in the user's crontab."""
    current = subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout
    with subprocess.Popen(["crontab", "-"], stdin=subprocess.PIPE, text=True) as proc:
        proc.stdin.write(current + f"{schedule} {command}\n")  # expect: shell-injection
    return {"status": "success"}


@tool
def cron_raw(entry: str) -> str:
    """Install a raw crontab entry."""
    subprocess.run(["crontab", "-"], input=entry + "\n", text=True, check=True)  # expect: shell-injection
    return "ok"


@tool
def load_tool(path: str, name: str, agent=None) -> dict:
    """Load a Python tool file into the running agent."""
    agent.tool_registry.load_tool_from_filepath(tool_name=name, tool_path=path)  # expect: eval-injection
    return {"status": "success"}
