# A tools module that exports its instance's methods as module functions (praisonai's tools:
# `read_file = _file_tools.read_file`, then `Agent(tools=[read_file])`): the methods are the
# tools. `archive` is not exported, so it stays the developer's.
import shutil

import requests


class FileTools:
    def read_file(self, filepath: str) -> str:
        with open(filepath, encoding="utf-8") as f:  # expect: path-traversal
            return f.read()

    def archive(self, src: str, dst: str) -> None:
        shutil.copy2(src, dst)


class WebTools:
    def scrape_page(self, url: str, timeout: int = 30) -> str:
        return requests.get(url, timeout=timeout).text  # expect: ssrf


_file_tools = FileTools()
_web_tools = WebTools()
read_file = _file_tools.read_file
scrape_page = _web_tools.scrape_page
_archive = _file_tools.archive
