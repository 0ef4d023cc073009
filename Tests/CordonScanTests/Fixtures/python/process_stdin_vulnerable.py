# A persistent interpreter process (open-interpreter's and swarms' subprocess languages): the
# code the agent is handed, or the model's reply, is written into the stdin of a Python
# process on the host.
import subprocess


class SubprocessCodeInterpreter:
    def __init__(self, start_cmd: str = "python3 -i -q -u"):
        self.start_cmd = start_cmd
        self.process = None

    def start_process(self):
        self.process = subprocess.Popen(self.start_cmd.split(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def run(self, code: str):
        if self.process is None:
            self.start_process()
        self.process.stdin.write(code + "\n")  # expect: unsandboxed-code-interpreter
        self.process.stdin.flush()


def solve(llm, task: str) -> None:
    proc = subprocess.Popen(["python3", "-i"], stdin=subprocess.PIPE, text=True)
    generated_code = llm.invoke(f"Write Python for: {task}").content
    proc.stdin.write(generated_code)  # expect: eval-injection
