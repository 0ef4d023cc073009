# Interpreters run what they are given (issue 16, session 14): source text after a code flag
# (`osascript -e`, `python3 -c`, `node -e`), or the file the function wrote the model's code
# to, run by a shell or by the language's interpreter on every branch.
import os
import subprocess
import tempfile

from pydantic import BaseModel, Field

RUNNERS = {"python": ["python3"], "ruby": ["ruby"]}


class RunAppleScript(BaseModel):
    """Runs AppleScript on the user's Mac."""

    script: str = Field(..., description="AppleScript source")

    @classmethod
    def execute(cls, script: str) -> str:
        argv = ["osascript", "-e", script]
        return subprocess.run(argv, capture_output=True, text=True).stdout  # expect: eval-injection


def tool_python(code: str) -> str:
    """Evaluate Python for the agent."""
    return subprocess.check_output(["/usr/bin/python3", "-c", code], text=True)  # expect: eval-injection


def tool_run_script(script: str) -> str:
    """Run a shell script for the agent."""
    path = os.path.join(tempfile.mkdtemp(), "job.sh")
    with open(path, "w") as f:
        f.write(script)
    return subprocess.run(["/bin/sh", path], capture_output=True, text=True).stdout  # expect: unsandboxed-code-interpreter


def tool_run_code(language: str, code: str) -> str:
    """Run code in one of the supported languages for the agent."""
    path = os.path.join(tempfile.mkdtemp(), "main")
    with open(path, "w") as f:
        f.write(code)
    if language == "c":
        subprocess.run(["cc", path, "-o", path + ".bin"], check=True)
        argv = [path + ".bin"]
    else:
        argv = RUNNERS[language] + [path]
    return subprocess.run(argv, capture_output=True, text=True).stdout  # expect: unsandboxed-code-interpreter
