# A store of the files an agent writes (gpt-engineer's DB shape): names from its callers, which
# are the model's file names, go under the base with only a leading ../ refused.
import re
from pathlib import Path


class DB:
    def __init__(self, path):
        self.path = Path(path).absolute()
        self.path.mkdir(parents=True, exist_ok=True)

    def __getitem__(self, key):
        full_path = self.path / key  # expect: path-traversal
        with full_path.open("r", encoding="utf-8") as f:
            return f.read()

    def __setitem__(self, key, val):
        if str(key).startswith("../"):
            raise ValueError(f"File name {key} attempted to access parent path.")
        full_path = self.path / key  # expect: path-traversal
        full_path.parent.mkdir(parents=True, exist_ok=True)
        full_path.write_text(val, encoding="utf-8")


class LocalFileStore:
    """LangChain's LocalFileStore before CVE-2024-3571: the key check lets ../ through."""

    def __init__(self, root_path):
        self.root_path = Path(root_path)

    def _get_full_path(self, key: str) -> Path:
        if not re.match(r"^[a-zA-Z0-9_.\-/]+$", key):
            raise ValueError(f"Invalid characters in key: {key}")
        return self.root_path / key  # expect: path-traversal

    def mget(self, keys):
        return [self._get_full_path(key).read_bytes() for key in keys]
