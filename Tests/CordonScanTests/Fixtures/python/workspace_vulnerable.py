# The same workspace whose helper only tidies the path (strips a leading slash, resolves it)
# and checks nothing: `../../etc/passwd` resolves outside the base and is used.
import os
from pathlib import Path


class LocalWorkspace:
    def __init__(self, base_path: str):
        self.base_path = Path(base_path).resolve()

    def _tidy_path(self, task_id: str, path: str) -> Path:
        path = str(path)
        path = path if not path.startswith("/") else path[1:]
        return (self.base_path / task_id / path).resolve()  # expect: path-traversal

    def delete(self, task_id: str, path: str) -> None:
        path = self.base_path / task_id / path  # expect: path-traversal
        resolved_path = self._tidy_path(task_id, path)
        os.remove(resolved_path)
