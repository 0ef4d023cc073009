# A confirmation whose answer nothing tests is no approval step: the code runs whatever the
# person says. And a system prompt the agent builds from the model's words is still one.
import subprocess

from IPython.terminal.embed import InteractiveShellEmbed

from ..util import ask_execute

_ipython = InteractiveShellEmbed()


def execute_python(code: str, ask: bool, args=None):
    """Executes a python codeblock and returns the output."""
    if ask:
        ask_execute()
    result = _ipython.run_cell(code)  # expect: eval-injection
    return result.result


def run_command(tool_input: str) -> str:
    """Run a shell command the agent proposes."""
    print(f"running {tool_input}, confirm in the log")
    return subprocess.run(tool_input, shell=True, capture_output=True, text=True).stdout  # expect: shell-injection


def next_turn(client, question: str):
    plan = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    text = plan.choices[0].message.content
    return [("system", f"Follow this plan: {text}")]  # expect: system-prompt-injection
