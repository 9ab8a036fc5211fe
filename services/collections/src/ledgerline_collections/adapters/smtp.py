"""Sending one mail with its attachments (the letter's PDF first) over SMTP (the standard
library's client, in a thread: a slow mail server never holds the event loop)."""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from ..domain.letter_post import Mail

SmtpError = (smtplib.SMTPException, OSError)  # refused, unreachable, timed out


@dataclass(frozen=True)
class Attachment:
    filename: str
    media_type: str  # application/pdf, application/xml
    content: bytes


async def send(mail: Mail, sender: str, attachments: list[Attachment], host: str, port: int,
               timeout_s: float) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, mail.to, mail.subject
    message["Message-ID"], message["Date"] = mail.message_id, formatdate(usegmt=True)
    message.set_content(mail.body)
    for attached in attachments:
        maintype, _, subtype = attached.media_type.partition("/")
        message.add_attachment(attached.content, maintype=maintype, subtype=subtype,
                               filename=attached.filename)

    def over_smtp() -> None:
        with smtplib.SMTP(host, port, timeout=timeout_s) as smtp:
            smtp.send_message(message)

    await asyncio.to_thread(over_smtp)


def recipient_refusal(error: Exception) -> tuple[int, str] | None:
    """The mail server's reply when it refused the recipient's address (code, text), else None
    (refused for another reason, or unreachable)."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused) or not error.recipients:
        return None
    code, text = next(iter(error.recipients.values()))
    return code, text.decode(errors="replace") if isinstance(text, bytes) else str(text)
