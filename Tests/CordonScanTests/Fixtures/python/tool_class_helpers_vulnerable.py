# Tool classes whose model-facing method is `_execute` (SuperAGI's BaseTool parses the model's
# arguments and calls `self._execute(**args)`), and whose helper methods do the dangerous part.
import smtplib
from email.message import EmailMessage
from typing import Type

from pydantic import BaseModel, Field

from superagi.helper.webpage_extractor import WebpageExtractor
from superagi.resource_manager.file_manager import FileManager
from superagi.tools.base_tool import BaseTool


class SaveNoteInput(BaseModel):
    file_name: str = Field(..., description="Name of the file to write")
    content: str = Field(..., description="Text to write")


class SaveNoteTool(BaseTool):
    name: str = "Save Note"
    args_schema: Type[BaseModel] = SaveNoteInput
    resource_manager: FileManager = None

    def _execute(self, file_name: str, content: str):
        # The manager joins the name under its output root: ../ walks out of it.
        return self.resource_manager.write_file(file_name, content)  # expect: path-traversal


class ReadPageTool(BaseTool):
    name: str = "Read Page"

    def _execute(self, website_url: str) -> str:
        text = WebpageExtractor().extract_with_bs4(website_url)  # expect: ssrf
        return text[:4000]


class MailReportTool(BaseTool):
    name: str = "Mail Report"

    def _execute(self, to: str, subject: str, body: str) -> str:
        return self.deliver(to, subject, body)

    def deliver(self, to, subject, body) -> str:
        msg = EmailMessage()
        msg["To"] = to
        msg["Subject"] = subject
        msg.set_content(body)
        with smtplib.SMTP(self.get_tool_config("SMTP_HOST"), 587) as smtp:
            smtp.starttls()
            smtp.send_message(msg)  # expect: dangerous-tool-no-approval
        return f"sent to {to}"


def command_for(platform_name, user_input):
    import os

    # The model's text is a branch: it can be the command.
    cmd = user_input if platform_name == "posix" else "dir"
    os.system(cmd)  # expect: shell-injection
