# Near misses for interpreters: a constant script with the model's word as its data, an
# interpreter running a module over a file (a formatter), a fixed program on the file, and
# the operator's own code.
import subprocess
import tempfile


def tool_word_count(text: str) -> str:
    """Count the words of a text."""
    script = "import sys; print(len(sys.argv[1].split()))"
    return subprocess.check_output(["python3", "-c", script, text], text=True)


def tool_format(code: str) -> str:
    """Format Python code."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(code)
    subprocess.run(["python3", "-m", "black", "-q", f.name], check=True)
    return open(f.name).read()


def tool_lint(script: str) -> str:
    """Check a shell script."""
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
        f.write(script)
    return subprocess.run(["shellcheck", f.name], capture_output=True, text=True).stdout


def notify(title: str) -> None:
    subprocess.run(["osascript", "-e", 'display notification "build finished"'], check=True)
