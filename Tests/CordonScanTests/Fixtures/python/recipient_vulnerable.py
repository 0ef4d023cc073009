# An email tool where the model chooses the recipient, with no approval step.
import smtplib
from email.mime.text import MIMEText

from langchain_core.tools import tool


@tool
def send_email(to_address: str, subject: str, body: str) -> str:
    """Send an email."""
    msg = MIMEText(body)
    msg["Subject"] = subject
    msg["To"] = to_address
    with smtplib.SMTP_SSL("smtp.gmail.com", 465) as smtp:
        smtp.send_message(msg)  # expect: dangerous-tool-no-approval
    return "sent"
