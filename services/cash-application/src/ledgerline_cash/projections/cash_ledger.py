"""The cash ledger read model: open items per invoice, payments and their allocations.

Fed by invoicing (issued, credited, cancelled), collections (written off, recovered) and our
own events. Every invoice and payment figure is a sum of event amounts, so the rows are the
same whatever the interleaving of topics; an allocation seen before its invoice creates the
row early and the invoice's details fill in when it arrives.

A batch is folded in Python (`LedgerBatch`: amounts summed per invoice/payment and figure,
the details and allocation rows one event at a time would leave), then each table is written
once (`ledger_sql.write`).

Our own events are also applied by the command that appends them, in its transaction (that is
what makes the invoice-side lock work, see the README), all at once with their ids recorded as
processed (`apply_own_events`); the runtime then skips them when they come back from Kafka.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import asyncpg

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract import cash_application as cash
from ledgerline_events.contract import collections as coll
from ledgerline_events.contract import invoicing as inv

from .ledger_sql import DDL, INDEXES, LedgerBatch, write


class CashLedger:
    """`rebuilding=True` is the rebuild's variant (`for_rebuild`): a replay writes the rows
    without the secondary indexes, and `complete` builds them once the log is read."""

    name = "cash_ledger"

    def __init__(self, *, rebuilding: bool = False) -> None:
        self.rebuilding = rebuilding

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


async def apply_events(conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
    """Fold events into the read model (search_path is the read schema), in their order."""
    await write(conn, folded(events))


async def apply_own_events(conn: asyncpg.Connection, schema: str, events: Sequence[Envelope]) -> None:
    """A command's new events, folded into the read model `schema` and recorded as processed
    (the consumer skips them when they come back from Kafka), in one statement."""
    await write(conn, folded(events), schema=schema, processed=[e.event_id for e in events])


def folded(events: Sequence[Envelope]) -> LedgerBatch:
    batch = LedgerBatch()
    for envelope in events:
        fold(batch, envelope)
    return batch


def fold(batch: LedgerBatch, e: Envelope) -> None:
    """What one event changes, added to the batch."""
    p, customer = e.payload, e.customer_id
    if isinstance(p, inv.InvoiceIssued):
        _invoice_issued(batch, p)
    elif isinstance(p, inv.CreditNoteIssued):
        batch.bump_invoice(p.invoice_id, customer, p.amount, "credited")
    elif isinstance(p, inv.InvoiceCancelled):
        batch.bump_invoice(p.invoice_id, customer, p.amount, "cancelled")
    elif isinstance(p, coll.DebtWrittenOff):
        batch.bump_invoice(p.invoice_id, customer, p.amount, "written_off")
    elif isinstance(p, coll.WrittenOffDebtRecovered):
        batch.bump_invoice(p.invoice_id, customer, p.amount, "recovered")
    elif isinstance(p, cash.PaymentReceived):
        _payment_received(batch, e, p)
    elif isinstance(p, cash.PaymentAllocated):
        _allocated(batch, e, p)
    elif isinstance(p, cash.AllocationReversed):
        _allocation_reversed(batch, e, p)
    elif isinstance(p, cash.PaymentReversed):
        batch.bump_payment(p.payment_id, customer, p.amount, "reversed_amount")
    elif isinstance(p, cash.RefundIssued):
        batch.bump_payment(p.payment_id, customer, p.amount, "refunded")


def _invoice_issued(batch: LedgerBatch, p: inv.InvoiceIssued) -> None:
    terms = p.payment_terms
    discount_until = (
        p.issue_date + timedelta(days=terms.discount_days)
        if terms.discount_days is not None else None
    )
    batch.bump_invoice(p.invoice_id, p.customer.customer_id, p.gross_total, "issued")
    batch.invoice_details[p.invoice_id] = (
        p.invoice_id, p.invoice_number, number_key(p.invoice_number), p.issue_date, p.due_date,
        terms.discount_percent, discount_until,
    )


def _payment_received(batch: LedgerBatch, e: Envelope, p: cash.PaymentReceived) -> None:
    batch.bump_payment(p.payment_id, e.customer_id, p.amount, "amount")
    batch.payment_details[p.payment_id] = (
        p.payment_id, p.received_on, p.method.value, p.payer_name, p.payer_account,
        p.remittance, p.statement_ref, p.entry_ref, e.occurred_at,
    )


def _allocated(batch: LedgerBatch, e: Envelope, p: cash.PaymentAllocated) -> None:
    discount = p.discount.amount if p.discount else 0
    batch.bump_payment(p.payment_id, e.customer_id, p.amount, "allocated")
    batch.bump_invoice(p.invoice_id, e.customer_id, p.amount, "allocated", extra=discount)
    batch.allocations[p.allocation_id] = (
        p.allocation_id, p.payment_id, p.invoice_id, e.customer_id, p.amount.currency,
        p.amount.amount, discount, p.match_reason.value, p.explanation, p.allocated_on,
    )


def _allocation_reversed(batch: LedgerBatch, e: Envelope, p: cash.AllocationReversed) -> None:
    discount = p.discount.amount if p.discount else 0
    batch.bump_payment(p.payment_id, e.customer_id, -p.amount, "allocated")
    batch.bump_invoice(p.invoice_id, e.customer_id, -p.amount, "allocated", extra=-discount)
    first = batch.reversals.get(p.allocation_id)
    # A row a reversal creates keeps the first reversal's ids; later ones set the reason.
    ids = first[:4] if first else (p.allocation_id, p.payment_id, p.invoice_id, p.amount.currency)
    batch.reversals[p.allocation_id] = (*ids, p.reversed_on, p.reason)


def number_key(number: str) -> str:
    """An invoice number without separators or case, as payers tend to write it."""
    return "".join(ch for ch in number.upper() if ch.isalnum())
