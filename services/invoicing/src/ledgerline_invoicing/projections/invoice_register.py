"""Invoice register: every invoice with what was credited, settled and written off on it, its
status and its history, fed by our own events and cash application's: its allocations and its
clearing decisions (what each credit note, write-off, recovery and cancellation actually took
off the invoice; our own credit notes and cancellations are kept in the history as documents).

Allocations can arrive before their invoice (topics are not ordered against each other): each
fact is kept as an entry, and an invoice's figures are recomputed from all its entries, so the
result is the same whatever the interleaving."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import asyncpg
import orjson

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract.base import Event
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    CancellationApplied,
    CreditNoteApplied,
    PaymentAllocated,
    RecoveryApplied,
    WriteOffApplied,
)
from ledgerline_events.contract.invoice_status import invoice_status
from ledgerline_events.contract.invoicing import CreditNoteIssued, InvoiceCancelled, InvoiceIssued
from ledgerline_events.contract.money import quantize
from ledgerline_events.runtime.postgres import ident

DDL = """
CREATE TABLE IF NOT EXISTS invoice (
    invoice_id text PRIMARY KEY,
    invoice_number text NOT NULL,
    customer_id text NOT NULL,
    customer_name text NOT NULL,
    sales_order_id text,
    currency text NOT NULL,
    issue_date date NOT NULL,
    due_date date NOT NULL,
    payment_terms jsonb NOT NULL,
    lines jsonb NOT NULL,
    net_total numeric NOT NULL,
    tax_total numeric NOT NULL,
    gross_total numeric NOT NULL,
    credited numeric NOT NULL DEFAULT 0,
    settled numeric NOT NULL DEFAULT 0,
    written_off numeric NOT NULL DEFAULT 0,
    outstanding numeric NOT NULL,
    status text NOT NULL,
    correlation_id text NOT NULL,
    issued_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS invoice_by_customer ON invoice (customer_id, issue_date);
CREATE INDEX IF NOT EXISTS invoice_by_status ON invoice (status, issue_date);
CREATE TABLE IF NOT EXISTS invoice_entry (
    event_id uuid PRIMARY KEY,
    invoice_id text NOT NULL,
    kind text NOT NULL,
    on_date date NOT NULL,
    amount numeric NOT NULL,
    discount numeric NOT NULL DEFAULT 0,
    currency text NOT NULL,
    reference text NOT NULL,
    detail text NOT NULL DEFAULT '',
    occurred_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS invoice_entry_by_invoice ON invoice_entry (invoice_id);
ALTER TABLE invoice ADD COLUMN IF NOT EXISTS written_off numeric NOT NULL DEFAULT 0;
ALTER TABLE invoice ADD COLUMN IF NOT EXISTS language text NOT NULL DEFAULT 'en';
ALTER TABLE invoice_entry ADD COLUMN IF NOT EXISTS actor text NOT NULL DEFAULT 'unknown';
ALTER TABLE invoice_entry ADD COLUMN IF NOT EXISTS actor_kind text NOT NULL DEFAULT 'unknown';
"""

# The entry kinds of an invoice's history: documents (a credit note, a cancellation asked),
# and what moved the invoice (issue, clearing decisions, allocations).
ISSUED, CREDIT_NOTE, CANCELLATION = "issued", "credit_note", "cancellation"
CREDITED, CANCELLED = "credited", "cancelled"
ALLOCATED, ALLOCATION_REVERSED = "allocated", "allocation_reversed"
WRITTEN_OFF, RECOVERED = "written_off", "recovered"


def _entry(envelope: Envelope) -> tuple[object, ...] | None:
    e: Event = envelope.payload
    common = (envelope.event_id,)
    if isinstance(e, InvoiceIssued):
        row = (e.invoice_id, ISSUED, e.issue_date, e.gross_total.amount, Decimal(0),
               e.currency, e.invoice_number, "")
    elif isinstance(e, CreditNoteIssued):
        row = (e.invoice_id, CREDIT_NOTE, e.issue_date, e.amount.amount, Decimal(0),
               e.amount.currency, e.credit_note_number, e.reason)
    elif isinstance(e, InvoiceCancelled):
        row = (e.invoice_id, CANCELLATION, e.cancelled_on, e.amount.amount, Decimal(0),
               e.amount.currency, e.invoice_id, e.reason)
    elif isinstance(e, CreditNoteApplied):
        row = (e.invoice_id, CREDITED, e.applied_on, e.applied.amount, Decimal(0),
               e.applied.currency, e.credit_note_number,
               f"{e.to_account.amount} {e.to_account.currency} to the customer's account"
               if e.to_account.amount > 0 else "")
    elif isinstance(e, CancellationApplied):
        row = (e.invoice_id, CANCELLED, e.applied_on, e.applied.amount, Decimal(0),
               e.applied.currency, e.invoice_id, "")
    elif isinstance(e, WriteOffApplied):
        row = (e.invoice_id, WRITTEN_OFF, e.applied_on, e.applied.amount, Decimal(0),
               e.applied.currency, e.write_off_id, "")
    elif isinstance(e, RecoveryApplied):
        row = (e.invoice_id, RECOVERED, e.applied_on, e.applied.amount, Decimal(0),
               e.applied.currency, e.recovery_id, e.write_off_id)
    elif isinstance(e, PaymentAllocated):
        row = (e.invoice_id, ALLOCATED, e.allocated_on, e.amount.amount,
               e.discount.amount if e.discount else Decimal(0), e.amount.currency,
               e.payment_id, e.match_reason.value)
    elif isinstance(e, AllocationReversed):
        row = (e.invoice_id, ALLOCATION_REVERSED, e.reversed_on, e.amount.amount,
               e.discount.amount if e.discount else Decimal(0), e.amount.currency,
               e.payment_id, e.reason)
    else:
        return None
    return (*common, *row, envelope.occurred_at, envelope.actor.subject,
            envelope.actor.kind.value)


class InvoiceRegister:
    name = "invoice_register"
    version = 3  # 2: the customer's language (the invoice document is printed in it); 3: who acted

    def topics(self, topics: Topics) -> list[str]:
        return [topics.invoicing, topics.cash_application]

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute(DDL)

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        entries = [row for row in map(_entry, events) if row is not None]
        if not entries:
            return
        await conn.executemany(
            "INSERT INTO invoice_entry (event_id, invoice_id, kind, on_date, amount, discount, "
            "currency, reference, detail, occurred_at, actor, actor_kind) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING",
            entries,
        )
        for envelope in events:
            if isinstance(envelope.payload, InvoiceIssued):
                await _insert_invoice(conn, envelope, envelope.payload)
        await _settle(conn, sorted({str(row[1]) for row in entries}))


async def _insert_invoice(conn: asyncpg.Connection, envelope: Envelope, e: InvoiceIssued) -> None:
    await conn.execute(
        "INSERT INTO invoice (invoice_id, invoice_number, customer_id, customer_name, "
        "sales_order_id, currency, issue_date, due_date, payment_terms, lines, net_total, "
        "tax_total, gross_total, outstanding, status, correlation_id, issued_at, language) "
        "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::text::jsonb,$10::text::jsonb,$11,$12,$13,$13,'open',"
        "$14,$15,$16) "
        "ON CONFLICT DO NOTHING",
        e.invoice_id, e.invoice_number, e.customer.customer_id, e.customer.name,
        e.sales_order_id, e.currency, e.issue_date, e.due_date,
        e.payment_terms.model_dump_json(),
        orjson.dumps([line.model_dump(mode="json") for line in e.lines]).decode(),
        e.net_total.amount, e.tax_total.amount, e.gross_total.amount,
        envelope.correlation_id, envelope.occurred_at, e.customer.language.value,
    )


def _sum(kind: str, figure: str = "e.amount") -> str:
    return f"coalesce(sum({figure}) FILTER (WHERE e.kind = '{kind}'), 0)"


async def _settle(conn: asyncpg.Connection, invoice_ids: list[str]) -> None:
    """Recompute credited, settled, written off, outstanding and status of these invoices from
    all their entries (a no-op for invoices whose InvoiceIssued has not arrived yet)."""
    rows = await conn.fetch(
        "SELECT i.invoice_id, i.gross_total, i.currency, "
        f" {_sum(CREDITED)} AS credited, {_sum(CANCELLED)} AS cancelled_amount, "
        f" {_sum(ALLOCATED, 'e.amount + e.discount')} "
        f" - {_sum(ALLOCATION_REVERSED, 'e.amount + e.discount')} AS settled, "
        f" {_sum(WRITTEN_OFF)} - {_sum(RECOVERED)} AS written_off, "
        f" bool_or(e.kind = '{CANCELLED}') AS cancelled "
        "FROM invoice i JOIN invoice_entry e USING (invoice_id) "
        "WHERE i.invoice_id = ANY($1::text[]) GROUP BY i.invoice_id, i.gross_total, i.currency",
        invoice_ids,
    )
    await conn.executemany(
        "UPDATE invoice SET credited = $2, settled = $3, written_off = $4, outstanding = $5, "
        "status = $6 WHERE invoice_id = $1",
        [_figures(r) for r in rows],
    )


def _figures(r: asyncpg.Record) -> tuple[object, ...]:
    """An invoice's figures, printed to its currency's minor unit."""
    credited, settled, written_off = r["credited"], r["settled"], r["written_off"]
    owed = r["gross_total"] - credited - settled - written_off - r["cancelled_amount"]
    status = invoice_status(open_amount=owed, settled=settled, written_off=written_off,
                            cancelled=r["cancelled"])
    return (r["invoice_id"],
            *(quantize(x, r["currency"]) for x in (credited, settled, written_off, owed)),
            status.value)


async def settled_on_invoice(conn: asyncpg.Connection, read_schema: str, invoice_id: str) -> Decimal:
    """Cash settled on an invoice as far as the register has heard (allocations and granted
    discounts, net of reversals), even if the invoice itself has not reached the register."""
    settled = await conn.fetchval(
        f"SELECT coalesce(sum(amount + discount) FILTER (WHERE kind = '{ALLOCATED}'), 0) "
        f" - coalesce(sum(amount + discount) FILTER (WHERE kind = '{ALLOCATION_REVERSED}'), 0) "
        f"FROM {ident(read_schema)}.invoice_entry WHERE invoice_id = $1",
        invoice_id,
    )
    return Decimal(settled)
