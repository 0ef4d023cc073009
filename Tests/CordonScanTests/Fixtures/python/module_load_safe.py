# Near misses: plugins loaded from the operator's plugin directory (files someone installed,
# not code the agent was handed), and a calculator on numexpr, which since 2.8.5 refuses
# attributes, dunders and calls outside its math functions.
import importlib.util
import os

import numexpr
from langchain_core.tools import tool

PLUGIN_DIR = "/opt/agent/plugins"


def load_plugins() -> list:
    modules = []
    for name in sorted(os.listdir(PLUGIN_DIR)):
        spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(PLUGIN_DIR, name))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)
    return modules


@tool
def calculate(expression: str) -> str:
    """Evaluate an arithmetic expression."""
    return str(numexpr.evaluate(expression.strip(), global_dict={}, local_dict={}))
