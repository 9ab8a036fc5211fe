"""The project's own mail server (Mailpit, `make infra`) takes mail over SMTP and shows it over
its API, as the letters' delivery and its tests need."""

from __future__ import annotations

import asyncio
import os
import smtplib
import uuid
from email.message import EmailMessage

import httpx
import pytest

pytestmark = pytest.mark.integration
SMTP_PORT = int(os.environ.get("LEDGERLINE_SMTP_PORT", "11025"))
API = os.environ.get("LEDGERLINE_MAILPIT_API", "http://127.0.0.1:18025")


def send(subject: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        "ar@ledgerline.example", "ap@customer.example", subject)
    message.set_content("Rappel de paiement")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf",
                           filename="letter.pdf")
    with smtplib.SMTP("127.0.0.1", SMTP_PORT, timeout=10) as smtp:
        smtp.send_message(message)


async def test_a_mail_sent_over_smtp_is_read_back_with_its_attachment() -> None:
    subject = f"Rappel {uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(send, subject)
    async with httpx.AsyncClient(base_url=API, timeout=10) as api:
        found = (await api.get("/api/v1/search", params={"query": f'subject:"{subject}"'})).json()
        [message] = found["messages"]
        assert message["To"][0]["Address"] == "ap@customer.example"
        assert message["Attachments"] == 1
