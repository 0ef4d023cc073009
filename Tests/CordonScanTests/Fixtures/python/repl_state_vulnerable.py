# The same REPL where the reset path hands the model's code to `save_state` before any
# confirmation, and the state is read from a file this code never writes.
import os

import dill
from strands import tool
from strands_tools.utils.user_input import get_user_input


class ReplState:
    def __init__(self, state_file: str) -> None:
        self._namespace = {"__name__": "__main__"}
        self.state_file = state_file

    def load_state(self) -> None:
        with open(self.state_file, "rb") as f:
            self._namespace.update(dill.load(f))  # expect: unsafe-deserialization

    def save_state(self, code: str | None = None) -> None:
        if code:
            exec(code, self._namespace)  # expect: eval-injection

    def reset(self, code: str) -> None:
        self._namespace = {"__name__": "__main__"}
        self.save_state(code)


repl_state = ReplState(os.environ.get("REPL_STATE", "state.pkl"))


@tool
def python_repl(code: str, reset_state: bool = False) -> str:
    """Run Python code in a persistent REPL, after the user confirms."""
    if reset_state:
        repl_state.reset(code)
        return "reset"
    answer = get_user_input(f"Run this code?\n{code}\n[y/n]")
    if answer.lower() != "y":
        return "cancelled"
    repl_state.save_state(code)
    return "ok"
