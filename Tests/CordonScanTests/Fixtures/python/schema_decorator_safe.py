# Near misses: a schema-declaring tool that resolves the joined path and checks it stays in
# its directory, a web loader behind an allow-list of hosts, a decorator that declares no
# schema (a cache), and a command-line scraper fetching the URL its user typed.
import os
import sys
from functools import lru_cache
from urllib.parse import urlparse

from griptape.tools import BaseTool
from griptape.utils.decorators import activity
from schema import Schema

ALLOWED_HOSTS = {"docs.python.org", "peps.python.org"}


class SafeTools(BaseTool):
    @activity(config={"description": "Load a file", "schema": Schema({"path": str})})
    def load_file(self, params: dict):
        full_path = os.path.realpath(os.path.join(self.workdir, params["values"]["path"]))
        if not full_path.startswith(os.path.realpath(self.workdir) + os.sep):
            return "outside the work directory"
        return self.loader.load(full_path)

    @activity(config={"description": "Load a page", "schema": Schema({"url": str})})
    def get_content(self, params: dict):
        url = params["values"]["url"]
        if urlparse(url).hostname not in ALLOWED_HOSTS:
            return "host not allowed"
        return self.web_loader.load(url)


@lru_cache(maxsize=32)
def settings_path(name: str) -> str:
    return os.path.join("/etc/myapp", name)


class Scraper:
    def scrape(self, url: str) -> str:
        import httpx

        return httpx.get(url).text


def main(url: str) -> None:
    print(Scraper().scrape(url))


if __name__ == "__main__":
    main(sys.argv[1])
