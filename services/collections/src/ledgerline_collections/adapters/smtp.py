"""Sending one mail with one attachment over SMTP (the standard library's client, in a thread:
a slow mail server never holds the event loop)."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from ..domain.letter_post import Mail

SEND_TIMEOUT_S = 30
SmtpError = (smtplib.SMTPException, OSError)  # refused, unreachable, timed out


async def send(mail: Mail, sender: str, pdf: bytes, filename: str, host: str, port: int) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, mail.to, mail.subject
    message["Message-ID"], message["Date"] = mail.message_id, formatdate(usegmt=True)
    message.set_content(mail.body)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)

    def over_smtp() -> None:
        with smtplib.SMTP(host, port, timeout=SEND_TIMEOUT_S) as smtp:
            smtp.send_message(message)

    await asyncio.to_thread(over_smtp)
