"""Writing the e-invoices queued by issued invoices and credit notes: each from the events of its
invoice's stream (domain/e_invoice.py), in the format the buyer's country takes in, stored once
with its sha256 and recorded as EInvoiceIssued (stream `e-invoice:<document id>`) in one
transaction; a document that cannot be written stays queued and is logged."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import structlog

from ledgerline_events.contract import Event
from ledgerline_events.contract.invoicing import (
    CreditNoteIssued,
    EInvoiceFormat,
    EInvoiceIssued,
    EInvoiceTransmissionRecorded,
    InvoiceIssued,
    TransmissionStatus,
)
from ledgerline_events.contract.refusals import NotFound
from ledgerline_events.runtime import EventStore, Origin, UnitOfWork, run_command
from ledgerline_events.runtime.pdf import text_pdf

from ..adapters.e_invoice_store import EInvoiceStore, Pending, Written
from ..adapters.factur_x import factur_x_pdf
from ..domain.cii import cii_xml
from ..domain.e_invoice import EInvoice, Seller, credit_note_facts, format_for, invoice_facts
from ..domain.fatturapa import fatturapa_xml, progressive
from ..domain.invoice_document import (
    IssuedCreditNote,
    credit_note_text,
    invoice_text,
    issued_from,
)
from ..domain.ubl import ubl_xml

log = structlog.get_logger("ledgerline.invoicing.e_invoices")
RETRY_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class EInvoicing:
    """Who sells (settings) and which format each buyer country takes in."""

    seller: Seller
    formats: Mapping[str, EInvoiceFormat]


async def write_due(store: EventStore, e: EInvoicing, now: datetime, batch: int = 20) -> int:
    """Write what is due, one document per transaction; how many were tried. A document that
    cannot be written is set aside for a while (RETRY_AFTER), so the others go on."""
    for tried in range(batch):
        async with store.pool.acquire() as conn, conn.transaction():
            pending = await EInvoiceStore(conn, store.schema).next_pending(now)
            if pending is None:
                return tried
            try:
                async with conn.transaction():  # a savepoint: the claim survives a failure
                    await _write(store, conn, pending, e, now)
            except Exception as exc:
                log.error("e_invoice.not_written", document_id=pending.document_id,
                          error=repr(exc))
                await EInvoiceStore(conn, store.schema).failed(pending.document_id, repr(exc),
                                                               now + RETRY_AFTER)
    return batch


async def _write(store: EventStore, conn: asyncpg.Connection, pending: Pending, e: EInvoicing,
                 now: datetime) -> None:
    async with store.unit_of_work(conn=conn) as uow:
        history = [envelope.payload for envelope in await uow.load(pending.invoice_id)]
        document, customer_id = written_for(pending, history, e)
        await EInvoiceStore(conn, store.schema).write(pending.document_id, document)
        await uow.append(f"e-invoice:{pending.document_id}", 0, [EInvoiceIssued(
            document_id=pending.document_id, invoice_id=pending.invoice_id,
            credit_note_id=pending.credit_note_id, format=EInvoiceFormat(document.format),
            filename=document.filename, media_type=document.media_type,
            sha256=document.sha256, size=len(document.content))],
            customer_id=customer_id, occurred_at=now)
    log.info("e_invoice.written", document_id=pending.document_id, format=document.format)


def written_for(pending: Pending, history: list[Event], e: EInvoicing) -> tuple[Written, str]:
    """The document of an invoice (or of one of its credit notes), and the customer's id."""
    issued = next(x for x in history if isinstance(x, InvoiceIssued))
    note = next((x for x in history if isinstance(x, CreditNoteIssued)
                 and x.credit_note_id == pending.credit_note_id), None)
    facts = (credit_note_facts(note, issued, e.seller) if note
             else invoice_facts(issued, e.seller))
    chosen = format_for(facts.buyer.address.country, e.formats)
    if chosen is EInvoiceFormat.FATTURAPA:
        name = f"{e.seller.vat_id}_{progressive(facts.number)[:5]}.xml"
        return _written(chosen, name, "application/xml", fatturapa_xml(facts)), _customer(issued)
    if chosen is EInvoiceFormat.UBL:
        return (_written(chosen, f"{facts.number}.xml", "application/xml", ubl_xml(facts)),
                _customer(issued))
    return (_written(chosen, f"{facts.number}.pdf", "application/pdf",
                     factur_x_pdf(_visible(facts, issued, note, e), cii_xml(facts),
                                  issued.customer.language.value)), _customer(issued))


def _customer(issued: InvoiceIssued) -> str:
    return issued.customer.customer_id


def _visible(facts: EInvoice, issued: InvoiceIssued, note: CreditNoteIssued | None,
             e: EInvoicing) -> bytes:
    """The human-readable side of a Factur-X: the PDF a reader sees, as GET .../pdf gives it."""
    invoice = issued_from(issued)
    text = (credit_note_text(IssuedCreditNote(note.credit_note_number, note.issue_date,
                                              note.amount.amount, note.reason, invoice),
                             e.seller.creditor) if note
            else invoice_text(invoice, e.seller.creditor))
    return text_pdf(facts.number, text, archival=True).content


def _written(chosen: EInvoiceFormat, filename: str, media_type: str, content: bytes) -> Written:
    return Written(chosen.value, filename, media_type, content,
                   hashlib.sha256(content).hexdigest())


async def record_transmission(store: EventStore, origin: Origin, document_id: str,
                              status: TransmissionStatus, reference: str, detail: str
                              ) -> dict[str, Any]:
    """What a connector reports about a document it transmits: an event, and the outbox's
    status of the document."""
    async def body(uow: UnitOfWork) -> dict[str, Any]:
        documents = EInvoiceStore(uow.conn, store.schema)
        known = next(iter(await documents.listed(document_id=document_id)), None)
        if known is None or known["sha256"] is None:
            raise NotFound("e_invoice_known", f"no written e-invoice {document_id}",
                           "document_id")
        stream = f"e-invoice:{document_id}"
        history = await uow.load(stream)
        await uow.append(stream, len(history), [EInvoiceTransmissionRecorded(
            document_id=document_id, status=status, reference=reference, detail=detail)],
            customer_id=known["customer_id"], occurred_at=origin.occurred_at)
        await documents.record_transmission(document_id, status.value, reference)
        return {"document_id": document_id, "transmission": status.value}
    return await run_command(store, origin, body)
