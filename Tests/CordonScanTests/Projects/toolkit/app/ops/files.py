# File functions; the agent registers read_text and write_text, not archive.
import shutil


def read_text(file_path: str) -> str:
    with open(file_path, encoding="utf-8") as f:  # expect: path-traversal
        return f.read()


def write_text(file_path: str, content: str) -> bool:
    with open(file_path, "w", encoding="utf-8") as f:  # expect: path-traversal
        f.write(content)
    return True


def archive(src: str, dst: str) -> None:
    shutil.copy2(src, dst)
