# Near misses for shell lines: a temporary file's name is drawn by the operating system from a
# fixed alphabet between the prefix and suffix the code chose, so a shell line built from it
# and the operator's $EDITOR runs nothing the model chose (shell-gpt's prompt editor).
import os
import subprocess
import tempfile
from tempfile import NamedTemporaryFile


def get_edited_prompt() -> str:
    with NamedTemporaryFile(suffix=".txt", delete=False) as file:
        file_path = file.name
    editor = os.environ.get("EDITOR", "vim")
    os.system(f"{editor} {file_path}")
    with open(file_path, "r", encoding="utf-8") as file:
        output = file.read()
    os.remove(file_path)
    return output


def archive_scratch() -> None:
    scratch = tempfile.mkdtemp(prefix="build-")
    subprocess.run(f"tar czf {scratch}.tgz -C {scratch} .", shell=True, check=True)
