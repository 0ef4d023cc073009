# Near misses for the confirmation rule: the person's answer is asked in an assignment wrapped
# over lines in brackets, then tested before the shell runs (llm-tools-execute-shell's loop
# asks until the answer is y or n and returns on n).
import subprocess

import llm


def execute_shell(command: str) -> str:
    """Executes a shell command on the user's system."""
    confirmation = None
    while confirmation != "y" and confirmation != "n":
        print(f"LLM wants to run command: {command!r}")
        confirmation = (
            input("Are you sure you want to run the above command? (y/n): ")
            .strip()
            .lower()
        )
    if confirmation == "n":
        return "The shell command was cancelled by the user."
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout


@llm.hookimpl
def register_tools(register):
    register(execute_shell)
