"""Sending one mail with one attachment over SMTP (the standard library's client, in a thread:
a slow mail server never holds the event loop)."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from ..domain.letter_post import Mail

SmtpError = (smtplib.SMTPException, OSError)  # refused, unreachable, timed out


async def send(mail: Mail, sender: str, pdf: bytes, filename: str, host: str, port: int,
               timeout_s: float) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, mail.to, mail.subject
    message["Message-ID"], message["Date"] = mail.message_id, formatdate(usegmt=True)
    message.set_content(mail.body)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)

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
