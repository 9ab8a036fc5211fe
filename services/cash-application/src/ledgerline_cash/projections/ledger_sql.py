"""Tables of the cash ledger read model, a batch's changes folded in Python, and the
statements that write them: each table once per batch, figures added (so convergent)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import asyncpg

from ledgerline_events.contract import Money

DDL = """
CREATE TABLE IF NOT EXISTS open_item (
    invoice_id text PRIMARY KEY,
    customer_id text,
    currency text NOT NULL,
    invoice_number text,
    number_key text,
    issue_date date,
    due_date date,
    discount_percent numeric,
    discount_until date,
    issued numeric NOT NULL DEFAULT 0,
    credited numeric NOT NULL DEFAULT 0,
    cancelled numeric NOT NULL DEFAULT 0,
    allocated numeric NOT NULL DEFAULT 0,
    written_off numeric NOT NULL DEFAULT 0,
    recovered numeric NOT NULL DEFAULT 0,
    open_amount numeric GENERATED ALWAYS AS
        (issued - credited - cancelled - allocated - written_off + recovered) STORED
);
CREATE INDEX IF NOT EXISTS open_item_customer ON open_item (customer_id);
CREATE INDEX IF NOT EXISTS open_item_number ON open_item (number_key);
CREATE TABLE IF NOT EXISTS payment (
    payment_id text PRIMARY KEY,
    customer_id text,
    currency text NOT NULL,
    amount numeric NOT NULL DEFAULT 0,
    allocated numeric NOT NULL DEFAULT 0,
    refunded numeric NOT NULL DEFAULT 0,
    reversed_amount numeric NOT NULL DEFAULT 0,
    unapplied numeric GENERATED ALWAYS AS
        (amount - allocated - refunded - reversed_amount) STORED,
    received_on date,
    received_at timestamptz,
    method text,
    payer_name text,
    payer_account text,
    remittance text,
    statement_ref text,
    entry_ref text
);
CREATE INDEX IF NOT EXISTS payment_customer ON payment (customer_id);
CREATE TABLE IF NOT EXISTS allocation (
    allocation_id text PRIMARY KEY,
    payment_id text NOT NULL,
    invoice_id text NOT NULL,
    customer_id text,
    currency text NOT NULL,
    amount numeric NOT NULL,
    discount numeric NOT NULL DEFAULT 0,
    match_reason text,
    explanation text,
    allocated_on date,
    reversed_on date,
    reversal_reason text
);
CREATE INDEX IF NOT EXISTS allocation_payment ON allocation (payment_id);
"""

INVOICE_FIGURES = ("issued", "credited", "cancelled", "allocated", "written_off", "recovered")
PAYMENT_FIGURES = ("amount", "allocated", "refunded", "reversed_amount")


def _added(table: str, figures: Sequence[str]) -> str:
    return ", ".join(f"{f} = {table}.{f} + EXCLUDED.{f}" for f in figures)


# Amounts per figure added to the row, created early if need be; the first customer id
# known sticks, the currency is the one the row was created with.
BUMP_INVOICES = f"""
    INSERT INTO open_item (invoice_id, customer_id, currency, {", ".join(INVOICE_FIGURES)})
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::numeric[],
                         $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[])
    ON CONFLICT (invoice_id) DO UPDATE SET {_added("open_item", INVOICE_FIGURES)},
        customer_id = coalesce(open_item.customer_id, EXCLUDED.customer_id)
"""

SET_INVOICE_DETAILS = """
    UPDATE open_item o SET invoice_number = d.number, number_key = d.number_key,
        issue_date = d.issue_date, due_date = d.due_date, discount_percent = d.percent,
        discount_until = d.until
    FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::date[], $6::numeric[],
                $7::date[]) AS d(invoice_id, number, number_key, issue_date, due_date, percent,
                                 until)
    WHERE o.invoice_id = d.invoice_id
"""

BUMP_PAYMENTS = f"""
    INSERT INTO payment (payment_id, customer_id, currency, {", ".join(PAYMENT_FIGURES)})
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::numeric[],
                         $6::numeric[], $7::numeric[])
    ON CONFLICT (payment_id) DO UPDATE SET {_added("payment", PAYMENT_FIGURES)},
        customer_id = coalesce(payment.customer_id, EXCLUDED.customer_id)
"""

SET_PAYMENT_DETAILS = """
    UPDATE payment p SET received_on = d.received_on, method = d.method,
        payer_name = d.payer_name, payer_account = d.payer_account, remittance = d.remittance,
        statement_ref = d.statement_ref, entry_ref = d.entry_ref, received_at = d.received_at
    FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::text[], $6::text[],
                $7::text[], $8::text[], $9::timestamptz[])
        AS d(payment_id, received_on, method, payer_name, payer_account, remittance,
             statement_ref, entry_ref, received_at)
    WHERE p.payment_id = d.payment_id
"""

UPSERT_ALLOCATIONS = """
    INSERT INTO allocation (allocation_id, payment_id, invoice_id, customer_id, currency,
                            amount, discount, match_reason, explanation, allocated_on)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                         $6::numeric[], $7::numeric[], $8::text[], $9::text[], $10::date[])
    ON CONFLICT (allocation_id) DO UPDATE SET payment_id = EXCLUDED.payment_id,
        invoice_id = EXCLUDED.invoice_id, customer_id = EXCLUDED.customer_id,
        currency = EXCLUDED.currency, amount = EXCLUDED.amount, discount = EXCLUDED.discount,
        match_reason = EXCLUDED.match_reason, explanation = EXCLUDED.explanation,
        allocated_on = EXCLUDED.allocated_on
"""

# After UPSERT_ALLOCATIONS: the reversal's two columns are the only ones it sets on an
# existing row, so the order of the two statements gives the rows one event at a time gives.
UPSERT_REVERSALS = """
    INSERT INTO allocation (allocation_id, payment_id, invoice_id, currency, amount,
                            reversed_on, reversal_reason)
    SELECT a, p, i, c, 0, r, why FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                                            $5::date[], $6::text[]) AS x(a, p, i, c, r, why)
    ON CONFLICT (allocation_id) DO UPDATE SET reversed_on = EXCLUDED.reversed_on,
        reversal_reason = EXCLUDED.reversal_reason
"""

Row = tuple[object, ...]


@dataclass
class Bumps:
    """Per row: the first customer id and currency seen, and the sum added to each figure."""

    figures: Sequence[str]
    rows: dict[str, list[object]] = field(default_factory=dict)

    def add(self, key: str, customer_id: str | None, amount: Money, figure: str,
            extra: Decimal | int) -> None:
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = [key, customer_id, amount.currency,
                                    *(Decimal(0) for _ in self.figures)]
        elif row[1] is None:
            row[1] = customer_id
        at = 3 + self.figures.index(figure)
        row[at] = row[at] + amount.amount + extra  # type: ignore[operator]


@dataclass
class LedgerBatch:
    """A batch's changes: figures summed, then the details and allocation rows as the last
    event of each kind left them (a reversal that creates its row: the first one's ids)."""

    invoices: Bumps = field(default_factory=lambda: Bumps(INVOICE_FIGURES))
    payments: Bumps = field(default_factory=lambda: Bumps(PAYMENT_FIGURES))
    invoice_details: dict[str, Row] = field(default_factory=dict)
    payment_details: dict[str, Row] = field(default_factory=dict)
    allocations: dict[str, Row] = field(default_factory=dict)
    reversals: dict[str, Row] = field(default_factory=dict)

    def bump_invoice(self, invoice_id: str, customer_id: str | None, amount: Money,
                     figure: str, *, extra: Decimal | int = 0) -> None:
        """Add `amount` (+ `extra`) to one figure of the invoice, creating the row if early."""
        self.invoices.add(invoice_id, customer_id, amount, figure, extra)

    def bump_payment(self, payment_id: str, customer_id: str | None, amount: Money,
                     figure: str) -> None:
        """Add `amount` to one figure of the payment; the first known customer id sticks."""
        self.payments.add(payment_id, customer_id, amount, figure, 0)


async def write(conn: asyncpg.Connection, batch: LedgerBatch) -> None:
    """One statement per table and kind of change, skipping the empty ones."""
    for sql, rows in (
        (BUMP_INVOICES, batch.invoices.rows.values()),
        (SET_INVOICE_DETAILS, batch.invoice_details.values()),
        (BUMP_PAYMENTS, batch.payments.rows.values()),
        (SET_PAYMENT_DETAILS, batch.payment_details.values()),
        (UPSERT_ALLOCATIONS, batch.allocations.values()),
        (UPSERT_REVERSALS, batch.reversals.values()),
    ):
        if rows:
            await conn.execute(sql, *_columns(rows))


def _columns(rows: Iterable[Sequence[object]]) -> list[list[object]]:
    """Rows as one list per column, for `unnest($1::type[], ...)`."""
    return [list(column) for column in zip(*rows, strict=True)]
