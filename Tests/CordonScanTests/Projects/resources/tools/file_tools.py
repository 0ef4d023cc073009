import os
import uuid

from pydantic import BaseModel, Field

from app.helper.resource_helper import ResourceHelper
from app.tools.base_tool import BaseTool


class DeleteFileInput(BaseModel):
    file_name: str = Field(..., description="Name of the file to delete")


class DeleteFileTool(BaseTool):
    name: str = "Delete File"
    args_schema = DeleteFileInput
    agent_name: str = "agent"

    def _execute(self, file_name: str):
        final_path = ResourceHelper.get_agent_write_resource_path(file_name, self.agent_name)
        if input(f"delete {final_path}? [y/N] ") != "y":
            return "not deleted"
        os.remove(final_path)
        return "File deleted successfully."


class ReadFileTool(BaseTool):
    name: str = "Read File"

    def _execute(self, file_name: str):
        final_path = ResourceHelper.get_agent_read_resource_path(file_name=file_name)
        return final_path


class ReportTool(BaseTool):
    name: str = "Write Report"

    def _execute(self, text: str):
        path = ResourceHelper.get_report_path(uuid.uuid4().hex + ".md")
        checked = ResourceHelper.get_checked_path(text[:20])
        return path + checked
