# Custom tools created through an API: the source code is written to a file and loaded with
# importlib in the server process (MemGPT's write_function/validate_function shape); a plugin
# path chosen by the model is loaded the same way.
import importlib.util
import os

from langchain_core.tools import tool

FUNCTIONS_DIR = os.path.expanduser("~/.agent/functions")


def validate_function(module_name: str, module_path: str) -> bool:
    spec = importlib.util.spec_from_file_location(module_name, module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return True


def write_function(module_name: str, function_code: str) -> None:
    file_path = os.path.join(FUNCTIONS_DIR, f"{module_name}.py")
    with open(file_path, "a") as f:
        f.write(function_code)
    validate_function(module_name, file_path)  # expect: unsandboxed-code-interpreter


@tool
def load_plugin(plugin_path: str) -> str:
    """Load a plugin module."""
    spec = importlib.util.spec_from_file_location("plugin", plugin_path)  # expect: eval-injection
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.__name__
