# Near misses: data (not code) fed to a program's stdin, a constant script, and a dict of
# options filled before the call that uses them.
import subprocess


def count_matches(pattern: str, text: str) -> int:
    proc = subprocess.Popen(["grep", "-c", "--", pattern], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate(text)
    return int(out)


def warm_up() -> None:
    proc = subprocess.Popen(["python3", "-i"], stdin=subprocess.PIPE, text=True)
    startup_code = "import json, math\n"
    proc.stdin.write(startup_code)


def make_tool(fn, instructions: str = "", **kwargs):
    kwargs.update(instructions=instructions)
    return fn, kwargs
