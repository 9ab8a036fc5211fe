"""A dunning run from invoices on Kafka to ReminderSent on our topic; again the same day sends
nothing new; the letters then show in the customer's account view."""

from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pypdf import PdfReader

from ledgerline_events.contract import Envelope, Topics, decode
from ledgerline_events.contract.collections import DunningLevel, ReminderSent
from ledgerline_events.contract.sales import Language
from ledgerline_events.testing import eventually

from .conftest import publish
from .events import invoice_issued

pytestmark = pytest.mark.integration

ISSUED_AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


async def read_topic(bootstrap: str, topic: str, at_least: int) -> list[Envelope]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        found: list[Envelope] = []
        for _ in range(100):
            batches = await consumer.getmany(timeout_ms=200)
            found += [decode(m.value) for msgs in batches.values() for m in msgs]
            if len(found) >= at_least:
                break
        return found
    finally:
        await consumer.stop()


async def invoices_known(client: httpx.AsyncClient, total: str) -> bool:
    body: dict[str, Any] = (await client.get("/ageing")).json()
    return body["currencies"].get("EUR", {}).get("total") == total


async def test_dunning_run_sends_one_letter_per_customer_once_a_day(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics, kafka_bootstrap: str
) -> None:
    # today is 2026-06-15
    await publish(producer, topics.invoicing, [
        invoice_issued("f-1", "FR1", "1200.00", date(2026, 6, 1), ISSUED_AT, language=Language.FR),
        invoice_issued("f-2", "FR1", "300.00", date(2026, 6, 12), ISSUED_AT, language=Language.FR),
        invoice_issued("i-1", "IT1", "500.00", date(2026, 6, 8), ISSUED_AT, language=Language.IT),
        invoice_issued("e-1", "EN1", "80.00", date(2026, 6, 14), ISSUED_AT),  # 1 day: too early
    ])
    await eventually(lambda: invoices_known(client, "2080.00"))

    first = await client.post("/dunning-runs", json={})
    assert first.status_code == 200, first.text
    assert first.json()["letters_sent"] == 2
    by_customer = {r["customer_id"]: r for r in first.json()["reminders"]}
    assert by_customer["FR1"]["invoices"] == ["f-1"]  # f-2 only 3 days overdue
    assert by_customer["FR1"]["level"] == "friendly_reminder"
    assert by_customer["IT1"]["total_overdue"] == {"amount": "500.00", "currency": "EUR"}

    again = await client.post("/dunning-runs", json={"run_date": "2026-06-15"})
    assert again.status_code == 200 and again.json()["letters_sent"] == 0

    published = await read_topic(kafka_bootstrap, topics.collections, at_least=2)
    reminders = [e.payload for e in published if isinstance(e.payload, ReminderSent)]
    assert len(reminders) == 2
    french = next(r for r in reminders if r.language is Language.FR)
    assert french.level is DunningLevel.FRIENDLY_REMINDER
    assert "Rappel de paiement" in french.letter and "INV-f-1" in french.letter
    assert "1 200,00 EUR" in french.letter

    async def letters_in_account() -> bool:
        view = (await client.get("/customers/FR1")).json()
        return len(view.get("dunning_history", [])) == 1

    await eventually(letters_in_account)
    view = (await client.get("/customers/FR1")).json()
    assert view["name"] == "FR1 Ltd" and view["language"] == "fr"
    assert view["dunning_history"][0]["invoices"][0]["invoice_id"] == "f-1"
    assert [i["invoice_id"] for i in view["open_items"]] == ["f-1", "f-2"]

    worklist = (await client.get("/worklist")).json()
    assert [w["customer_id"] for w in worklist][:2] == ["FR1", "IT1"]
    assert worklist[0]["dunning_level"] == "friendly_reminder"

    pdf = await client.get(f"/reminders/{french.reminder_id}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "Rappel de paiement" in text and "INV-f-1" in text and "1 200,00 EUR" in text
    again_pdf = await client.get(f"/reminders/{french.reminder_id}/pdf")
    assert again_pdf.content == pdf.content and pdf.headers["etag"] == again_pdf.headers["etag"]
