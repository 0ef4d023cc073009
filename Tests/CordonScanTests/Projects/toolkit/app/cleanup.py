# Near miss: atexit.register takes this function, but atexit is no toolkit.
import shutil


def remove_scratch(path: str = "/tmp/agent-scratch") -> None:
    shutil.rmtree(path, ignore_errors=True)
