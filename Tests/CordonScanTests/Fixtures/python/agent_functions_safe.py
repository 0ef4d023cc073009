# Near misses: agent functions that only touch the agent's own memory, and a module-level
# helper without `self` that reads the operator's configured file.
import json
import os

CONFIG = os.path.expanduser("~/.memgpt/config.json")


def core_memory_append(self, name: str, content: str) -> None:
    """Append to a section of core memory."""
    self.memory.edit_append(name, content)
    self.rebuild_memory()


def load_config(path: str = CONFIG) -> dict:
    with open(path) as f:
        return json.load(f)
