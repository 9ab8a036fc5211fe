"""The cash ledger read model: open items per invoice, payments and their allocations, the
dated movements of both, and the clearing documents.

Fed by invoicing (issued; credit notes and cancellations as documents), collections
(write-offs and recoveries as documents) and our own events, among them the clearing decisions
(`...Applied`), which alone move an invoice for a document. Every figure is a sum of event
amounts, so the rows are the same whatever the interleaving of topics; an allocation seen
before its invoice creates the row early and the invoice's details fill in when it arrives.

The live ledger (not a rebuild) also takes the clearing decisions: after each batch it clears
the documents whose invoice it knows and that no decision covers yet (`Clearing`), in its
transaction, so the decision and the offsets commit together.

A batch is folded in Python (`LedgerBatch`: amounts summed per invoice/payment and figure,
the details and allocation rows one event at a time would leave), then each table is written
once (`ledger_sql.write`).

Our own events are also applied by the command that appends them, in its transaction (that is
what makes the invoice-side lock work, see the README), all at once with their ids recorded as
processed (`apply_own_events`); the runtime then skips them when they come back from Kafka.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal

import asyncpg

from ledgerline_events.contract import Envelope, Money, Topics
from ledgerline_events.contract import cash_application as cash
from ledgerline_events.contract import collections as coll
from ledgerline_events.contract import invoicing as inv
from ledgerline_events.contract.customer_master import PersonalDataErased
from ledgerline_events.runtime import ident

from ..domain.clearing import Document, DocumentKind
from .ledger_sql import DDL, INDEXES, LedgerBatch, write

Decision = (cash.CreditNoteApplied | cash.WriteOffApplied | cash.RecoveryApplied
            | cash.CancellationApplied)
CREDIT_NOTE_METHOD = "credit_note"  # the payment row of a credit on account from a credit note

Clearing = Callable[[asyncpg.Connection], Awaitable[None]]
"""Clears the pending documents, inside the consumer's transaction (application/clearing)."""

INVOICE, PAYMENT = "invoice", "payment"


class CashLedger:
    """`rebuilding=True` is the rebuild's variant (`for_rebuild`): a replay writes the rows
    without the secondary indexes, and `complete` builds them once the log is read. Only a
    ledger given `clearing` decides; a rebuild or an audit never does."""

    version = 3  # 2: payers of customers whose personal data was erased are forgotten;
    # 3: payers sealed (payment_payer)

    name = "cash_ledger"

    def __init__(self, *, rebuilding: bool = False, clearing: Clearing | None = None) -> None:
        self.rebuilding = rebuilding
        self.clearing = clearing

    def topics(self, topics: Topics) -> list[str]:
        return [topics.invoicing, topics.collections, topics.cash_application]

    def for_rebuild(self) -> CashLedger:
        return CashLedger(rebuilding=True)

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute(DDL)
        if not self.rebuilding:
            await conn.execute(INDEXES)

    async def complete(self, conn: asyncpg.Connection) -> None:
        await conn.execute(INDEXES)

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        await apply_events(conn, events)
        if self.clearing is not None:
            await self.clearing(conn)


async def apply_events(conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
    """Fold events into the read model (search_path is the read schema), in their order."""
    await write(conn, folded(events))
    await forget_erased_payers(conn, events, "")


async def apply_own_events(conn: asyncpg.Connection, schema: str, events: Sequence[Envelope]) -> None:
    """A command's new events, folded into the read model `schema` and recorded as processed
    (the consumer skips them when they come back from Kafka), in one statement."""
    await write(conn, folded(events), schema=schema, processed=[e.event_id for e in events])
    await forget_erased_payers(conn, events, f"{ident(schema)}.")


async def forget_erased_payers(conn: asyncpg.Connection, events: Sequence[Envelope],
                               prefix: str) -> None:
    """A customer's personal data erased: its payments keep no payer name or account, also
    those folded after the erasure (topics interleave in any order on a replay)."""
    erased = [e.customer_id for e in events if isinstance(e.payload, PersonalDataErased)]
    paid = {e.customer_id for e in events if isinstance(e.payload, cash.PaymentReceived)}
    if not erased and not paid:
        return
    if erased:
        await conn.executemany(f"INSERT INTO {prefix}erased_customer VALUES ($1) "
                               "ON CONFLICT DO NOTHING", [(c,) for c in erased])
    elif not await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {prefix}erased_customer)"):
        return  # nobody was ever erased: no payment to look at (a rebuild has no index yet,
        # so the update below read every payment folded so far, once per batch)
    await conn.execute(
        f"UPDATE {prefix}payment SET payer_name = NULL, payer_account = NULL "
        f"WHERE customer_id = ANY($1::text[]) AND customer_id IN "
        f"(SELECT customer_id FROM {prefix}erased_customer) "
        "AND (payer_name IS NOT NULL OR payer_account IS NOT NULL)",
        sorted({c for c in [*erased, *paid] if c}))


def folded(events: Sequence[Envelope]) -> LedgerBatch:
    batch = LedgerBatch()
    for envelope in events:
        fold(batch, envelope)
    return batch


def fold(batch: LedgerBatch, e: Envelope) -> None:
    """What one event changes, added to the batch."""
    p, customer = e.payload, e.customer_id
    if isinstance(p, inv.InvoiceIssued):
        _invoice_issued(batch, e, p)
    elif isinstance(p, inv.CreditNoteIssued | inv.InvoiceCancelled | coll.DebtWrittenOff
                    | coll.WrittenOffDebtRecovered):
        _document(batch, e, document_of(e))
    elif isinstance(p, cash.PaymentReceived):
        _payment_received(batch, e, p)
    elif isinstance(p, cash.PaymentAllocated):
        _allocated(batch, e, p)
    elif isinstance(p, cash.AllocationReversed):
        _allocation_reversed(batch, e, p)
    elif isinstance(p, cash.PaymentReversed):
        batch.bump_payment(p.payment_id, customer, p.amount, "reversed_amount")
        batch.move(e, PAYMENT, p.payment_id, "reversed", p.amount, -1)
    elif isinstance(p, cash.RefundIssued):
        batch.bump_payment(p.payment_id, customer, p.amount, "refunded")
        batch.move(e, PAYMENT, p.payment_id, "refunded", p.amount, -1)
    elif isinstance(p, cash.CreditNoteApplied | cash.WriteOffApplied | cash.RecoveryApplied
                    | cash.CancellationApplied):
        _cleared(batch, e, p)


def _invoice_issued(batch: LedgerBatch, e: Envelope, p: inv.InvoiceIssued) -> None:
    discount = p.early_payment_discount
    batch.bump_invoice(p.invoice_id, p.customer.customer_id, p.gross_total, "issued")
    batch.invoice_details[p.invoice_id] = (
        p.invoice_id, p.invoice_number, number_key(p.invoice_number), p.issue_date, p.due_date,
        discount.amount.amount if discount else None, discount.until if discount else None,
        e.occurred_at,
    )
    batch.move(e, INVOICE, p.invoice_id, "issued", p.gross_total, 1)


def _payment_received(batch: LedgerBatch, e: Envelope, p: cash.PaymentReceived) -> None:
    batch.bump_payment(p.payment_id, e.customer_id, p.amount, "amount")
    batch.payment_details[p.payment_id] = (
        p.payment_id, p.received_on, p.method.value, p.payer_name_in_plain or None,
        p.payer_account_in_plain or None, p.remittance, p.statement_ref, p.entry_ref, e.occurred_at,
    )
    if p.payer is not None:
        batch.payers[p.payment_id] = (p.payment_id, p.payer.model_dump())
    batch.move(e, PAYMENT, p.payment_id, "received", p.amount, 1)


def _allocated(batch: LedgerBatch, e: Envelope, p: cash.PaymentAllocated) -> None:
    discount = p.discount.amount if p.discount else 0
    batch.bump_payment(p.payment_id, e.customer_id, p.amount, "allocated")
    batch.bump_invoice(p.invoice_id, e.customer_id, p.amount, "allocated", extra=discount)
    batch.allocations[p.allocation_id] = (
        p.allocation_id, p.payment_id, p.invoice_id, e.customer_id, p.amount.currency,
        p.amount.amount, discount, p.match_reason.value, p.explanation, p.allocated_on,
    )
    batch.move(e, INVOICE, p.invoice_id, "allocated", _settled(p), -1)
    batch.move(e, PAYMENT, p.payment_id, "allocated", p.amount, -1)


def _allocation_reversed(batch: LedgerBatch, e: Envelope, p: cash.AllocationReversed) -> None:
    discount = p.discount.amount if p.discount else 0
    batch.bump_payment(p.payment_id, e.customer_id, -p.amount, "allocated")
    batch.bump_invoice(p.invoice_id, e.customer_id, -p.amount, "allocated", extra=-discount)
    batch.move(e, INVOICE, p.invoice_id, "allocation_reversed", _settled(p), 1)
    batch.move(e, PAYMENT, p.payment_id, "allocation_reversed", p.amount, 1)
    first = batch.reversals.get(p.allocation_id)
    # A row a reversal creates keeps the first reversal's ids; later ones set the reason.
    ids = first[:4] if first else (p.allocation_id, p.payment_id, p.invoice_id, p.amount.currency)
    batch.reversals[p.allocation_id] = (*ids, p.reversed_on, p.reason)


def _settled(p: cash.PaymentAllocated | cash.AllocationReversed) -> Money:
    """An allocation settles its amount plus any early-payment discount granted."""
    return p.amount + p.discount if p.discount is not None else p.amount


def _document(batch: LedgerBatch, e: Envelope, d: Document) -> None:
    batch.documents[d.key] = (d.key, d.kind.value, d.document_id, d.invoice_id, e.customer_id,
                              d.amount.currency, d.amount.amount, d.at, d.write_off_id,
                              d.reference)


# What each decision bumps on its invoice, the document it decides, and the sign of its move.
_DECIDES = {
    cash.CreditNoteApplied: ("credited", DocumentKind.CREDIT_NOTE, -1),
    cash.WriteOffApplied: ("written_off", DocumentKind.WRITE_OFF, -1),
    cash.RecoveryApplied: ("recovered", DocumentKind.RECOVERY, 1),
    cash.CancellationApplied: ("cancelled", DocumentKind.CANCELLATION, -1),
}


def _cleared(batch: LedgerBatch, e: Envelope, p: Decision) -> None:
    figure, kind, sign = _DECIDES[type(p)]
    document_id = _decided_document(p)
    key = Document(kind, document_id, p.invoice_id, p.amount, e.occurred_at).key
    batch.bump_invoice(p.invoice_id, e.customer_id, p.applied, figure)
    batch.move(e, INVOICE, p.invoice_id, figure, p.applied, sign)
    batch.decisions[key] = (key, kind.value, document_id, p.invoice_id, e.customer_id,
                            p.applied.currency, p.applied.amount)
    if isinstance(p, cash.RecoveryApplied):
        write_off = Document(DocumentKind.WRITE_OFF, p.write_off_id, p.invoice_id, p.amount,
                             e.occurred_at).key
        row = batch.recovered.setdefault(write_off, [
            write_off, DocumentKind.WRITE_OFF.value, p.write_off_id, p.invoice_id,
            e.customer_id, p.applied.currency, Decimal(0)])
        row[6] = row[6] + p.applied.amount  # type: ignore[operator]
    if isinstance(p, cash.CreditNoteApplied) and p.to_account.amount > 0:
        _credit_on_account(batch, e, p)


def _credit_on_account(batch: LedgerBatch, e: Envelope, p: cash.CreditNoteApplied) -> None:
    """A credit note's excess: a credit the customer can use or have refunded, like cash."""
    batch.bump_payment(p.credit_id, e.customer_id, p.to_account, "amount")
    batch.payment_details[p.credit_id] = (
        p.credit_id, p.applied_on, CREDIT_NOTE_METHOD, "", "",
        f"excess of credit note {p.credit_note_id} over invoice {p.invoice_id}", None, None,
        e.occurred_at,
    )
    batch.move(e, PAYMENT, p.credit_id, "credit_note", p.to_account, 1)


def _decided_document(p: Decision) -> str:
    if isinstance(p, cash.CreditNoteApplied):
        return p.credit_note_id
    if isinstance(p, cash.WriteOffApplied):
        return p.write_off_id
    if isinstance(p, cash.RecoveryApplied):
        return p.recovery_id
    return p.invoice_id


def document_of(e: Envelope) -> Document:
    """The clearing document another service's event is."""
    p = e.payload
    if isinstance(p, inv.CreditNoteIssued):
        return Document(DocumentKind.CREDIT_NOTE, p.credit_note_id, p.invoice_id, p.amount,
                        e.occurred_at, reference=p.credit_note_number)
    if isinstance(p, inv.InvoiceCancelled):
        return Document(DocumentKind.CANCELLATION, p.invoice_id, p.invoice_id, p.amount,
                        e.occurred_at)
    if isinstance(p, coll.DebtWrittenOff):
        return Document(DocumentKind.WRITE_OFF, p.write_off_id, p.invoice_id, p.amount,
                        e.occurred_at)
    assert isinstance(p, coll.WrittenOffDebtRecovered)
    return Document(DocumentKind.RECOVERY, p.recovery_id, p.invoice_id, p.amount, e.occurred_at,
                    p.write_off_id)


def number_key(number: str) -> str:
    """An invoice number without separators or case, as payers tend to write it."""
    return "".join(ch for ch in number.upper() if ch.isalnum())
