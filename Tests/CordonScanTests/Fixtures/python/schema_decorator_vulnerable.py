# Tools registered by a decorator that declares the model's input schema (griptape's
# `@activity(config={"schema": ...})`, browser-use's `@registry.action(..., param_model=...)`):
# their parameters are the model's. A SQL loader and a web loader held by name run and fetch
# what they are given; a joined path is saved by a helper, or joined inside one.
import os

from browser_use.controller.registry.service import Registry
from griptape.tools import BaseTool
from griptape.utils.decorators import activity
from pydantic import BaseModel
from schema import Literal, Schema

registry = Registry()


class ReportTools(BaseTool):
    @activity(config={"description": "Run a SELECT", "schema": Schema({"sql_query": str})})
    def execute_query(self, params: dict):
        return self.sql_loader.load(params["values"]["sql_query"])  # expect: sql-injection

    @activity(config={"description": "Load a web page", "schema": Schema({Literal("url"): str})})
    def get_content(self, params: dict):
        return self.web_loader.load(params["values"]["url"])  # expect: ssrf

    @activity(config={"description": "Save content", "schema": Schema({"path": str, "content": str})})
    def save_content_to_file(self, params: dict):
        full_path = os.path.join(self.workdir, params["values"]["path"])  # expect: path-traversal
        self._save_to_disk(full_path, params["values"]["content"])

    @activity(config={"description": "Run code", "schema": Schema({"filename": str, "code": str})})
    def execute_code(self, params: dict):
        return self.write_script(params["values"]["filename"], params["values"]["code"])

    def write_script(self, filename: str, code: str) -> str:
        local_path = os.path.join(self.local_workdir, filename)  # expect: path-traversal
        with open(local_path, "w") as f:
            f.write(code)
        return local_path

    def _save_to_disk(self, path: str, value: str) -> None:
        with open(path, "w") as f:  # expect: path-traversal
            f.write(value)


class ReadFileAction(BaseModel):
    path: str


@registry.action("Read a local file", param_model=ReadFileAction)
async def read_local_file(params: ReadFileAction):
    with open(params.path) as f:  # expect: path-traversal
        return f.read()
