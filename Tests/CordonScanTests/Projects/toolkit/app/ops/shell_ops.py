# A module of plain functions; app/agent.py adds execute_shell_command to the toolkit.
import subprocess


def execute_shell_command(command: str, timeout: int = 300) -> str:
    proc = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=timeout)  # expect: shell-injection
    return proc.stdout + proc.stderr


def disk_usage(path: str) -> str:
    # Never registered: its caller is the developer's code.
    return subprocess.run(["du", "-sh", path], capture_output=True, text=True).stdout
