"""Command-side access to the open items, inside the command's transaction.

Locking the invoice rows (FOR UPDATE) serialises every allocation against the same invoice,
so two payments can never together take more than its open amount.
"""

from __future__ import annotations

import re
from decimal import Decimal

import asyncpg

from ledgerline_events.contract import Money
from ledgerline_events.runtime import ident

from ..domain.matching import OpenInvoice

_TOKEN = re.compile(r"[A-Za-z0-9]+")


class OpenItems:
    def __init__(self, conn: asyncpg.Connection, read_schema: str) -> None:
        self.conn = conn
        self._r = ident(read_schema)

    async def lock_customer(self, customer_id: str, currency: str) -> list[OpenInvoice]:
        """The customer's open invoices in `currency`, locked until the command commits."""
        rows = await self.conn.fetch(
            f"SELECT * FROM {self._r}.open_item WHERE customer_id = $1 AND currency = $2 "
            "AND invoice_number IS NOT NULL ORDER BY invoice_id FOR UPDATE",
            customer_id, currency,
        )
        return [_invoice(r) for r in rows if r["open_amount"] > 0]

    async def lock_invoice(self, invoice_id: str) -> tuple[str, OpenInvoice] | None:
        """One issued invoice (any open amount) and its customer, locked; None if unknown."""
        row = await self.conn.fetchrow(
            f"SELECT * FROM {self._r}.open_item WHERE invoice_id = $1 "
            "AND invoice_number IS NOT NULL FOR UPDATE", invoice_id,
        )
        return (row["customer_id"], _invoice(row)) if row is not None else None

    async def customers_named_in(self, remittance: str) -> set[str]:
        """Customers whose open invoice numbers appear in the remittance text."""
        keys = _candidate_keys(remittance)
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
        discount_percent=row["discount_percent"], discount_until=row["discount_until"],
    )


def _candidate_keys(remittance: str) -> set[str]:
    # Payers split numbers with spaces ("INV 2026 0001"): try runs of up to 4 tokens.
    tokens = [t.upper() for t in _TOKEN.findall(remittance)][:200]
    return {"".join(tokens[i:i + n]) for n in range(1, 5) for i in range(len(tokens) - n + 1)}


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
            _normal(account),
        )
        return str(value) if value is not None else None

    async def learn(self, account: str, customer_id: str) -> None:
        if account:
            await self.conn.execute(
                f"INSERT INTO {self._w}.payer_account (account, customer_id) VALUES ($1, $2) "
                "ON CONFLICT (account) DO UPDATE SET customer_id = $2, learned_at = now()",
                _normal(account), customer_id,
            )


def _normal(account: str) -> str:
    return account.replace(" ", "").upper()
