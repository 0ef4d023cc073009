# Near misses: a tool path resolved and checked against its base, a configured path, and a
# non-tool helper opening the path its caller gives.
import os
from pathlib import Path

from crewai_tools import BaseTool

BASE = Path("/srv/agent/files").resolve()


class ReadFile(BaseTool):
    name: str = "read_file"

    def _run(self, file_path: str) -> str:
        target = os.path.realpath(os.path.join(BASE, file_path))
        if not target.startswith(str(BASE) + os.sep):
            raise ValueError(f"{file_path}: outside the workspace")
        with open(target) as f:
            return f.read()


class ReadConfigured(BaseTool):
    name: str = "read_config"
    config_path: str = "/etc/agent/config.toml"

    def _run(self, section: str) -> str:
        with open(self.config_path) as f:
            return f.read()


def load_notes(path: str) -> str:
    with open(path) as f:
        return f.read()


class ListDirectoryTool(BaseTool):
    """LangChain's list_directory: the path goes through a helper that resolves and checks it."""

    name: str = "list_directory"
    root_dir: str = "."

    def _run(self, dir_path: str = ".") -> str:
        try:
            dir_path_ = self.get_relative_path(dir_path)
        except ValueError:
            return f"Error: {dir_path} is outside the allowed directory"
        return "\n".join(os.listdir(dir_path_))
