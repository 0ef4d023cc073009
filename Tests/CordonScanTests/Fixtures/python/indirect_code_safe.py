# Near misses: SymPy on the developer's own expression and on numbers the model gives (built
# with Symbol, not parsed), crontab only listed, a program fed data on stdin, and the registry
# loading the developer's own tool file.
import subprocess

import sympy as sp
from strands import tool

BUILTIN_TOOLS = "/opt/agent/tools/calculator.py"
x = sp.Symbol("x")
QUADRATIC = sp.sympify("a*x**2 + b*x + c")


@tool
def solve_linear(a: float, b: float) -> str:
    """Solve a*x + b = 0."""
    return str(sp.solve(sp.Float(a) * x + sp.Float(b), x))


@tool
def list_jobs() -> str:
    """List the user's crontab entries."""
    return subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout


@tool
def word_count(text: str) -> str:
    """Count the words of a text with wc."""
    proc = subprocess.Popen(["wc", "-w"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate(text)
    return out


@tool
def reload_calculator(agent=None) -> str:
    """Reload the built-in calculator tool."""
    agent.tool_registry.load_tool_from_filepath(tool_name="calculator", tool_path=BUILTIN_TOOLS)
    return "reloaded"
