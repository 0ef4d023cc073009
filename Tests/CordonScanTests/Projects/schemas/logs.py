# Functions the MCP server in server.py exposes by name.


def read_log(log_path: str) -> str:
    with open(log_path, encoding="utf-8") as f:  # expect: path-traversal
        return f.read()


def rotate(log_path: str) -> None:
    # Not described to the model.
    open(log_path, "w").close()
