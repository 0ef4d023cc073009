# Tool arguments that arrive as a typed object: langroid-style ToolMessage classes whose fields
# the model fills in (used as `self.file_path` in `handle()`), handler methods taking the
# message (`msg: RunQueryTool`), and a pydantic model handed to a framework as `args_schema`.
from typing import Type

from langchain_core.tools import BaseTool
from langroid.agent.chat_agent import ChatAgent
from langroid.agent.tool_message import ToolMessage
from langroid.utils.system import create_file, read_file
from pydantic import BaseModel
from sqlalchemy import text


class ReadFileTool(ToolMessage):
    request: str = "read_file_tool"
    purpose: str = "Read the contents of a <file_path>"
    file_path: str

    def handle(self) -> str:
        return read_file(self.file_path)  # expect: path-traversal


class WriteFileTool(ToolMessage):
    request: str = "write_file_tool"
    purpose: str = "Write <content> to <file_path>"
    file_path: str
    content: str

    def handle(self) -> str:
        with open(self.file_path, "w") as f:  # expect: path-traversal
            f.write(self.content)
        return "written"


class RunQueryTool(ToolMessage):
    request: str = "run_query"
    purpose: str = "Run the SQL <query>"
    query: str


class SQLChatAgent(ChatAgent):
    def run_query(self, msg: RunQueryTool) -> str:
        query = msg.query
        result = self.Session().execute(text(query))  # expect: sql-injection
        return str(result.fetchall())


class ReportInput(BaseModel):
    report_name: str


def save_report(req: ReportInput) -> str:
    with open(req.report_name, "w") as f:  # expect: path-traversal
        f.write("report")
    return "saved"


class ReportTool(BaseTool):
    name: str = "save_report"
    args_schema: Type[BaseModel] = ReportInput

    def _run(self, report_name: str) -> str:
        return save_report(ReportInput(report_name=report_name))
