"""Queries on the credit read model (search_path set to the read schema by the caller)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import asyncpg

from ledgerline_credit.domain.exposure import days_overdue
from ledgerline_credit.domain.holds import CreditSituation
from ledgerline_events.contract.invoice_status import invoice_status
from ledgerline_events.contract.money import quantize


@dataclass(frozen=True)
class StandingInCurrency:
    """What a credit check needs from the read model, in the order's currency."""

    open_ar: Decimal = Decimal(0)
    open_orders: Decimal = Decimal(0)
    disputed: Decimal = Decimal(0)
    oldest_open_due_date: date | None = None
    risk_score: int = 0

    @property
    def exposure(self) -> Decimal:
        return self.open_ar + self.open_orders


# The business date of the latest invoice or movement of each customer.
LATEST_FACTS = """
SELECT customer_id, max(on_date) AS latest FROM (
    SELECT customer_id, issued_on AS on_date FROM invoice WHERE customer_id = ANY($1::text[])
    UNION ALL
    SELECT customer_id, on_date FROM ar_movement WHERE customer_id = ANY($1::text[])) facts
GROUP BY customer_id
"""


async def situations(conn: asyncpg.Connection, customers: Iterable[str],
                     as_of: date) -> dict[str, CreditSituation]:
    """What the automatic hold rules look at, for each customer."""
    wanted = sorted(set(customers))
    exposures = await conn.fetch(
        "SELECT customer_id, currency, open_ar + open_orders AS total, oldest_due_date "
        "FROM customer_exposure WHERE customer_id = ANY($1::text[])", wanted)
    written_off = await conn.fetch(
        "SELECT customer_id, net_written_off FROM customer_standing "
        "WHERE customer_id = ANY($1::text[])", wanted)
    net = {r["customer_id"]: r["net_written_off"] for r in written_off}
    latest = {r["customer_id"]: r["latest"] for r in await conn.fetch(LATEST_FACTS, wanted)}
    # Grouped in one pass: the daily sweep asks about every customer with an overdue invoice
    # (100,000 of them at scale), and filtering the rows per customer was quadratic.
    by_customer: dict[str, list[asyncpg.Record]] = {}
    for r in exposures:
        by_customer.setdefault(r["customer_id"], []).append(r)
    found: dict[str, CreditSituation] = {}
    for customer in wanted:
        rows = by_customer.get(customer, [])
        oldest = min((r["oldest_due_date"] for r in rows if r["oldest_due_date"]), default=None)
        found[customer] = CreditSituation(
            exposures=MappingProxyType({r["currency"]: r["total"] for r in rows}),
            oldest_overdue_days=days_overdue(oldest, as_of),
            net_written_off=net.get(customer, Decimal(0)),
            oldest_due_date=oldest, latest_fact_on=latest.get(customer),
        )
    return found


async def customers_to_sweep(conn: asyncpg.Connection, overdue_since: date) -> list[str]:
    """Customers whose overdue status may have changed with time alone."""
    rows = await conn.fetch(
        "SELECT customer_id FROM customer_exposure WHERE oldest_due_date < $1 "
        "UNION SELECT customer_id FROM credit_hold WHERE NOT released AND reason = 'overdue'",
        overdue_since)
    return sorted(r["customer_id"] for r in rows)


async def credit_view(conn: asyncpg.Connection, customer_id: str) -> dict[str, Any]:
    """Everything the credit view shows, as plain rows."""
    q = {
        "limits": "SELECT currency, amount FROM credit_limit WHERE customer_id = $1 "
                  "ORDER BY currency",
        "exposure": "SELECT currency, open_ar, open_orders, disputed, oldest_due_date "
                    "FROM customer_exposure WHERE customer_id = $1 ORDER BY currency",
        "holds": "SELECT hold_id, reason, detail, placed_by, placed_at, released, released_by, "
                 "release_reason, released_at FROM credit_hold WHERE customer_id = $1 "
                 "ORDER BY placed_at NULLS LAST, hold_id",
        "standing": "SELECT risk_score, paid_invoices, paid_late, total_days_late, "
                    "broken_promises, disputes_opened, net_written_off "
                    "FROM customer_standing WHERE customer_id = $1",
        "limit_history": "SELECT currency, amount, set_by, reason, set_at "
                         "FROM credit_limit_history WHERE customer_id = $1 ORDER BY version",
        "decisions": "SELECT check_id, order_ref, currency, order_amount, decision, reasons, "
                     "exposure, credit_limit, risk_score, decided_at FROM credit_decision "
                     "WHERE customer_id = $1 ORDER BY decided_at DESC LIMIT 50",
    }
    return {name: [dict(r) for r in await conn.fetch(sql, customer_id)]
            for name, sql in q.items()}


async def invoice_view(conn: asyncpg.Connection, invoice_id: str) -> dict[str, Any] | None:
    """One invoice's open amount and status as credit counts it, with its movements by kind."""
    head = await conn.fetchrow("SELECT * FROM invoice WHERE invoice_id = $1", invoice_id)
    if head is None:
        return None
    moved = {r["kind"]: r["amount"] for r in await conn.fetch(
        "SELECT kind, sum(amount) AS amount FROM ar_movement WHERE invoice_id = $1 GROUP BY kind",
        invoice_id)}
    open_amount = head["gross"] + sum(moved.values(), Decimal(0))
    status = invoice_status(
        open_amount=open_amount,
        settled=-moved.get("allocation", 0) - moved.get("allocation_reversal", 0),
        written_off=-moved.get("write_off", 0) - moved.get("recovery", 0),
        cancelled="cancellation" in moved)
    return {"invoice_id": invoice_id, "customer_id": head["customer_id"],
            "currency": head["currency"], "due_date": head["due_date"],
            "open_amount": quantize(open_amount, head["currency"]), "status": status.value,
            "movements": {k: quantize(v, head["currency"]) for k, v in sorted(moved.items())}}
