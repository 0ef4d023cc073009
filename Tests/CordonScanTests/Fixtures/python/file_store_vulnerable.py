# A store of the files an agent writes (gpt-engineer's DB shape): names from its callers, which
# are the model's file names, go under the base with only a leading ../ refused.
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
