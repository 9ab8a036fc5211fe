"""Command-side access to the open items, inside the command's (or the clearing's)
transaction.

Locking the invoice rows (FOR UPDATE) serialises every allocation and every clearing decision
against the same invoice, so together they can never take more than its open amount; each
sees the invoice's dated movements, so none takes it below zero at a later instant either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

from ledgerline_events.contract import Money
from ledgerline_events.runtime import ident

from ..domain.clearing import EPOCH, InvoiceToClear, Moved, least_open_from
from ..domain.identification import account_key, number_keys_in
from ..domain.matching import OpenInvoice
from ..domain.statement_run import OpenBalance


@dataclass(frozen=True)
class LockedInvoice:
    """One issued invoice under lock: its customer, its terms and open amount now, and what
    clearing needs to know what it can take at any instant."""

    customer_id: str
    invoice: OpenInvoice
    to_clear: InvoiceToClear


class OpenItems:
    def __init__(self, conn: asyncpg.Connection, read_schema: str) -> None:
        self.conn = conn
        self._r = ident(read_schema)

    async def lock_customer(
        self, customer_id: str, currency: str, at: datetime
    ) -> list[OpenInvoice]:
        """The customer's invoices in `currency` that can take something at `at` (or at their
        issue, if later), locked until the command commits; `open_amount` is that much."""
        rows = await self.conn.fetch(
            f"SELECT * FROM {self._r}.open_item WHERE customer_id = $1 AND currency = $2 "
            "AND invoice_number IS NOT NULL ORDER BY invoice_id FOR UPDATE",
            customer_id, currency,
        )
        rows = [r for r in rows if r["open_amount"] > 0]
        moves = await self._moves([r["invoice_id"] for r in rows], after=at)
        found = []
        for r in rows:
            invoice = _invoice(r)
            open_at = least_open_from(r["open_amount"], moves[r["invoice_id"]],
                                      max(at, invoice.issued_at))
            if open_at > 0:
                found.append(_with_open(invoice, open_at))
        return found

    async def lock_for_statement(
        self, remittances: Sequence[str], known_customers: set[str]
    ) -> list[OpenBalance]:
        """For a statement file: the invoices of every customer its remittances name or its
        payer accounts are known for, locked (in one order: two files never deadlock), with
        their dated movements."""
        customers = sorted(known_customers | await self.customers_named_in(*remittances))
        rows = await self.conn.fetch(
            f"SELECT * FROM {self._r}.open_item WHERE customer_id = ANY($1::text[]) "
            "AND invoice_number IS NOT NULL ORDER BY invoice_id FOR UPDATE", customers,
        )
        rows = [r for r in rows if r["open_amount"] > 0]
        moves = await self._moves([r["invoice_id"] for r in rows], after=EPOCH)
        return [OpenBalance(r["customer_id"], r["number_key"], _invoice(r), moves[r["invoice_id"]])
                for r in rows]

    async def lock_invoice(
        self, invoice_id: str, write_off_id: str | None = None
    ) -> LockedInvoice | None:
        """One issued invoice (any open amount), locked; None if unknown. With `write_off_id`,
        what that write-off still keeps off it (for a recovery)."""
        row = await self.conn.fetchrow(
            f"SELECT * FROM {self._r}.open_item WHERE invoice_id = $1 "
            "AND invoice_number IS NOT NULL FOR UPDATE", invoice_id,
        )
        if row is None:
            return None
        invoice = _invoice(row)
        moves = await self._moves([invoice_id], after=EPOCH)
        kept_off = await self._still_written_off(write_off_id) if write_off_id else Decimal(0)
        return LockedInvoice(row["customer_id"], invoice, InvoiceToClear(
            invoice_id, invoice.issued_at, invoice.open_amount, tuple(moves[invoice_id]),
            kept_off))

    async def _moves(self, invoice_ids: Sequence[str], *, after: datetime) -> dict[str, list[Moved]]:
        found: dict[str, list[Moved]] = defaultdict(list)
        if not invoice_ids:
            return found
        rows = await self.conn.fetch(
            f"SELECT subject_id, occurred_at, delta FROM {self._r}.movement "
            "WHERE subject_id = ANY($1::text[]) AND subject = 'invoice' AND occurred_at > $2",
            list(invoice_ids), after,
        )
        for r in rows:
            found[r["subject_id"]].append(Moved(r["occurred_at"], r["delta"]))
        return found

    async def _still_written_off(self, write_off_id: str) -> Decimal:
        value = await self.conn.fetchval(
            f"SELECT applied - recovered FROM {self._r}.clearing_document "
            "WHERE document_key = $1 AND decided", f"clearing:write_off:{write_off_id}",
        )
        return Decimal(value or 0)

    async def live_allocations(self, invoice_id: str) -> list[tuple[str, str]]:
        """(payment id, allocation id) of the allocations still standing on an invoice."""
        rows = await self.conn.fetch(
            f"SELECT payment_id, allocation_id FROM {self._r}.allocation "
            "WHERE invoice_id = $1 AND reversed_on IS NULL AND amount > 0 "
            "ORDER BY allocation_id", invoice_id,
        )
        return [(r["payment_id"], r["allocation_id"]) for r in rows]

    async def customers_named_in(self, *remittances: str) -> set[str]:
        """Customers whose open invoice numbers appear in the remittance texts."""
        keys = set().union(*(number_keys_in(r) for r in remittances))
        if not keys:
            return set()
        rows = await self.conn.fetch(
            f"SELECT DISTINCT customer_id FROM {self._r}.open_item "
            "WHERE number_key = ANY($1::text[]) AND open_amount > 0", sorted(keys),
        )
        return {r["customer_id"] for r in rows if r["customer_id"]}


def _invoice(row: asyncpg.Record) -> OpenInvoice:
    currency = row["currency"]
    return OpenInvoice(
        invoice_id=row["invoice_id"], number=row["invoice_number"], due_date=row["due_date"],
        open_amount=Money.of(Decimal(row["open_amount"]), currency),
        discount=Money.of(row["discount_amount"], currency)
        if row["discount_amount"] is not None else None,
        discount_until=row["discount_until"],
        issued_at=row["issued_at"] or EPOCH,
    )


def _with_open(invoice: OpenInvoice, amount: Decimal) -> OpenInvoice:
    return OpenInvoice(invoice.invoice_id, invoice.number, invoice.due_date,
                       Money.of(amount, invoice.open_amount.currency), invoice.discount,
                       invoice.discount_until, invoice.issued_at)


class Sources:
    """Where a customer's credit on account sits: payments and credits with unapplied cash."""

    def __init__(self, conn: asyncpg.Connection, read_schema: str) -> None:
        self.conn = conn
        self._r = ident(read_schema)

    async def with_credit(self, customer_id: str, currency: str) -> list[str]:
        """Their ids, oldest first."""
        rows = await self.conn.fetch(
            f"SELECT payment_id FROM {self._r}.payment WHERE customer_id = $1 AND currency = $2 "
            "AND unapplied > 0 ORDER BY received_at, payment_id", customer_id, currency,
        )
        return [r["payment_id"] for r in rows]


class PayerAccounts:
    """Bank accounts we have seen paying for a customer: how statement payers are recognised."""

    def __init__(self, conn: asyncpg.Connection, write_schema: str) -> None:
        self.conn = conn
        self._w = ident(write_schema)

    async def install(self) -> None:
        await self.conn.execute(
            f"CREATE TABLE IF NOT EXISTS {self._w}.payer_account ("
            "account text PRIMARY KEY, customer_id text NOT NULL, "
            "learned_at timestamptz NOT NULL DEFAULT now())"
        )

    async def customer_of(self, account: str) -> str | None:
        if not account:
            return None
        value = await self.conn.fetchval(
            f"SELECT customer_id FROM {self._w}.payer_account WHERE account = $1",
            account_key(account),
        )
        return str(value) if value is not None else None

    async def customers_of(self, accounts: Sequence[str]) -> dict[str, str]:
        """Account key -> customer, for those of `accounts` we know."""
        rows = await self.conn.fetch(
            f"SELECT account, customer_id FROM {self._w}.payer_account "
            "WHERE account = ANY($1::text[])", sorted({account_key(a) for a in accounts if a}),
        )
        return {r["account"]: r["customer_id"] for r in rows}

    async def learn_all(self, learned: dict[str, str]) -> None:
        """Remember accounts (account key -> customer) a statement file taught."""
        await self.conn.execute(
            f"INSERT INTO {self._w}.payer_account (account, customer_id) "
            "SELECT * FROM unnest($1::text[], $2::text[]) "
            "ON CONFLICT (account) DO UPDATE SET customer_id = EXCLUDED.customer_id, "
            "learned_at = now()", list(learned), list(learned.values()),
        )

    async def learn(self, account: str, customer_id: str) -> None:
        if account:
            await self.learn_all({account_key(account): customer_id})
