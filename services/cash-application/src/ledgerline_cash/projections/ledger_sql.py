"""Tables of the cash ledger read model, a batch's changes folded in Python, and the
statements that write them: each table once per batch, figures added (so convergent)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

import asyncpg

from ledgerline_events.contract import Money
from ledgerline_events.runtime import ident, unnest_columns

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
"""

# The indexes the reads and the matcher look up by. A rebuild builds them once at the end
# (`CashLedger.complete`): one sort of the rows costs a fraction of an insertion per update.
INDEXES = """
CREATE INDEX IF NOT EXISTS open_item_customer ON open_item (customer_id);
CREATE INDEX IF NOT EXISTS open_item_number ON open_item (number_key);
CREATE INDEX IF NOT EXISTS payment_customer ON payment (customer_id);
CREATE INDEX IF NOT EXISTS allocation_payment ON allocation (payment_id);
"""

INVOICE_FIGURES = ("issued", "credited", "cancelled", "allocated", "written_off", "recovered")
INVOICE_DETAILS = ("invoice_number", "number_key", "issue_date", "due_date", "discount_percent",
                   "discount_until")
PAYMENT_FIGURES = ("amount", "allocated", "refunded", "reversed_amount")
PAYMENT_DETAILS = ("received_on", "method", "payer_name", "payer_account", "remittance",
                   "statement_ref", "entry_ref", "received_at")


def _added(table: str, figures: Sequence[str]) -> str:
    return ", ".join(f"{f} = {table}.{f} + EXCLUDED.{f}" for f in figures)


def _replaced_if(table: str, flag: str, details: Sequence[str]) -> str:
    """Details are set only by rows that carry them (`flag` is never NULL in such a row): an
    event that only bumps a figure leaves the details the row has."""
    return ", ".join(f"{d} = CASE WHEN EXCLUDED.{flag} IS NULL THEN {table}.{d} "
                     f"ELSE EXCLUDED.{d} END" for d in details)


# Amounts per figure added to the row, created early if need be; the first customer id
# known sticks, the currency is the one the row was created with; details as issued.
# `{t}` is "" (the search_path's schema, consumers) or a quoted schema and a dot.
BUMP_INVOICES = f"""
    INSERT INTO {{t}}open_item AS open_item (invoice_id, customer_id, currency,
        {", ".join(INVOICE_FIGURES)}, {", ".join(INVOICE_DETAILS)})
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::numeric[],
                         $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[],
                         $10::text[], $11::text[], $12::date[], $13::date[], $14::numeric[],
                         $15::date[])
    ON CONFLICT (invoice_id) DO UPDATE SET {_added("open_item", INVOICE_FIGURES)},
        customer_id = coalesce(open_item.customer_id, EXCLUDED.customer_id),
        {_replaced_if("open_item", "invoice_number", INVOICE_DETAILS)}
"""

BUMP_PAYMENTS = f"""
    INSERT INTO {{t}}payment AS payment (payment_id, customer_id, currency,
        {", ".join(PAYMENT_FIGURES)}, {", ".join(PAYMENT_DETAILS)})
    SELECT * FROM unnest($16::text[], $17::text[], $18::text[], $19::numeric[], $20::numeric[],
                         $21::numeric[], $22::numeric[], $23::date[], $24::text[], $25::text[],
                         $26::text[], $27::text[], $28::text[], $29::text[], $30::timestamptz[])
    ON CONFLICT (payment_id) DO UPDATE SET {_added("payment", PAYMENT_FIGURES)},
        customer_id = coalesce(payment.customer_id, EXCLUDED.customer_id),
        {_replaced_if("payment", "method", PAYMENT_DETAILS)}
"""

UPSERT_ALLOCATIONS = """
    INSERT INTO {t}allocation AS allocation (allocation_id, payment_id, invoice_id, customer_id,
                            currency, amount, discount, match_reason, explanation, allocated_on)
    SELECT * FROM unnest($31::text[], $32::text[], $33::text[], $34::text[], $35::text[],
                         $36::numeric[], $37::numeric[], $38::text[], $39::text[], $40::date[])
    ON CONFLICT (allocation_id) DO UPDATE SET payment_id = EXCLUDED.payment_id,
        invoice_id = EXCLUDED.invoice_id, customer_id = EXCLUDED.customer_id,
        currency = EXCLUDED.currency, amount = EXCLUDED.amount, discount = EXCLUDED.discount,
        match_reason = EXCLUDED.match_reason, explanation = EXCLUDED.explanation,
        allocated_on = EXCLUDED.allocated_on
"""

# The three tables differ, so one statement writes them all (one round trip: it is also the
# command path's, inside the command's transaction). A command records its events' ids as
# processed in the same statement, so the consumer skips them when they come back.
WRITE = f"""
    WITH invoices AS ({BUMP_INVOICES}), payments AS ({BUMP_PAYMENTS}),
         allocations AS ({UPSERT_ALLOCATIONS}) {{processed}}
    SELECT 1
"""
RECORD_PROCESSED = ", processed AS (INSERT INTO {t}processed_event (event_id) SELECT unnest($41::uuid[]))"

# After WRITE: the reversal's two columns are the only ones it sets on an existing row, so
# the order of the two statements gives the rows one event at a time gives.
UPSERT_REVERSALS = """
    INSERT INTO {t}allocation (allocation_id, payment_id, invoice_id, currency, amount,
                            reversed_on, reversal_reason)
    SELECT a, p, i, c, 0, r, why FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                                            $5::date[], $6::text[]) AS x(a, p, i, c, r, why)
    ON CONFLICT (allocation_id) DO UPDATE SET reversed_on = EXCLUDED.reversed_on,
        reversal_reason = EXCLUDED.reversal_reason
"""


@functools.cache
def statements(schema: str | None, *, record_processed: bool) -> tuple[str, str]:
    """WRITE and UPSERT_REVERSALS for tables of `schema` (None: the search_path's)."""
    t = "" if schema is None else f"{ident(schema)}."
    processed = RECORD_PROCESSED.format(t=t) if record_processed else ""
    return WRITE.format(t=t, processed=processed), UPSERT_REVERSALS.format(t=t)


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


async def write(conn: asyncpg.Connection, batch: LedgerBatch, *, schema: str | None = None,
                processed: Sequence[UUID] | None = None) -> None:
    """The batch in one statement (two when it reverses allocations). `schema` names the
    tables' schema (default: the search_path's); `processed` ids are recorded with them."""
    write_all, reversals = statements(schema, record_processed=processed is not None)
    invoices = _with_details(batch.invoices, batch.invoice_details, len(INVOICE_DETAILS))
    payments = _with_details(batch.payments, batch.payment_details, len(PAYMENT_DETAILS))
    args = [*unnest_columns(invoices, 15), *unnest_columns(payments, 15),
            *unnest_columns(batch.allocations.values(), 10)]
    if invoices or payments or batch.allocations or processed:
        await conn.execute(write_all, *args, *([list(processed)] if processed is not None else []))
    if batch.reversals:
        await conn.execute(reversals, *unnest_columns(batch.reversals.values(), 6))


def _with_details(bumps: Bumps, details: dict[str, Row], width: int) -> list[Row]:
    """Each bumped row with its details (the detail row without its key), or NULLs."""
    missing = (None,) * width
    return [(*row, *details.get(str(row[0]), (None, *missing))[1:]) for row in bumps.rows.values()]

