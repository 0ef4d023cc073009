# Near misses: tools that run the model's code, command or file write only after a person
# confirms it (gptme's `ask_execute()`, camel's interpreter asking `input(...)`). With
# confirmation turned off by the user's own flag it is the user's choice, not the model's.
import subprocess

from IPython.terminal.embed import InteractiveShellEmbed

from ..message import Message
from ..util import ask_execute, print_preview

_ipython = InteractiveShellEmbed()


def execute_python(code: str, ask: bool, args=None):
    """Executes a python codeblock and returns the output."""
    code = code.strip()
    if ask:
        print_preview(code, "python")
        confirm = ask_execute()
        if not confirm:
            yield Message("system", "Aborted, user chose not to run command.")
            return
    result = _ipython.run_cell(code, silent=False, store_history=False)
    yield Message("system", f"Executed code block.\n\n{result.result}")


def execute_save(code: str, ask: bool, args: list[str]):
    """Save code to a file."""
    fn = " ".join(args)
    if ask and not ask_execute(f"Save to {fn}?"):
        yield Message("system", "Save cancelled.")
        return
    with open(fn, "w") as f:
        f.write(code)
    yield Message("system", f"Saved to {fn}")


def run_command(tool_input: str) -> str:
    """Run a shell command the agent proposes."""
    answer = input(f"Run `{tool_input}`? [y/N] ")
    if answer.strip().lower() != "y":
        return "declined"
    return subprocess.run(tool_input, shell=True, capture_output=True, text=True).stdout
