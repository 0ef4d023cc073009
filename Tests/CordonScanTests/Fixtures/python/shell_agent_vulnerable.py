"""A coding agent that runs whatever shell command the model proposes."""
import os
import subprocess as sp
from subprocess import run as r, Popen

from openai import OpenAI

client = OpenAI()


def next_command(history):
    response = client.chat.completions.create(model="gpt-4o", messages=history)
    return response.choices[0].message.content


def step(history):
    reply = client.chat.completions.create(model="gpt-4o", messages=history)
    cmd = reply.choices[0].message.content.strip()
    out = sp.run(cmd, shell=True, capture_output=True, text=True)  # expect: shell-injection
    return out.stdout


def step_alias(history):
    llm_output = next_command(history)
    command = llm_output
    r(command, shell=True)  # expect: shell-injection
    os.system("echo " + command)  # expect: shell-injection
    Popen(["bash", "-c", command])  # expect: shell-injection


def run_script(name):
    # The caller decides `name`: not known to be model output, still a shell on a variable.
    os.popen(f"./scripts/{name}.sh")  # expect: shell-injection


def run_chosen_program(history):
    argv = next_command(history).split()
    sp.check_output(argv)  # expect: shell-injection
