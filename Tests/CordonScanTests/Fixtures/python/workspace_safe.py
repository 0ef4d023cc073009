# Near miss (autogpt-forge's LocalWorkspace): every method joins the caller's path under the
# base and hands it to a helper that resolves it and refuses what lands outside. The helper's
# name says nothing; what it does is the check. (forge 0.1.4 itself tests
# `str(abs_path).startswith(str(self.base_path))`, a bare prefix that lets a sibling directory
# through: issue 16, session 15b reports that, in prefix_tests_vulnerable.py; this near miss
# compares path components.)
import os
from pathlib import Path


class LocalWorkspace:
    def __init__(self, base_path: str):
        self.base_path = Path(base_path).resolve()

    def _resolve_path(self, task_id: str, path: str) -> Path:
        path = str(path)
        path = path if not path.startswith("/") else path[1:]
        abs_path = (self.base_path / task_id / path).resolve()
        if not abs_path.is_relative_to(self.base_path):
            raise ValueError(f"Directory traversal is not allowed! - {abs_path}")
        return abs_path

    def read(self, task_id: str, path: str) -> bytes:
        with open(self._resolve_path(task_id, path), "rb") as f:
            return f.read()

    def delete(self, task_id: str, path: str) -> None:
        path = self.base_path / task_id / path
        resolved_path = self._resolve_path(task_id, path)
        os.remove(resolved_path)

    def list(self, task_id: str, path: str) -> list[str]:
        path = self.base_path / task_id / path
        base = self._resolve_path(task_id, path)
        return [str(p.relative_to(self.base_path / task_id)) for p in base.iterdir()]
