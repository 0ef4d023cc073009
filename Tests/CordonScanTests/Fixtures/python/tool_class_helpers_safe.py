# Near misses of tool_class_helpers_vulnerable.py: names reduced to their last component, URLs
# checked against an allow-list or only parsed, mail to the operator's own inbox, mail sent by
# a class that is not a tool, and a command chosen between constants.
import os
import smtplib
from email.message import EmailMessage
from urllib.parse import urlparse

from superagi.helper.webpage_extractor import WebpageExtractor
from superagi.helper.url_tools import extract_domain
from superagi.resource_manager.file_manager import FileManager
from superagi.tools.base_tool import BaseTool

ALLOWED_HOSTS = {"docs.python.org", "en.wikipedia.org"}


class SaveNoteTool(BaseTool):
    name: str = "Save Note"
    resource_manager: FileManager = None

    def _execute(self, file_name: str, content: str):
        return self.resource_manager.write_file(os.path.basename(file_name), content)


class ReadPageTool(BaseTool):
    name: str = "Read Page"

    def _execute(self, website_url: str) -> str:
        if urlparse(website_url).hostname not in ALLOWED_HOSTS:
            return "Error: that site is not on the allow-list"
        return WebpageExtractor().extract_with_bs4(website_url)[:4000]


class DomainTool(BaseTool):
    name: str = "Domain Of"

    def _execute(self, website_url: str) -> str:
        # Computes a part of the address; nothing is fetched.
        return extract_domain(website_url)


class DailyDigestTool(BaseTool):
    name: str = "Daily Digest"

    def _execute(self, summary: str) -> str:
        return self.deliver(summary)

    def deliver(self, body) -> str:
        msg = EmailMessage()
        msg["To"] = self.get_tool_config("OPERATOR_EMAIL")
        msg.set_content(body)
        with smtplib.SMTP(self.get_tool_config("SMTP_HOST"), 587) as smtp:
            smtp.send_message(msg)
        return "digest sent to the operator"


class Notifier:
    def send(self, to, subject, body):
        msg = EmailMessage()
        msg["To"] = to
        msg["Subject"] = subject
        msg.set_content(body)
        with smtplib.SMTP("localhost") as smtp:
            smtp.send_message(msg)


def list_command():
    cmd = "dir" if os.name == "nt" else "ls -la"
    os.system(cmd)
