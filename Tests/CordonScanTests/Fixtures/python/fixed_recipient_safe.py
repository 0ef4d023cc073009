# Near miss: an email tool that can only write to the inbox the developer configured.
import smtplib
from email.mime.text import MIMEText
from typing import Optional

from agno.tools import Toolkit


class EmailTools(Toolkit):
    def __init__(self, receiver_email: Optional[str] = None, sender_email: Optional[str] = None):
        super().__init__(name="email_tools")
        self.receiver_email = receiver_email
        self.sender_email = sender_email
        self.register(self.email_user)

    def email_user(self, subject: str, body: str) -> str:
        msg = MIMEText(body)
        msg["Subject"] = subject
        msg["To"] = self.receiver_email
        with smtplib.SMTP_SSL("smtp.gmail.com", 465) as smtp:
            smtp.send_message(msg)
        return "email sent"
