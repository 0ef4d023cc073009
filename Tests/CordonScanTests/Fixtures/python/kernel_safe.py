# Near misses: a kernel given only constant set-up code, and a client of a remote executor
# (no local kernel library in the file) whose execute() is an HTTP call to a sandbox service.
import httpx
from jupyter_client import KernelManager


def warm_up() -> None:
    km = KernelManager()
    km.start_kernel()
    kc = km.client()
    kc.execute("import pandas as pd\nimport numpy as np")


class RemoteSandbox:
    def __init__(self, base_url: str):
        self.base_url = base_url

    def execute(self, code: str) -> str:
        return httpx.post(f"{self.base_url}/execute", json={"code": code}).text
