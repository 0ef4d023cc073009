# Near misses: a cleanup hook registered with atexit (not a tool), a toolkit method running a
# fixed command, and a fetch whose scheme and host are written in the code.
import atexit
import os
import subprocess

import httpx
from phi.tools import Toolkit


def remove_scratch(path: str) -> None:
    os.remove(path)


atexit.register(remove_scratch)


class StatusTools(Toolkit):
    def __init__(self):
        super().__init__(name="status_tools")
        self.register(self.uptime)
        self.register(self.story)

    def uptime(self) -> str:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout

    def story(self, story_id: int) -> str:
        return httpx.get(f"https://hacker-news.firebaseio.com/v0/item/{story_id}.json").text
