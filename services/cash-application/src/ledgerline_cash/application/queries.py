"""Read side: answers from the cash ledger projection only.

Balances and open items are sums of the ledger's dated movements, so the same query answers
"now" and "as of a business instant, as known at a recorded instant" (both bounds optional).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from ledgerline_events.contract import Money
from ledgerline_events.contract.cash_application import Payer
from ledgerline_events.contract.invoice_status import invoice_status
from ledgerline_events.contract.money import quantize
from ledgerline_events.contract.personal_data import Sealed
from ledgerline_events.runtime import ident
from ledgerline_events.runtime.keyring import Keyring

from ..domain.identification import IdentificationFacts, number_keys_in, what_was_tried

# The movements inside both time bounds ($2 business, $3 recorded; NULL: no bound).
IN_TIME = ("($2::timestamptz IS NULL OR m.occurred_at <= $2) "
           "AND ($3::timestamptz IS NULL OR m.recorded_at <= $3)")

INVOICE_FIGURES = ("issued", "credited", "cancelled", "allocated", "written_off", "recovered")
PAYMENT_FIGURES = ("received", "credit_notes", "allocated", "refunded", "reversed")
# Movement kinds into the figures they add to (a reversal takes back from "allocated").
INVOICE_KINDS = {"issued": "issued", "credited": "credited", "cancelled": "cancelled",
                 "allocated": "allocated", "allocation_reversed": "allocated",
                 "written_off": "written_off", "recovered": "recovered"}
PAYMENT_KINDS = {"received": "received", "credit_note": "credit_notes",
                 "allocated": "allocated", "allocation_reversed": "allocated",
                 "refunded": "refunded", "reversed": "reversed"}


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": format(quantize(amount, currency), "f"), "currency": currency}


class CashQueries:
    def __init__(self, pool: asyncpg.Pool, read_schema: str, write_schema: str | None = None
                 ) -> None:
        self.pool = pool
        self._r = ident(read_schema)
        # The payer accounts learned by commands: a hint for unidentified payments only.
        self._w = ident(write_schema) if write_schema else None
        # The keys that open who paid (a key per payment, in the write schema).
        self._keyring = Keyring(write_schema) if write_schema else None

    async def open_items(
        self, customer_id: str, as_of: datetime | None = None, known_at: datetime | None = None
    ) -> list[dict[str, Any]]:
        """The customer's issued invoices with something still to pay, oldest due first."""
        rows = await self.pool.fetch(
            f"SELECT o.*, s.open FROM {self._r}.open_item o JOIN ("
            f"  SELECT m.subject_id, sum(m.delta) AS open FROM {self._r}.open_item i "
            f"  JOIN {self._r}.movement m ON m.subject_id = i.invoice_id AND m.subject = 'invoice' "
            f"  WHERE i.customer_id = $1 AND {IN_TIME} GROUP BY 1) s "
            "ON s.subject_id = o.invoice_id "
            "WHERE o.invoice_number IS NOT NULL AND s.open <> 0 "
            "AND ($2::timestamptz IS NULL OR o.issued_at <= $2) "
            "ORDER BY o.due_date, o.invoice_number",
            customer_id, as_of, known_at,
        )
        return [{
            "invoice_id": r["invoice_id"], "invoice_number": r["invoice_number"],
            "issue_date": r["issue_date"], "due_date": r["due_date"],
            "gross": _money(r["issued"], r["currency"]),
            "open_amount": _money(r["open"], r["currency"]),
            "discount_until": r["discount_until"],
            "discount": _money(r["discount_amount"], r["currency"])
            if r["discount_amount"] is not None else None,
        } for r in rows]

    async def invoice(self, invoice_id: str) -> dict[str, Any] | None:
        """One invoice as clearing sees it: its figures, status, allocations and documents."""
        row = await self.pool.fetchrow(
            f"SELECT * FROM {self._r}.open_item WHERE invoice_id = $1 "
            "AND invoice_number IS NOT NULL", invoice_id)
        if row is None:
            return None
        c = row["currency"]
        documents = await self.pool.fetch(
            f"SELECT * FROM {self._r}.clearing_document WHERE invoice_id = $1 "
            "ORDER BY at, document_key",
            invoice_id)
        allocations = await self.pool.fetch(
            f"SELECT * FROM {self._r}.allocation WHERE invoice_id = $1 "
            "ORDER BY allocated_on, allocation_id", invoice_id)
        cancelled = any(d["kind"] == "cancellation" and d["decided"] for d in documents)
        status = invoice_status(open_amount=row["open_amount"], settled=row["allocated"],
                                written_off=row["written_off"] - row["recovered"],
                                cancelled=cancelled)
        return {
            "invoice_id": invoice_id, "invoice_number": row["invoice_number"],
            "customer_id": row["customer_id"], "issue_date": row["issue_date"],
            "due_date": row["due_date"], "status": status.value,
            "open_amount": _money(row["open_amount"], c),
            "figures": {k: _money(row[k], c) for k in INVOICE_FIGURES},
            "allocations": [_allocation(a) for a in allocations],
            "documents": [_document(d) for d in documents],
        }

    async def unapplied(self) -> list[dict[str, Any]]:
        """Cash waiting for a person: unidentified payers first, each with what was tried to
        identify it (domain/identification.py), then credit on account
        (credit notes' excess included)."""
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(
                f"{self._payments} WHERE unapplied > 0 AND received_on IS NOT NULL "
                "ORDER BY customer_id NULLS FIRST, received_on, payment_id"
            )
            payers = await self._payers(conn, rows)
            views = [_payment(r, payers.get(r["payment_id"])) for r in rows]
            return [{**v, "identification": await self._tried(conn, r, v["payer_account"])}
                    if r["customer_id"] is None else v for r, v in zip(rows, views, strict=True)]

    @property
    def _payments(self) -> str:
        return (f"SELECT p.*, pp.payer FROM {self._r}.payment p "
                f"LEFT JOIN {self._r}.payment_payer pp USING (payment_id)")

    async def _payers(self, conn: asyncpg.Connection, rows: list[asyncpg.Record]
                      ) -> dict[str, Payer]:
        """Who paid each payment, opened with its key (none once erased)."""
        sealed = {r["payment_id"]: Sealed.model_validate(r["payer"]) for r in rows if r["payer"]}
        if not sealed or self._keyring is None:
            return {}
        keys = await self._keyring.keys(conn, sorted(sealed))
        opened = {pid: Payer.opened(s, keys.get(pid)) for pid, s in sealed.items()}
        return {pid: payer for pid, payer in opened.items() if payer is not None}

    async def _tried(self, conn: asyncpg.Connection, row: asyncpg.Record, payer_account: str | None
                     ) -> dict[str, Any]:
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
        account = (payer_account or "").replace(" ", "").upper()
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
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(f"{self._payments} WHERE payment_id = $1", payment_id)
            if row is None or row["received_on"] is None:
                return None
            allocations = await conn.fetch(
                f"SELECT * FROM {self._r}.allocation WHERE payment_id = $1 "
                "ORDER BY allocated_on, allocation_id", payment_id,
            )
            payer = (await self._payers(conn, [row])).get(payment_id)
        return {**_payment(row, payer), "allocations": [_allocation(a) for a in allocations]}

    async def balance(
        self, customer_id: str, as_of: datetime | None = None, known_at: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Per currency: what the customer owes on invoices and the credit on account (cash
        not yet applied, credit notes' excess), with their breakdowns and the sources of the
        credit (what a refund draws on)."""
        rows = await self.pool.fetch(
            f"SELECT 'invoice' AS subject, m.kind, m.currency, sum(m.delta) AS amount "
            f"FROM {self._r}.open_item i JOIN {self._r}.movement m "
            "ON m.subject_id = i.invoice_id AND m.subject = 'invoice' "
            f"WHERE i.customer_id = $1 AND {IN_TIME} GROUP BY 1, 2, 3 "
            "UNION ALL "
            f"SELECT 'payment', m.kind, m.currency, sum(m.delta) "
            f"FROM {self._r}.payment p JOIN {self._r}.movement m "
            "ON m.subject_id = p.payment_id AND m.subject = 'payment' "
            f"WHERE p.customer_id = $1 AND {IN_TIME} GROUP BY 1, 2, 3",
            customer_id, as_of, known_at,
        )
        sources = await self._credit_sources(customer_id, as_of, known_at)
        by_currency: dict[str, dict[str, Any]] = {}
        for r in rows:
            c = r["currency"]
            entry = by_currency.setdefault(c, _empty(c))
            if r["subject"] == "invoice":
                _add(entry, "invoices", INVOICE_KINDS[r["kind"]], r["amount"], c)
                _add(entry, "", "balance", r["amount"], c)
            else:
                _add(entry, "payments", PAYMENT_KINDS[r["kind"]], r["amount"], c)
                _add(entry, "", "unapplied_cash", r["amount"], c)
        for c, entry in by_currency.items():
            entry["credit_sources"] = sources.get(c, [])
        return [_printed(by_currency[c]) for c in sorted(by_currency)]

    async def _credit_sources(
        self, customer_id: str, as_of: datetime | None, known_at: datetime | None
    ) -> dict[str, list[dict[str, Any]]]:
        rows = await self.pool.fetch(
            f"SELECT p.payment_id, p.method, p.received_on, m.currency, sum(m.delta) AS left "
            f"FROM {self._r}.payment p JOIN {self._r}.movement m "
            "ON m.subject_id = p.payment_id AND m.subject = 'payment' "
            f"WHERE p.customer_id = $1 AND {IN_TIME} "
            "GROUP BY 1, 2, 3, 4 HAVING sum(m.delta) > 0 ORDER BY p.received_on, p.payment_id",
            customer_id, as_of, known_at,
        )
        found: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            found.setdefault(r["currency"], []).append({
                "payment_id": r["payment_id"], "method": r["method"],
                "received_on": r["received_on"], "unapplied": _money(r["left"], r["currency"])})
        return found


def _empty(currency: str) -> dict[str, Any]:
    zero = Decimal(0)
    return {"currency": currency, "balance": zero, "unapplied_cash": zero,
            "invoices": dict.fromkeys(INVOICE_FIGURES, zero),
            "payments": dict.fromkeys(PAYMENT_FIGURES, zero)}


def _add(entry: dict[str, Any], group: str, figure: str, amount: Decimal, currency: str) -> None:
    # Figures are printed as removed amounts (allocated 80.00, not -80.00).
    target = entry[group] if group else entry
    sign = 1 if figure in ("issued", "recovered", "received", "credit_notes", "balance",
                           "unapplied_cash") else -1
    target[figure] = target[figure] + sign * amount


def _printed(entry: dict[str, Any]) -> dict[str, Any]:
    c = entry["currency"]
    return {"currency": c, "balance": _money(entry["balance"], c),
            "unapplied_cash": _money(entry["unapplied_cash"], c),
            "invoices": {k: _money(v, c) for k, v in entry["invoices"].items()},
            "payments": {k: _money(v, c) for k, v in entry["payments"].items()},
            "credit_sources": entry["credit_sources"]}


def _payment(r: asyncpg.Record, payer: Payer | None) -> dict[str, Any]:
    """A payment; who paid as sealed (opened), else as a v2 payment recorded it in plain."""
    c = r["currency"]
    return {
        "payment_id": r["payment_id"], "customer_id": r["customer_id"],
        "amount": _money(r["amount"], c), "unapplied": _money(r["unapplied"], c),
        "allocated": _money(r["allocated"], c), "refunded": _money(r["refunded"], c),
        "reversed": r["reversed_amount"] > 0, "received_on": r["received_on"],
        "method": r["method"], "payer_name": payer.name if payer else r["payer_name"],
        "payer_account": payer.account if payer else r["payer_account"],
        "remittance": r["remittance"],
        "statement_ref": r["statement_ref"], "entry_ref": r["entry_ref"],
    }


def _allocation(a: asyncpg.Record) -> dict[str, Any]:
    c = a["currency"]
    return {
        "allocation_id": a["allocation_id"], "payment_id": a["payment_id"],
        "invoice_id": a["invoice_id"],
        "amount": _money(a["amount"], c), "discount": _money(a["discount"], c),
        "match_reason": a["match_reason"], "explanation": a["explanation"],
        "allocated_on": a["allocated_on"], "reversed_on": a["reversed_on"],
        "reversal_reason": a["reversal_reason"], "live": a["reversed_on"] is None,
    }


def _document(d: asyncpg.Record) -> dict[str, Any]:
    c = d["currency"]
    return {"kind": d["kind"], "document_id": d["document_id"],
            "amount": _money(d["amount"], c) if d["amount"] is not None else None,
            "decided": d["decided"], "applied": _money(d["applied"], c)}
