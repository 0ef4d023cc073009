# Near misses shaped like strands-agents-tools 0.1.0's python_repl: the REPL state object reads
# back the dill file a method further down writes (its own storage), and its `save_state(code=
# None)` runs code only when a caller passes some: the reset path calls it bare, and the only
# call passing code comes after the person's confirmation.
import os

import dill
from strands import tool
from strands_tools.utils.user_input import get_user_input


class ReplState:
    def __init__(self) -> None:
        self._namespace = {"__name__": "__main__"}
        self.state_file = os.path.join(os.getcwd(), "repl_state", "repl_state.pkl")
        self.load_state()

    def load_state(self) -> None:
        if os.path.exists(self.state_file):
            with open(self.state_file, "rb") as f:
                self._namespace.update(dill.load(f))

    def save_state(self, code: str | None = None) -> None:
        if code:
            exec(code, self._namespace)
        with open(self.state_file, "wb") as f:
            dill.dump({k: v for k, v in self._namespace.items() if not k.startswith("_")}, f)

    def clear_state(self) -> None:
        self._namespace = {"__name__": "__main__"}
        self.save_state()


repl_state = ReplState()


@tool
def python_repl(code: str, reset_state: bool = False) -> str:
    """Run Python code in a persistent REPL, after the user confirms."""
    if reset_state:
        repl_state.clear_state()
    answer = get_user_input(f"Run this code?\n{code}\n[y/n]")
    if answer.lower() != "y":
        return "cancelled"
    repl_state.save_state(code)
    return "ok"
