# strands-agents-tools 0.1.0's cron tool: the tool hands the model's command to a helper of
# the same file, which installs it in the user's crontab. The helper's `command` is the
# model's only because the tool passes it (the project pass reads that call); `list_jobs`
# beside it takes nothing from the model.
import subprocess

from strands import tool


def list_jobs():
    return subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout


def add_job(schedule, command, description=None):
    current = list_jobs()
    line = f"{schedule} {command} # {description or ''}".strip()
    table = current.rstrip() + "\n" + line + "\n" if current else line + "\n"
    with subprocess.Popen(["crontab", "-"], stdin=subprocess.PIPE, text=True) as proc:
        proc.stdin.write(table)  # expect: shell-injection
    return {"status": "success"}


@tool
def cron(action: str, schedule: str = "", command: str = "", description: str = "") -> dict:
    """Manage crontab entries: list, or add a command on a schedule."""
    if action == "list":
        return {"status": "success", "content": [{"text": list_jobs()}]}
    if action == "add":
        return add_job(schedule, command, description)
    return {"status": "error"}
