"""The letter post against the project's real mail server (Mailpit): a dunning letter goes by
e-mail, its PDF attached, to the contact in charge, in the customer's language; a customer
with no e-mail contact goes to the print queue; a refused send is tried again later and then
sent once; a letter whose sender stopped mid-send is never sent again by itself."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pypdf import PdfReader

from ledgerline_collections.adapters.invoice_documents import InvoiceDocuments
from ledgerline_collections.adapters.letter_queue import LetterQueue
from ledgerline_collections.application.letter_delivery import deliver_due
from ledgerline_collections.bootstrap import build_app
from ledgerline_collections.config import CollectionsSettings
from ledgerline_events.contract import Topics
from ledgerline_events.contract.deliveries import (
    LetterBounced,
    LetterDeliveryFailed,
    LetterDeliveryInDoubt,
    LetterEmailed,
    LetterQueuedForPrint,
)
from ledgerline_events.contract.sales import Language
from ledgerline_events.testing import eventually
from ledgerline_invoicing.bootstrap import build_app as build_invoicing
from ledgerline_invoicing.config import InvoicingSettings

from .conftest import NOW, MovableClock, publish
from .events import invoice_issued
from .test_dunning_run import invoices_known, read_topic

pytestmark = pytest.mark.integration
MAILPIT = os.environ.get("LEDGERLINE_MAILPIT_API", "http://127.0.0.1:18025")
ISSUED_AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def contact(email: str | None) -> dict[str, Any]:
    return {"role": "accounts_payable", "name": "Anne Moreau", "email": email,
            "phone": "+33 1 23 45 67 89", "preferred_channel": "email" if email else "phone"}


@pytest.fixture
async def post(
    settings: CollectionsSettings, auth_headers: Callable[..., dict[str, str]],
    clock: MovableClock,
) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """Collections with its letter post on, its sender idle (the test delivers by hand)."""
    on = settings.model_copy(update={"letter_post_enabled": True, "letter_post_poll_s": 3600})
    app = build_app(on, clock=clock)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://collections",
            headers=auth_headers()) as client:
        yield client, app


async def mails_about(text: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=MAILPIT, timeout=10) as api:
        found = (await api.get("/api/v1/search", params={"query": text})).json()
        return list(found["messages"])


async def attachment_text(message_id: str) -> str:
    async with httpx.AsyncClient(base_url=MAILPIT, timeout=10) as api:
        message = (await api.get(f"/api/v1/message/{message_id}")).json()
        [pdf] = message["Attachments"]
        content = (await api.get(f"/api/v1/message/{message_id}/part/{pdf['PartID']}")).content
    return "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


async def letters_sent(client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics,
                       tag: str, customers: dict[str, str | None]) -> dict[str, str]:
    """Invoices overdue for each customer (with that e-mail contact), a dunning run: the
    customers' reminder ids."""
    for customer, email in customers.items():
        if email is not None or customer.endswith("print"):
            put = await client.put(f"/customers/{customer}/contacts/ap", json=contact(email),
                                   headers={"Idempotency-Key": f"ap-{customer}"})
            assert put.status_code == 200, put.text
    await publish(producer, topics.invoicing, [
        invoice_issued(f"{tag}-{n}", customer, "1200.00", date(2026, 6, 1), ISSUED_AT,
                       language=Language.FR) for n, customer in enumerate(customers)])
    await eventually(lambda: invoices_known(client, f"{1200 * len(customers)}.00"))
    run = await client.post("/dunning-runs", json={})
    assert run.status_code == 200 and run.json()["letters_sent"] == len(customers), run.text
    return {r["customer_id"]: r["reminder_id"] for r in run.json()["reminders"]}


async def test_a_letter_goes_by_mail_with_its_pdf_and_a_customer_without_email_to_print(
    post: tuple[httpx.AsyncClient, Any], producer: AIOKafkaProducer, topics: Topics,
    kafka_bootstrap: str, unique_id: str,
) -> None:
    client, app = post
    mail = f"anne.{unique_id}@durand.example"
    sent = await letters_sent(client, producer, topics, unique_id,
                              {"FR-MAIL": mail, "FR-print": None})
    assert await deliver_due(app.state.service, app.state.runtime.settings.letter_post, NOW) == 2

    [message] = await mails_about(f"to:{mail}")
    assert message["Subject"] == f"Rappel de paiement: INV-{unique_id}-0"
    assert message["MessageID"] == f"{sent['FR-MAIL']}@ledgerline.example"
    text = await attachment_text(message["ID"])
    assert f"INV-{unique_id}-0" in text and "1 200,00 EUR" in text
    log = [e.payload for e in await read_topic(kafka_bootstrap, topics.collections, at_least=6)]
    emailed = [e for e in log if isinstance(e, LetterEmailed)]
    printed = [e for e in log if isinstance(e, LetterQueuedForPrint)]
    assert [e.document_id for e in emailed] == [sent["FR-MAIL"]] and mail not in str(emailed)
    served = (await client.get(f"/reminders/{sent['FR-MAIL']}/pdf")).content  # rendered again
    assert hashlib.sha256(served).hexdigest() == emailed[0].document_sha256
    assert [e.document_id for e in printed] == [sent["FR-print"]]
    assert await deliver_due(app.state.service, app.state.runtime.settings.letter_post, NOW) == 0

    async def delivery_of(customer: str) -> str | None:
        history = (await client.get(f"/customers/{customer}")).json().get("dunning_history")
        return history[0]["delivery"] if history else None
    assert await eventually(lambda: delivery_of("FR-MAIL")) == "emailed"
    assert await eventually(lambda: delivery_of("FR-print")) == "print"


async def test_a_refused_send_is_tried_later_once_and_a_stopped_send_is_never_repeated(
    post: tuple[httpx.AsyncClient, Any], producer: AIOKafkaProducer, topics: Topics,
    kafka_bootstrap: str, unique_id: str,
) -> None:
    client, app = post
    mails = {"FR-RETRY": f"retry.{unique_id}@durand.example",
             "FR-DOUBT": f"doubt.{unique_id}@durand.example"}
    sent = await letters_sent(client, producer, topics, unique_id, dict(mails))
    service, good = app.state.service, app.state.runtime.settings.letter_post
    async with service.store.pool.acquire() as conn:  # a sender claims both, one at a time,
        queue = LetterQueue(conn, service.store.schema)  # and is killed sending FR-DOUBT's
        claimed = [await queue.claim(NOW, good.lease) for _ in range(3)]
    assert {d.document_id for d in claimed if d} == set(sent.values()) and claimed[2] is None
    async with service.store.pool.acquire() as conn, conn.transaction():
        await conn.execute(f'UPDATE "{service.store.schema}".letter_delivery SET state = '
                           "'pending', attempts = 0 WHERE document_id = $1", sent["FR-RETRY"])

    down = replace(good, smtp_port=1)  # refused
    assert await deliver_due(service, down, NOW) == 1
    assert await deliver_due(service, good, NOW + timedelta(seconds=30)) == 0  # not due yet
    later = NOW + timedelta(minutes=3)  # past the retry and past the stopped claim's lease
    assert await deliver_due(service, good, later) == 1

    assert len(await mails_about(f"to:{mails['FR-RETRY']}")) == 1
    assert await mails_about(f"to:{mails['FR-DOUBT']}") == []
    log = [e.payload for e in await read_topic(kafka_bootstrap, topics.collections, at_least=7)]
    [failed] = [e for e in log if isinstance(e, LetterDeliveryFailed)]
    assert failed.attempt == 1 and failed.retry_at == NOW + timedelta(minutes=1)
    assert [e.document_id for e in log if isinstance(e, LetterDeliveryInDoubt)] == [sent["FR-DOUBT"]]
    assert [e.document_id for e in log if isinstance(e, LetterEmailed)] == [sent["FR-RETRY"]]


@pytest.fixture
async def chaos() -> AsyncIterator[Callable[[int], Any]]:
    """The mail server's own fault switch (Mailpit's chaos): refuse every recipient with a
    given SMTP code, until the test ends."""
    async with httpx.AsyncClient(base_url=MAILPIT, timeout=10) as api:
        async def refuse_recipients(code: int) -> None:
            trigger = {"ErrorCode": code, "Probability": 100 if code else 0}
            (await api.put("/api/v1/chaos", json={"Recipient": trigger})).raise_for_status()
        try:
            yield refuse_recipients
        finally:
            await refuse_recipients(0)


async def test_a_deferred_mail_is_tried_again_and_a_bounced_one_goes_to_print(
    post: tuple[httpx.AsyncClient, Any], producer: AIOKafkaProducer, topics: Topics,
    kafka_bootstrap: str, unique_id: str, chaos: Callable[[int], Any], clock: MovableClock,
) -> None:
    client, app = post
    mail = f"gone.{unique_id}@durand.example"
    sent = await letters_sent(client, producer, topics, unique_id, {"FR-GONE": mail})
    service, letter_post = app.state.service, app.state.runtime.settings.letter_post

    await chaos(451)  # "try again later"
    assert await deliver_due(service, letter_post, NOW) == 1
    await chaos(550)  # "no such mailbox": final
    assert await deliver_due(service, letter_post, NOW + timedelta(minutes=2)) == 1
    await chaos(0)
    assert await deliver_due(service, letter_post, NOW + timedelta(hours=3)) == 0  # settled

    assert await mails_about(f"to:{mail}") == []
    log = [e.payload for e in await read_topic(kafka_bootstrap, topics.collections, at_least=7)]
    [deferred] = [e for e in log if isinstance(e, LetterDeliveryFailed)]
    assert deferred.retry_at == NOW + timedelta(minutes=1) and "451" in deferred.reason
    [bounce] = [e for e in log if isinstance(e, LetterBounced)]
    assert (bounce.document_id, bounce.contact_id, bounce.smtp_code) == (sent["FR-GONE"], "ap", 550)
    [printed] = [e for e in log if isinstance(e, LetterQueuedForPrint)]
    assert printed.document_id == sent["FR-GONE"] and "bounced (550)" in printed.reason

    clock.now = NOW + timedelta(hours=3)  # the account as it stands after the print
    async def printed_because() -> str | None:
        history = (await client.get("/customers/FR-GONE")).json().get("dunning_history")
        return history[0]["delivery_detail"] if history and history[0]["delivery"] == "print" \
            else None
    assert await eventually(printed_because) == "e-mail to contact ap bounced (550)"


async def test_a_promise_made_on_a_call_is_confirmed_in_writing(
    post: tuple[httpx.AsyncClient, Any], producer: AIOKafkaProducer, topics: Topics,
    kafka_bootstrap: str, unique_id: str,
) -> None:
    client, app = post
    mail = f"promise.{unique_id}@durand.example"
    await letters_sent(client, producer, topics, unique_id, {"FR-PTP": mail})
    promised = await client.post("/customers/FR-PTP/promises", headers={"Idempotency-Key": "p1"},
                                 json={"invoice_ids": [f"{unique_id}-0"],
                                       "amount": {"amount": "1200.00", "currency": "EUR"},
                                       "promised_date": "2026-06-30", "recorded_by": "anna"})
    assert promised.status_code == 201, promised.text
    assert await deliver_due(app.state.service, app.state.runtime.settings.letter_post, NOW) == 2

    [confirmation] = await mails_about(f'to:{mail} subject:"engagement de paiement"')
    assert confirmation["Subject"] == (
        f"Confirmation de votre engagement de paiement: INV-{unique_id}-0")
    text = await attachment_text(confirmation["ID"])
    assert all(s in text for s in ("anna", "1 200,00 EUR", "30/06/2026", f"INV-{unique_id}-0"))

    async def confirmed() -> str | None:
        promises = (await client.get("/customers/FR-PTP")).json().get("promises")
        return promises[0]["delivery"] if promises else None
    assert await eventually(confirmed) == "emailed"


async def test_never_received_the_invoice_a_copy_goes_at_once_as_invoicing_issued_it(
    post: tuple[httpx.AsyncClient, Any], settings: CollectionsSettings, topics: Topics,
    auth_headers: Callable[..., dict[str, str]], unique_id: str,
) -> None:
    client, app = post
    invoicing = build_invoicing(InvoicingSettings(
        pg_dsn=settings.pg_dsn, kafka_bootstrap=settings.kafka_bootstrap,
        topic_prefix=topics.prefix, schema_prefix=settings.schema_prefix, log_json=False))
    async with invoicing.router.lifespan_context(invoicing), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=invoicing), base_url="http://invoicing",
            headers=auth_headers()) as billing:
        app.state.service = replace(app.state.service, invoice_documents=InvoiceDocuments(
            "http://invoicing", lambda: auth_headers("auditor"), client=billing))
        issued = await billing.post("/invoices", headers={"Idempotency-Key": "inv-copy"}, json={
            "customer": {"customer_id": "FR-COPY", "name": "Durand SA", "language": "fr",
                         "country": "FR"},
            "currency": "EUR", "payment_terms": {"kind": "net", "net_days": 30},
            "lines": [{"description": "Rouleaux", "quantity": "2", "unit_price": "300.00",
                       "tax_rate": "20"}], "issue_date": "2026-05-02"})
        assert issued.status_code == 201, issued.text
        invoice_id, number = issued.json()["invoice_id"], issued.json()["invoice_number"]
        mail = f"copy.{unique_id}@durand.example"
        await client.put("/customers/FR-COPY/contacts/ap", json=contact(mail),
                         headers={"Idempotency-Key": "ap-copy"})

        async def known() -> bool:
            return (await client.get(f"/invoices/{invoice_id}")).status_code == 200
        await eventually(known)

        async def e_invoice_written() -> dict[str, Any] | None:
            listed = (await billing.get("/e-invoices", params={"invoice_id": invoice_id})).json()
            return listed[0] if listed and listed[0]["sha256"] else None
        e_invoice = await eventually(e_invoice_written)
        copy = await client.post(f"/invoices/{invoice_id}/copies", headers={
            "Idempotency-Key": "copy-1"}, json={"reason": "never received the invoice"})
        assert copy.status_code == 201 and copy.json()["status"] == "queued", copy.text
        assert await deliver_due(app.state.service, settings.letter_post, NOW) == 1

        [message] = await mails_about(f"to:{mail}")
        assert message["Subject"] == f"Copie de la facture {number}"
        original = (await billing.get(f"/invoices/{invoice_id}/pdf")).content
        async with httpx.AsyncClient(base_url=MAILPIT, timeout=10) as api:
            parts = (await api.get(f"/api/v1/message/{message['ID']}")).json()["Attachments"]
            sent, legal = [(await api.get(f"/api/v1/message/{message['ID']}/part/{p['PartID']}")
                            ).content for p in parts]
        assert sent == original  # the copy is invoicing's own document, byte for byte
        assert hashlib.sha256(legal).hexdigest() == e_invoice["sha256"]  # and its e-invoice
        assert parts[1]["FileName"] == e_invoice["filename"] == f"{number}.pdf"  # Factur-X

        async def copies_shown() -> list[Any] | None:
            shown = (await client.get("/customers/FR-COPY")).json().get("invoice_copies") or []
            return shown if shown and shown[0]["delivery"] else None
        [shown] = await eventually(copies_shown)  # on the account view, with its delivery
        assert (shown["invoice_id"], shown["delivery"], shown["reason"]) == (
            invoice_id, "emailed", "never received the invoice")
