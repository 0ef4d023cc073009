# Near misses: a field named like an interpreter that holds something else, and an interpreter
# field that only ever runs a constant.
import subprocess

from langchain_community.utilities import BashProcess


class Job:
    process: subprocess.Popen

    def run(self, task: str) -> str:
        return self.process.run(task)


class Uptime:
    shell: BashProcess

    def check(self) -> str:
        return self.shell.run("uptime")
