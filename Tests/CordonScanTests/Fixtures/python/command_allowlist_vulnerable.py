# The same server whose check only warns, and one whose deny-list of a few commands returns
# early: neither stops what the list does not name.
import logging
import subprocess

ALLOWED_COMMANDS = {"ls", "cat", "pwd", "git"}
DANGEROUS = ["rm -rf /", "mkfs"]


def warn_unlisted(command: str) -> None:
    if command.split()[0] not in ALLOWED_COMMANDS:
        logging.warning("unlisted command: %s", command)


def execute(command: str) -> str:
    warn_unlisted(command)
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout  # expect: shell-injection


def execute_checked(command: str) -> str:
    if any(d in command for d in DANGEROUS):
        return "refused"
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout  # expect: shell-injection
