"""Near misses: fixed argv lists, quoting, constants, cordon run."""
import shlex
import subprocess

from openai import OpenAI

client = OpenAI()
GIT = "git"


def status():
    return subprocess.run(["git", "status", "--short"], capture_output=True, text=True).stdout


def log(ref):
    # The branch name is an argument of a fixed program: no shell parses it.
    return subprocess.run([GIT, "log", "--oneline", ref], check=True)


def quoted(history):
    path = client.chat.completions.create(model="gpt-4o", messages=history).choices[0].message.content
    subprocess.run("ls -la " + shlex.quote(path), shell=True)


def constant_pipeline():
    subprocess.run("ps aux | grep python | wc -l", shell=True)
    cmd = "uptime"
    subprocess.run(cmd, shell=True)


def sandboxed(history):
    cmd = client.chat.completions.create(model="gpt-4o", messages=history).choices[0].message.content
    # Through cordon: the gate scores the command and the sandbox contains it.
    subprocess.run(["cordon", "run", "--policy", "policies/agent.yaml", "--", "sh", "-c", cmd], check=False)


def not_a_shell():
    text = "subprocess.run(cmd, shell=True) is how not to do it"
    # os.system(cmd) in a comment is not code
    return text
