# A code runner shaped like mcp-run-python-code 0.0.2's RunPythonCode: its method exec()s the
# code it is given in the server's own process.
import contextlib
import io


class PythonExecutor:
    def __init__(self) -> None:
        self.namespace: dict = {}

    def run_snippet(self, source: str) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(source, self.namespace)
        return out.getvalue()

    def variable_value(self, name: str) -> str:
        return repr(self.namespace.get(name))
