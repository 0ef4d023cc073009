# Near miss: the same store, resolving each name and refusing what lands outside the base; and
# a key that only names the object's own cache entry.
import hashlib
from pathlib import Path


class DB:
    def __init__(self, path):
        self.path = Path(path).resolve()

    def _inside(self, key) -> Path:
        full_path = (self.path / key).resolve()
        if not full_path.is_relative_to(self.path):
            raise ValueError(f"{key} is outside {self.path}")
        return full_path

    def __getitem__(self, key):
        return self._inside(key).read_text(encoding="utf-8")

    def __setitem__(self, key, val):
        self._inside(key).write_text(val, encoding="utf-8")


class Cache:
    def __init__(self, root):
        self.root = Path(root)

    def get(self, key):
        digest = hashlib.sha256(key.encode()).hexdigest()
        return (self.root / digest).read_bytes()
