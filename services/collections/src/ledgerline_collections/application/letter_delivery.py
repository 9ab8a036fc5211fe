"""The letter post at work: every letter recorded (a dunning letter, a promise's written
confirmation, an invoice copy) goes out, once. Letters due are taken one at a time: the row is
claimed (committed) first; the letter is rendered as its PDF, sent by e-mail to the contact in
charge (domain/letter_post.py) or queued for print, and what happened is an event of
`letter-delivery:<document id>`, recorded with the row's new state. A claim whose sender
stopped is in doubt: never sent again by itself (a person checks and resends)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from ledgerline_events.contract import Envelope, Event
from ledgerline_events.contract.collections import PromiseToPayRecorded, ReminderSent
from ledgerline_events.contract.deliveries import (
    DocumentKind,
    InvoiceCopyRequested,
    LetterBounced,
    LetterDeliveryFailed,
    LetterDeliveryInDoubt,
    LetterEmailed,
    LetterQueuedForPrint,
)
from ledgerline_events.contract.personal_data import Sealed, seal
from ledgerline_events.contract.sales import Language
from ledgerline_events.runtime.pdf import Pdf, text_pdf
from ledgerline_events.runtime.peers import PeerUnavailable

from ..adapters import smtp
from ..adapters.letter_queue import Delivery, LetterQueue
from ..domain.letter_post import (
    LetterPost,
    bounced,
    confirmation_subject,
    copy_subject,
    dunning_subject,
    mail_for,
    recipient,
    retry_at,
)
from ..domain.letters import render_promise_confirmation
from .context import Collections
from .customer_master import keyring_of, master_state


async def deliver_due(app: Collections, post: LetterPost, now: datetime) -> int:
    """Deliver what is due now; the number of letters tried."""
    async with app.store.pool.acquire() as conn, conn.transaction():
        queue = LetterQueue(conn, app.store.schema)
        for stalled in await queue.stalled(now):
            doubt = LetterDeliveryInDoubt(
                document_id=stalled.document_id, document=stalled.kind,
                message_id=f"<{stalled.document_id}@{post.message_domain}>")
            await _record(app, conn, stalled, [doubt], now, "in_doubt")
    for tried in range(post.batch):
        async with app.store.pool.acquire() as conn:
            delivery = await LetterQueue(conn, app.store.schema).claim(now, post.lease)
        if delivery is None:
            return tried
        await _deliver(app, post, delivery, now)
    return post.batch


@dataclass(frozen=True)
class Outcome:
    event: Event
    state: str  # of the queue row: emailed, print, pending (tried again later), given_up
    retry_at: datetime | None = None
    before: tuple[Event, ...] = ()  # what led there (a bounce before the print queue)


async def _deliver(app: Collections, post: LetterPost, d: Delivery, now: datetime) -> None:
    outcome = await _send(app, post, d, now)
    async with app.store.pool.acquire() as conn, conn.transaction():
        await _record(app, conn, d, [*outcome.before, outcome.event], now, outcome.state,
                      outcome.retry_at)


@dataclass(frozen=True)
class Outgoing:
    """A letter ready to go: its PDF, subject and language."""

    pdf: Pdf
    subject: str
    language: Language
    also: tuple[smtp.Attachment, ...] = ()  # an invoice copy's e-invoice


async def _send(app: Collections, post: LetterPost, d: Delivery, now: datetime) -> Outcome:
    ids = {"document_id": d.document_id, "document": d.kind}
    try:
        letter = await _outgoing(app, d)
    except PeerUnavailable as missing:
        return _failed(ids, d, str(missing), now)
    pdf = letter.pdf
    contact = recipient((await master_state(app, d.customer_id)).contacts.values())
    if contact is None:
        return Outcome(LetterQueuedForPrint(**ids, document_sha256=pdf.checksum,
                                            reason="no contact with an e-mail address"), "print")
    mail = mail_for(d.document_id, letter.subject, letter.language, contact, post.message_domain)
    try:
        await smtp.send(mail, post.sender, [
            smtp.Attachment(f"{d.document_id}.pdf", "application/pdf", pdf.content),
            *letter.also], post.smtp_host, post.smtp_port, post.lease.total_seconds() / 4)
    except smtp.SmtpError as refused:
        refusal = smtp.recipient_refusal(refused)
        if refusal is None or not bounced(refusal[0]):
            return _failed(ids, d, repr(refused), now)
        bounce = LetterBounced(**ids, contact_id=contact.contact_id, smtp_code=refusal[0],
                               reason=refusal[1][:500] or "refused")
        return Outcome(LetterQueuedForPrint(
            **ids, document_sha256=pdf.checksum,
            reason=f"e-mail to contact {contact.contact_id} bounced ({refusal[0]})"), "print",
            before=(bounce,))
    return Outcome(LetterEmailed(**ids, message_id=mail.message_id, contact_id=mail.contact_id,
                                 to=await _sealed(app, d, mail.to), document_sha256=pdf.checksum),
                   "emailed")


def _failed(ids: dict[str, Any], d: Delivery, reason: str, now: datetime) -> Outcome:
    again = retry_at(d.attempts, now)
    failed = LetterDeliveryFailed(**ids, attempt=d.attempts, reason=reason[:500], retry_at=again)
    return Outcome(failed, "pending" if again else "given_up", again)


async def _outgoing(app: Collections, d: Delivery) -> Outgoing:
    source = await app.store.load(d.source)
    if d.kind is DocumentKind.DUNNING_LETTER:
        letter = next(e.payload for e in source if isinstance(e.payload, ReminderSent)
                      and e.payload.reminder_id == d.document_id)
        return Outgoing(text_pdf(d.document_id, letter.letter), dunning_subject(
            letter.level, letter.language, [i.invoice_number for i in letter.invoices]),
            letter.language)
    if d.kind is DocumentKind.INVOICE_COPY:
        return await _invoice_copy(app, d, source)
    recorded = next(e for e in source if isinstance(e.payload, PromiseToPayRecorded))
    promise = recorded.payload
    assert isinstance(promise, PromiseToPayRecorded)
    invoices = await app.read_model.invoices_of(d.customer_id, promise.invoice_ids)
    numbers = [i.invoice_number for i in invoices]
    profile = (await app.read_model.customers([d.customer_id])).get(d.customer_id)
    name, language = (profile.name, profile.language) if profile else (d.customer_id, Language.EN)
    text = render_promise_confirmation(
        d.customer_id, name, language, recorded.occurred_at.date(), promise.recorded_by,
        promise.amount.amount, promise.amount.currency, promise.promised_date, numbers,
        app.payment)
    return Outgoing(text_pdf(d.document_id, text), confirmation_subject(language, numbers),
                    language)


async def _invoice_copy(app: Collections, d: Delivery, source: list[Envelope]) -> Outgoing:
    """The invoice as invoicing issued it: its own PDF, byte for byte."""
    copy = next(e.payload for e in source if isinstance(e.payload, InvoiceCopyRequested))
    assert app.invoice_documents is not None, "wired by the bootstrap"
    pdf = Pdf(await app.invoice_documents.pdf(copy.invoice_id))
    invoice = await app.read_model.invoice(copy.invoice_id)
    profile = (await app.read_model.customers([d.customer_id])).get(d.customer_id)
    language = profile.language if profile else Language.EN
    e_invoice = await app.invoice_documents.e_invoice(copy.invoice_id)
    return Outgoing(pdf, copy_subject(language, invoice.invoice_number if invoice
                                      else copy.invoice_id), language,
                    (e_invoice,) if e_invoice else ())


async def _record(app: Collections, conn: asyncpg.Connection, d: Delivery, events: list[Event],
                  now: datetime, state: str, retry: datetime | None = None) -> None:
    stream = f"letter-delivery:{d.document_id}"
    async with app.store.unit_of_work(conn=conn) as uow:
        history = await uow.load(stream)
        await uow.append(stream, len(history), events, customer_id=d.customer_id,
                         occurred_at=now)
    await LetterQueue(conn, app.store.schema).settle(d.document_id, state, retry)


async def _sealed(app: Collections, d: Delivery, address: str) -> Sealed:
    async with app.store.pool.acquire() as conn, conn.transaction():
        key = await keyring_of(app).key_to_seal(conn, d.customer_id)
    return seal(address, d.customer_id, key)
