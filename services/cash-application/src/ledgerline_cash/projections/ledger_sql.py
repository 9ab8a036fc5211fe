"""Tables of the cash ledger read model, a batch's changes folded in Python, and the
statements that write them: each table once per batch, figures added (so convergent)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

import asyncpg

from ledgerline_events.contract import Envelope, Money
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
    discount_amount numeric,
    discount_until date,
    issued_at timestamptz,
    issued numeric NOT NULL DEFAULT 0,
    credited numeric NOT NULL DEFAULT 0,
    cancelled numeric NOT NULL DEFAULT 0,
    allocated numeric NOT NULL DEFAULT 0,
    written_off numeric NOT NULL DEFAULT 0,
    recovered numeric NOT NULL DEFAULT 0,
    open_amount numeric GENERATED ALWAYS AS
        (issued - credited - cancelled - allocated - written_off + recovered) STORED
);
-- Read schemas built before InvoiceIssued v2 had the percent instead (rebuild to fill it).
ALTER TABLE open_item ADD COLUMN IF NOT EXISTS discount_amount numeric;
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
-- Who paid, sealed with the payment's key (PaymentReceived v3): opened when read, unreadable
-- once the key is erased.
CREATE TABLE IF NOT EXISTS payment_payer (payment_id text PRIMARY KEY, payer jsonb NOT NULL);
-- Customers whose personal data was erased (collections.PersonalDataErased): their v2
-- payers' names and accounts, in plain, are kept by no row, whichever arrives first.
CREATE TABLE IF NOT EXISTS erased_customer (customer_id text PRIMARY KEY);
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
-- Every dated change of an invoice's open amount or a payment's unapplied cash: what clearing
-- reads to keep every later instant at zero or more, and what as-of reads sum.
CREATE TABLE IF NOT EXISTS movement (
    event_id uuid NOT NULL,
    subject text NOT NULL,              -- 'invoice' or 'payment' (a credit on account too)
    subject_id text NOT NULL,
    customer_id text,
    currency text NOT NULL,
    kind text NOT NULL,
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    delta numeric NOT NULL,
    PRIMARY KEY (event_id, subject_id)
);
-- Credit notes, write-offs, recoveries and cancellations seen, and whether the clearing
-- decision on each is known yet (a decision can arrive before its document on a replay).
CREATE TABLE IF NOT EXISTS clearing_document (
    document_key text PRIMARY KEY,
    kind text NOT NULL,
    document_id text NOT NULL,
    invoice_id text NOT NULL,
    customer_id text,
    currency text NOT NULL,
    amount numeric,
    at timestamptz,
    write_off_id text,
    reference text,
    decided boolean NOT NULL DEFAULT false,
    applied numeric NOT NULL DEFAULT 0,
    recovered numeric NOT NULL DEFAULT 0
);
"""

# The indexes the reads and the matcher look up by. A rebuild builds them once at the end
# (`CashLedger.complete`): one sort of the rows costs a fraction of an insertion per update.
INDEXES = """
CREATE INDEX IF NOT EXISTS open_item_customer ON open_item (customer_id);
CREATE INDEX IF NOT EXISTS open_item_number ON open_item (number_key);
CREATE INDEX IF NOT EXISTS payment_customer ON payment (customer_id);
CREATE INDEX IF NOT EXISTS allocation_payment ON allocation (payment_id);
CREATE INDEX IF NOT EXISTS allocation_invoice ON allocation (invoice_id);
CREATE INDEX IF NOT EXISTS movement_subject ON movement (subject_id, occurred_at);
CREATE INDEX IF NOT EXISTS movement_customer ON movement (customer_id, occurred_at);
CREATE INDEX IF NOT EXISTS clearing_pending ON clearing_document (at) WHERE NOT decided;
CREATE INDEX IF NOT EXISTS clearing_by_invoice ON clearing_document (invoice_id);
"""

INVOICE_FIGURES = ("issued", "credited", "cancelled", "allocated", "written_off", "recovered")
INVOICE_DETAILS = ("invoice_number", "number_key", "issue_date", "due_date", "discount_amount",
                   "discount_until", "issued_at")
PAYMENT_FIGURES = ("amount", "allocated", "refunded", "reversed_amount")
PAYMENT_DETAILS = ("received_on", "method", "payer_name", "payer_account", "remittance",
                   "statement_ref", "entry_ref", "received_at")


def _unnest(start: int, *types: str) -> str:
    """`unnest($start::t1[], $start+1::t2[], ...)` for space-separated column types."""
    names = " ".join(types).split()
    return "unnest(" + ", ".join(f"${start + i}::{t}[]" for i, t in enumerate(names)) + ")"


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
    SELECT * FROM {_unnest(1, "text text text", "numeric " * 6,
                           "text text date date numeric date timestamptz")}
    ON CONFLICT (invoice_id) DO UPDATE SET {_added("open_item", INVOICE_FIGURES)},
        customer_id = coalesce(open_item.customer_id, EXCLUDED.customer_id),
        {_replaced_if("open_item", "invoice_number", INVOICE_DETAILS)}
"""

BUMP_PAYMENTS = f"""
    INSERT INTO {{t}}payment AS payment (payment_id, customer_id, currency,
        {", ".join(PAYMENT_FIGURES)}, {", ".join(PAYMENT_DETAILS)})
    SELECT * FROM {_unnest(17, "text text text", "numeric " * 4,
                           "date", "text " * 6, "timestamptz")}
    ON CONFLICT (payment_id) DO UPDATE SET {_added("payment", PAYMENT_FIGURES)},
        customer_id = coalesce(payment.customer_id, EXCLUDED.customer_id),
        {_replaced_if("payment", "method", PAYMENT_DETAILS)}
"""

UPSERT_ALLOCATIONS = f"""
    INSERT INTO {{t}}allocation AS allocation (allocation_id, payment_id, invoice_id, customer_id,
                            currency, amount, discount, match_reason, explanation, allocated_on)
    SELECT * FROM {_unnest(32, "text " * 5, "numeric numeric text text date")}
    ON CONFLICT (allocation_id) DO UPDATE SET payment_id = EXCLUDED.payment_id,
        invoice_id = EXCLUDED.invoice_id, customer_id = EXCLUDED.customer_id,
        currency = EXCLUDED.currency, amount = EXCLUDED.amount, discount = EXCLUDED.discount,
        match_reason = EXCLUDED.match_reason, explanation = EXCLUDED.explanation,
        allocated_on = EXCLUDED.allocated_on
"""

INSERT_MOVEMENTS = f"""
    INSERT INTO {{t}}movement (event_id, subject, subject_id, customer_id, currency, kind,
                             occurred_at, recorded_at, delta)
    SELECT * FROM {_unnest(42, "uuid", "text " * 5, "timestamptz timestamptz numeric")}
    ON CONFLICT DO NOTHING
"""

# The four tables differ, so one statement writes them all (one round trip: it is also the
# command path's, inside the command's transaction). A command records its events' ids as
# processed in the same statement, so the consumer skips them when they come back.
WRITE = f"""
    WITH invoices AS ({BUMP_INVOICES}), payments AS ({BUMP_PAYMENTS}),
         allocations AS ({UPSERT_ALLOCATIONS}), movements AS ({INSERT_MOVEMENTS}) {{processed}}
    SELECT 1
"""
RECORD_PROCESSED = ", processed AS (INSERT INTO {t}processed_event (event_id) SELECT unnest($51::uuid[]))"

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

INSERT_PAYERS = "INSERT INTO {t}payment_payer VALUES ($1, $2) ON CONFLICT DO NOTHING"

# A document lands with its details; a decision marks it decided with what it applied (either
# may come first). A recovery adds what it reopened to its write-off's row.
UPSERT_DOCUMENTS = """
    INSERT INTO {t}clearing_document AS d (document_key, kind, document_id, invoice_id,
                                           customer_id, currency, amount, at, write_off_id,
                                           reference)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                         $7::numeric[], $8::timestamptz[], $9::text[], $10::text[])
    ON CONFLICT (document_key) DO UPDATE SET amount = EXCLUDED.amount, at = EXCLUDED.at,
        write_off_id = EXCLUDED.write_off_id, reference = EXCLUDED.reference,
        customer_id = coalesce(d.customer_id, EXCLUDED.customer_id)
"""
MARK_DECIDED = """
    INSERT INTO {t}clearing_document AS d (document_key, kind, document_id, invoice_id,
                                           customer_id, currency, decided, applied)
    SELECT k, kind, doc, i, c, cur, true, a FROM unnest($1::text[], $2::text[], $3::text[],
        $4::text[], $5::text[], $6::text[], $7::numeric[]) AS x(k, kind, doc, i, c, cur, a)
    ON CONFLICT (document_key) DO UPDATE SET decided = true, applied = EXCLUDED.applied
"""
ADD_RECOVERED = """
    INSERT INTO {t}clearing_document AS d (document_key, kind, document_id, invoice_id,
                                           customer_id, currency, recovered)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                         $7::numeric[])
    ON CONFLICT (document_key) DO UPDATE SET recovered = d.recovered + EXCLUDED.recovered
"""



@functools.cache
def statements(schema: str | None, *, record_processed: bool) -> tuple[str, ...]:
    """WRITE, UPSERT_REVERSALS and the clearing documents' statements for tables of `schema`
    (None: the search_path's)."""
    t = "" if schema is None else f"{ident(schema)}."
    processed = RECORD_PROCESSED.format(t=t) if record_processed else ""
    return (WRITE.format(t=t, processed=processed), UPSERT_REVERSALS.format(t=t),
            UPSERT_DOCUMENTS.format(t=t), MARK_DECIDED.format(t=t), ADD_RECOVERED.format(t=t),
            INSERT_PAYERS.format(t=t))


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
    payers: dict[str, Row] = field(default_factory=dict)  # payment id: (id, sealed payer)
    allocations: dict[str, Row] = field(default_factory=dict)
    reversals: dict[str, Row] = field(default_factory=dict)
    movements: list[Row] = field(default_factory=list)
    documents: dict[str, Row] = field(default_factory=dict)
    decisions: dict[str, Row] = field(default_factory=dict)
    recovered: dict[str, list[object]] = field(default_factory=dict)

    def bump_invoice(self, invoice_id: str, customer_id: str | None, amount: Money,
                     figure: str, *, extra: Decimal | int = 0) -> None:
        """Add `amount` (+ `extra`) to one figure of the invoice, creating the row if early."""
        self.invoices.add(invoice_id, customer_id, amount, figure, extra)

    def bump_payment(self, payment_id: str, customer_id: str | None, amount: Money,
                     figure: str) -> None:
        """Add `amount` to one figure of the payment; the first known customer id sticks."""
        self.payments.add(payment_id, customer_id, amount, figure, 0)

    def move(self, e: Envelope, subject: str, subject_id: str, kind: str, amount: Money,
             sign: int) -> None:
        """One dated change of an invoice's open amount or a payment's unapplied cash."""
        self.movements.append((e.event_id, subject, subject_id, e.customer_id, amount.currency,
                               kind, e.occurred_at, e.recorded_at, sign * amount.amount))


async def write(conn: asyncpg.Connection, batch: LedgerBatch, *, schema: str | None = None,
                processed: Sequence[UUID] | None = None) -> None:
    """The batch in one statement (more when it reverses allocations or clears documents).
    `schema` names the tables' schema (default: the search_path's); `processed` ids are
    recorded with them."""
    write_all, reversals, documents, decided, recovered, payers = statements(
        schema, record_processed=processed is not None)
    invoices = _with_details(batch.invoices, batch.invoice_details, len(INVOICE_DETAILS))
    payments = _with_details(batch.payments, batch.payment_details, len(PAYMENT_DETAILS))
    args = [*unnest_columns(invoices, 16), *unnest_columns(payments, 15),
            *unnest_columns(batch.allocations.values(), 10),
            *unnest_columns(batch.movements, 9)]
    if invoices or payments or batch.allocations or batch.movements or processed:
        await conn.execute(write_all, *args, *([list(processed)] if processed is not None else []))
    if batch.reversals:
        await conn.execute(reversals, *unnest_columns(batch.reversals.values(), 6))
    if batch.documents:
        await conn.execute(documents, *unnest_columns(batch.documents.values(), 10))
    if batch.decisions:
        await conn.execute(decided, *unnest_columns(batch.decisions.values(), 7))
    if batch.recovered:
        await conn.execute(recovered, *unnest_columns(batch.recovered.values(), 7))
    if batch.payers:
        await conn.executemany(payers, list(batch.payers.values()))


def _with_details(bumps: Bumps, details: dict[str, Row], width: int) -> list[Row]:
    """Each bumped row with its details (the detail row without its key), or NULLs."""
    missing = (None,) * width
    return [(*row, *details.get(str(row[0]), (None, *missing))[1:]) for row in bumps.rows.values()]

