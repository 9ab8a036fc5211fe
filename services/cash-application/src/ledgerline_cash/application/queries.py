"""Read side: answers from the cash ledger projection only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg

from ledgerline_events.contract import Money
from ledgerline_events.contract.money import quantize
from ledgerline_events.runtime import ident

from ..domain.identification import IdentificationFacts, number_keys_in, what_was_tried


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": format(quantize(amount, currency), "f"), "currency": currency}


class CashQueries:
    def __init__(self, pool: asyncpg.Pool, read_schema: str, write_schema: str | None = None
                 ) -> None:
        self.pool = pool
        self._r = ident(read_schema)
        # The payer accounts learned by commands: a hint for unidentified payments only.
        self._w = ident(write_schema) if write_schema else None

    async def open_items(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's issued invoices with something still to pay, oldest due first."""
        rows = await self.pool.fetch(
            f"SELECT * FROM {self._r}.open_item WHERE customer_id = $1 "
            "AND invoice_number IS NOT NULL AND open_amount <> 0 ORDER BY due_date, invoice_number",
            customer_id,
        )
        return [{
            "invoice_id": r["invoice_id"], "invoice_number": r["invoice_number"],
            "issue_date": r["issue_date"], "due_date": r["due_date"],
            "gross": _money(r["issued"], r["currency"]),
            "open_amount": _money(r["open_amount"], r["currency"]),
            "discount_until": r["discount_until"],
            "discount_percent": format(r["discount_percent"], "f")
            if r["discount_percent"] is not None else None,
        } for r in rows]

    async def unapplied(self) -> list[dict[str, Any]]:
        """Cash waiting for a person: unidentified payers first, each with what was tried to
        identify it (domain/identification.py), then credit on account."""
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(
                f"SELECT * FROM {self._r}.payment WHERE unapplied > 0 "
                "AND received_on IS NOT NULL "
                "ORDER BY customer_id NULLS FIRST, received_on, payment_id"
            )
            return [{**_payment(r), "identification": await self._tried(conn, r)}
                    if r["customer_id"] is None else _payment(r) for r in rows]

    async def _tried(self, conn: asyncpg.Connection, row: asyncpg.Record) -> dict[str, Any]:
        amount = Money.of(quantize(row["amount"], row["currency"]), row["currency"])
        named = await conn.fetch(
            f"SELECT invoice_number, customer_id FROM {self._r}.open_item "
            "WHERE number_key = ANY($1::text[]) AND open_amount > 0 "
            "AND invoice_number IS NOT NULL AND customer_id IS NOT NULL",
            sorted(number_keys_in(row["remittance"] or "")),
        )
        same_amount = await conn.fetch(
            f"SELECT DISTINCT customer_id FROM {self._r}.open_item WHERE currency = $1 "
            "AND open_amount = $2 AND invoice_number IS NOT NULL AND customer_id IS NOT NULL "
            "ORDER BY customer_id LIMIT 20", row["currency"], row["unapplied"],
        )
        account = (row["payer_account"] or "").replace(" ", "").upper()
        known = await conn.fetchval(
            f"SELECT customer_id FROM {self._w}.payer_account WHERE account = $1", account,
        ) if self._w and account else None
        facts = IdentificationFacts(
            amount, account, {r["invoice_number"]: r["customer_id"] for r in named},
            known, tuple(r["customer_id"] for r in same_amount))
        return {"tried": what_was_tried(facts), "named_invoices": facts.named_invoices,
                "account_known_for": known,
                "same_amount_customers": list(facts.same_amount_customers)}

    async def payment(self, payment_id: str) -> dict[str, Any] | None:
        row = await self.pool.fetchrow(
            f"SELECT * FROM {self._r}.payment WHERE payment_id = $1", payment_id
        )
        if row is None or row["received_on"] is None:
            return None
        allocations = await self.pool.fetch(
            f"SELECT * FROM {self._r}.allocation WHERE payment_id = $1 "
            "ORDER BY allocated_on, allocation_id", payment_id,
        )
        return {**_payment(row), "allocations": [_allocation(a) for a in allocations]}

    async def balance(self, customer_id: str) -> list[dict[str, Any]]:
        """Per currency: what the customer owes on invoices and the cash not yet applied."""
        invoices = await self.pool.fetch(
            f"SELECT currency, sum(issued) issued, sum(credited) credited, "
            "sum(cancelled) cancelled, sum(allocated) allocated, sum(written_off) written_off, "
            f"sum(recovered) recovered, sum(open_amount) open FROM {self._r}.open_item "
            "WHERE customer_id = $1 GROUP BY currency", customer_id,
        )
        cash = await self.pool.fetch(
            f"SELECT currency, sum(amount) received, sum(allocated) allocated, "
            "sum(refunded) refunded, sum(reversed_amount) reversed, sum(unapplied) unapplied "
            f"FROM {self._r}.payment WHERE customer_id = $1 GROUP BY currency", customer_id,
        )
        by_currency: dict[str, dict[str, Any]] = {}
        for r in invoices:
            c = r["currency"]
            by_currency.setdefault(c, _empty(c)).update({
                "balance": _money(r["open"], c),
                "invoices": {k: _money(r[k], c) for k in (
                    "issued", "credited", "cancelled", "allocated", "written_off", "recovered")},
            })
        for r in cash:
            c = r["currency"]
            by_currency.setdefault(c, _empty(c)).update({
                "unapplied_cash": _money(r["unapplied"], c),
                "payments": {k: _money(r[k], c) for k in (
                    "received", "allocated", "refunded", "reversed")},
            })
        return [by_currency[c] for c in sorted(by_currency)]


def _empty(currency: str) -> dict[str, Any]:
    zero = _money(Decimal(0), currency)
    return {"currency": currency, "balance": zero, "unapplied_cash": zero}


def _payment(r: asyncpg.Record) -> dict[str, Any]:
    c = r["currency"]
    return {
        "payment_id": r["payment_id"], "customer_id": r["customer_id"],
        "amount": _money(r["amount"], c), "unapplied": _money(r["unapplied"], c),
        "allocated": _money(r["allocated"], c), "refunded": _money(r["refunded"], c),
        "reversed": r["reversed_amount"] > 0, "received_on": r["received_on"],
        "method": r["method"], "payer_name": r["payer_name"],
        "payer_account": r["payer_account"], "remittance": r["remittance"],
        "statement_ref": r["statement_ref"], "entry_ref": r["entry_ref"],
    }


def _allocation(a: asyncpg.Record) -> dict[str, Any]:
    c = a["currency"]
    return {
        "allocation_id": a["allocation_id"], "invoice_id": a["invoice_id"],
        "amount": _money(a["amount"], c), "discount": _money(a["discount"], c),
        "match_reason": a["match_reason"], "explanation": a["explanation"],
        "allocated_on": a["allocated_on"], "reversed_on": a["reversed_on"],
        "reversal_reason": a["reversal_reason"], "live": a["reversed_on"] is None,
    }
