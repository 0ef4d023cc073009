# Near miss: the command is checked against an allow-list of programs and flags that raises
# for anything else (cli-mcp-server's shape) before the shell runs it.
import shlex
import subprocess

ALLOWED_COMMANDS = {"ls", "cat", "pwd", "git"}
ALLOWED_FLAGS = {"-l", "-a", "--oneline"}


class CommandError(Exception):
    pass


def validate_command(command: str) -> list:
    words = shlex.split(command)
    if not words or words[0] not in ALLOWED_COMMANDS:
        raise CommandError(f"command not allowed: {command}")
    for w in words[1:]:
        if w.startswith("-") and w not in ALLOWED_FLAGS:
            raise CommandError(f"flag not allowed: {w}")
    return words


def execute(command: str) -> str:
    validate_command(command)
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout
