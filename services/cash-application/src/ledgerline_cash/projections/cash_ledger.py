"""The cash ledger read model: open items per invoice, payments and their allocations.

Fed by invoicing (issued, credited, cancelled), collections (written off, recovered) and our
own events. Every invoice and payment figure is a sum of event amounts, so the rows are the
same whatever the interleaving of topics; an allocation seen before its invoice creates the
row early and the invoice's details fill in when it arrives.

Our own events are also applied by the command that appends them, in its transaction (that is
what makes the invoice-side lock work, see the README); the runtime then skips them by event id
when they come back from Kafka.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import asyncpg

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract import cash_application as cash
from ledgerline_events.contract import collections as coll
from ledgerline_events.contract import invoicing as inv

from .ledger_sql import DDL, bump_invoice, bump_payment


class CashLedger:
    name = "cash_ledger"

    def topics(self, topics: Topics) -> list[str]:
        return [topics.invoicing, topics.collections, topics.cash_application]

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute(DDL)

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        for envelope in events:
            await apply_one(conn, envelope)


async def apply_one(conn: asyncpg.Connection, e: Envelope) -> None:
    """Fold one event into the read model (search_path is the read schema)."""
    p, customer = e.payload, e.customer_id
    if isinstance(p, inv.InvoiceIssued):
        await _invoice_issued(conn, p)
    elif isinstance(p, inv.CreditNoteIssued):
        await bump_invoice(conn, p.invoice_id, customer, p.amount, "credited")
    elif isinstance(p, inv.InvoiceCancelled):
        await bump_invoice(conn, p.invoice_id, customer, p.amount, "cancelled")
    elif isinstance(p, coll.DebtWrittenOff):
        await bump_invoice(conn, p.invoice_id, customer, p.amount, "written_off")
    elif isinstance(p, coll.WrittenOffDebtRecovered):
        await bump_invoice(conn, p.invoice_id, customer, p.amount, "recovered")
    elif isinstance(p, cash.PaymentReceived):
        await _payment_received(conn, e, p)
    elif isinstance(p, cash.PaymentAllocated):
        await _allocated(conn, e, p)
    elif isinstance(p, cash.AllocationReversed):
        await _allocation_reversed(conn, e, p)
    elif isinstance(p, cash.PaymentReversed):
        await bump_payment(conn, p.payment_id, customer, p.amount, "reversed_amount")
    elif isinstance(p, cash.RefundIssued):
        await bump_payment(conn, p.payment_id, customer, p.amount, "refunded")


async def _invoice_issued(conn: asyncpg.Connection, p: inv.InvoiceIssued) -> None:
    terms = p.payment_terms
    discount_until = (
        p.issue_date + timedelta(days=terms.discount_days)
        if terms.discount_days is not None else None
    )
    await bump_invoice(conn, p.invoice_id, p.customer.customer_id, p.gross_total, "issued")
    await conn.execute(
        "UPDATE open_item SET invoice_number = $2, number_key = $3, issue_date = $4, "
        "due_date = $5, discount_percent = $6, discount_until = $7 WHERE invoice_id = $1",
        p.invoice_id, p.invoice_number, number_key(p.invoice_number), p.issue_date, p.due_date,
        terms.discount_percent, discount_until,
    )


async def _payment_received(
    conn: asyncpg.Connection, e: Envelope, p: cash.PaymentReceived
) -> None:
    await bump_payment(conn, p.payment_id, e.customer_id, p.amount, "amount")
    await conn.execute(
        "UPDATE payment SET received_on = $2, method = $3, payer_name = $4, payer_account = $5, "
        "remittance = $6, statement_ref = $7, entry_ref = $8, received_at = $9 "
        "WHERE payment_id = $1",
        p.payment_id, p.received_on, p.method.value, p.payer_name, p.payer_account,
        p.remittance, p.statement_ref, p.entry_ref, e.occurred_at,
    )


async def _allocated(conn: asyncpg.Connection, e: Envelope, p: cash.PaymentAllocated) -> None:
    discount = p.discount.amount if p.discount else 0
    await bump_payment(conn, p.payment_id, e.customer_id, p.amount, "allocated")
    await bump_invoice(conn, p.invoice_id, e.customer_id, p.amount, "allocated", extra=discount)
    await conn.execute(
        "INSERT INTO allocation (allocation_id, payment_id, invoice_id, customer_id, currency, "
        "amount, discount, match_reason, explanation, allocated_on) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        "ON CONFLICT (allocation_id) DO UPDATE SET payment_id = $2, invoice_id = $3, "
        "customer_id = $4, currency = $5, amount = $6, discount = $7, match_reason = $8, "
        "explanation = $9, allocated_on = $10",
        p.allocation_id, p.payment_id, p.invoice_id, e.customer_id, p.amount.currency,
        p.amount.amount, discount, p.match_reason.value, p.explanation, p.allocated_on,
    )


async def _allocation_reversed(
    conn: asyncpg.Connection, e: Envelope, p: cash.AllocationReversed
) -> None:
    discount = p.discount.amount if p.discount else 0
    await bump_payment(conn, p.payment_id, e.customer_id, -p.amount, "allocated")
    await bump_invoice(conn, p.invoice_id, e.customer_id, -p.amount, "allocated", extra=-discount)
    await conn.execute(
        "INSERT INTO allocation (allocation_id, payment_id, invoice_id, currency, amount, "
        "reversed_on, reversal_reason) VALUES ($1, $2, $3, $4, 0, $5, $6) "
        "ON CONFLICT (allocation_id) DO UPDATE SET reversed_on = $5, reversal_reason = $6",
        p.allocation_id, p.payment_id, p.invoice_id, p.amount.currency, p.reversed_on, p.reason,
    )


def number_key(number: str) -> str:
    """An invoice number without separators or case, as payers tend to write it."""
    return "".join(ch for ch in number.upper() if ch.isalnum())
