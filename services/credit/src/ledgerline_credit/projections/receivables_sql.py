"""Storing other services' facts in the read model, each under its own business key (a
redelivery overwrites itself, an early arrival waits), and settling what depends on them."""

from __future__ import annotations

from decimal import Decimal

import asyncpg

from ledgerline_credit.domain.exposure import PaymentBehaviour
from ledgerline_credit.domain.receivables import movement_of
from ledgerline_credit.domain.risk import risk_score
from ledgerline_events.contract import Envelope
from ledgerline_events.contract.collections import (
    DisputeOpened,
    DisputeResolved,
    PromiseToPayBroken,
)
from ledgerline_events.contract.invoicing import InvoiceIssued
from ledgerline_events.contract.sales import OrderCancelled, OrderDelivered, OrderPlaced


class Touched:
    """Invoices and customers whose settled figures must be recomputed after a batch."""

    def __init__(self) -> None:
        self.invoices: set[str] = set()
        self.customers: set[str] = set()


async def record(conn: asyncpg.Connection, envelope: Envelope, touched: Touched) -> None:
    """Store one fact from sales, invoicing, cash application or collections."""
    p = envelope.payload
    if envelope.customer_id:
        touched.customers.add(envelope.customer_id)
    match p:
        case InvoiceIssued():
            await _invoice(conn, p)
            touched.invoices.add(p.invoice_id)
            touched.customers.add(p.customer.customer_id)
        case OrderPlaced():
            await conn.execute(
                "INSERT INTO sales_order (order_id, customer_id, currency, amount) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT (order_id) DO UPDATE "
                "SET currency = EXCLUDED.currency, amount = EXCLUDED.amount",
                p.order_id, p.customer.customer_id, p.amount.currency, p.amount.amount)
            touched.customers.add(p.customer.customer_id)
        case OrderDelivered():
            await _close_order(conn, p.order_id, p.customer.customer_id)
        case OrderCancelled():
            await _close_order(conn, p.order_id, p.customer_id)
        case DisputeOpened():
            await conn.execute(
                "INSERT INTO dispute (dispute_id, customer_id, invoice_id, currency, amount, "
                "opened_on) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dispute_id) DO UPDATE "
                "SET currency = EXCLUDED.currency, amount = EXCLUDED.amount, "
                "opened_on = EXCLUDED.opened_on",
                p.dispute_id, envelope.customer_id or "", p.invoice_id, p.amount.currency,
                p.amount.amount, p.opened_on)
        case DisputeResolved():
            await conn.execute(
                "INSERT INTO dispute (dispute_id, customer_id, invoice_id, resolved, resolved_on) "
                "VALUES ($1, $2, $3, true, $4) ON CONFLICT (dispute_id) DO UPDATE "
                "SET resolved = true, resolved_on = EXCLUDED.resolved_on",
                p.dispute_id, envelope.customer_id or "", p.invoice_id, p.resolved_on)
        case PromiseToPayBroken():
            await conn.execute(
                "INSERT INTO broken_promise (promise_id, customer_id, broken_on) "
                "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                p.promise_id, envelope.customer_id or "", p.broken_on)
        case _:
            await _movement(conn, envelope, touched)


async def _invoice(conn: asyncpg.Connection, p: InvoiceIssued) -> None:
    await conn.execute(
        "INSERT INTO invoice (invoice_id, customer_id, currency, gross, due_date, "
        "sales_order_id, open_amount, issued_on) VALUES ($1, $2, $3, $4, $5, $6, $4, $7) "
        "ON CONFLICT (invoice_id) DO NOTHING",
        p.invoice_id, p.customer.customer_id, p.currency, p.gross_total.amount, p.due_date,
        p.sales_order_id, p.issue_date)
    if p.sales_order_id is not None:
        # The invoice replaces the order in exposure, even if the delivery was never seen.
        await _close_order(conn, p.sales_order_id, p.customer.customer_id)


async def _close_order(conn: asyncpg.Connection, order_id: str, customer_id: str) -> None:
    await conn.execute(
        "INSERT INTO sales_order (order_id, customer_id, closed) VALUES ($1, $2, true) "
        "ON CONFLICT (order_id) DO UPDATE SET closed = true", order_id, customer_id)


async def _movement(conn: asyncpg.Connection, envelope: Envelope, touched: Touched) -> None:
    m = movement_of(envelope)
    if m is None:
        return
    await conn.execute(
        "INSERT INTO ar_movement (movement_key, kind, ref, invoice_id, customer_id, currency, "
        "amount, on_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (movement_key) DO NOTHING",
        m.key, m.kind.value, m.ref, m.invoice_id, m.customer_id or None, m.currency, m.amount,
        m.on)
    touched.invoices.add(m.invoice_id)


SETTLE_INVOICES = ("""
UPDATE ar_movement m SET customer_id = i.customer_id
  FROM invoice i WHERE m.invoice_id = i.invoice_id AND m.customer_id IS NULL
   AND i.invoice_id = ANY($1::text[])""", """
UPDATE invoice i SET open_amount = greatest(i.gross + coalesce(
    (SELECT sum(m.amount) FROM ar_movement m WHERE m.invoice_id = i.invoice_id), 0), 0)
 WHERE i.invoice_id = ANY($1::text[])""", """
UPDATE invoice i SET paid_on = CASE WHEN i.open_amount > 0 THEN NULL ELSE (
    SELECT max(a.on_date) FROM ar_movement a
     WHERE a.invoice_id = i.invoice_id AND a.kind = 'allocation'
       AND NOT EXISTS (SELECT 1 FROM ar_movement r
                        WHERE r.kind = 'allocation_reversal' AND r.ref = a.ref)) END
 WHERE i.invoice_id = ANY($1::text[])
""")

SETTLE_EXPOSURE = (
    "DELETE FROM customer_exposure WHERE customer_id = ANY($1::text[])", """
INSERT INTO customer_exposure (customer_id, currency, open_ar, open_orders, disputed,
                               oldest_due_date)
SELECT customer_id, currency, sum(open_ar), sum(open_orders), sum(disputed), min(oldest_due)
  FROM (SELECT customer_id, currency, open_amount AS open_ar, 0 AS open_orders, 0 AS disputed,
               CASE WHEN open_amount > 0 THEN due_date END AS oldest_due
          FROM invoice WHERE customer_id = ANY($1::text[])
        UNION ALL
        SELECT customer_id, currency, 0, amount, 0, NULL FROM sales_order
         WHERE customer_id = ANY($1::text[]) AND amount IS NOT NULL AND NOT closed
        UNION ALL
        SELECT customer_id, currency, 0, 0, amount, NULL FROM dispute
         WHERE customer_id = ANY($1::text[]) AND amount IS NOT NULL AND NOT resolved) facts
 GROUP BY customer_id, currency
""")

BEHAVIOUR = """
SELECT c.customer_id,
  (SELECT count(*) FROM invoice i WHERE i.customer_id = c.customer_id
      AND i.paid_on IS NOT NULL) AS paid_invoices,
  (SELECT count(*) FROM invoice i WHERE i.customer_id = c.customer_id
      AND i.paid_on > i.due_date) AS paid_late,
  (SELECT coalesce(sum(i.paid_on - i.due_date), 0) FROM invoice i
    WHERE i.customer_id = c.customer_id AND i.paid_on > i.due_date) AS total_days_late,
  (SELECT count(*) FROM broken_promise b WHERE b.customer_id = c.customer_id) AS broken,
  (SELECT count(*) FROM dispute d WHERE d.customer_id = c.customer_id
      AND d.amount IS NOT NULL) AS disputes,
  (SELECT coalesce(-sum(m.amount), 0) FROM ar_movement m WHERE m.customer_id = c.customer_id
      AND m.kind IN ('write_off', 'recovery')) AS net_written_off
FROM unnest($1::text[]) AS c(customer_id)
"""


async def settle(conn: asyncpg.Connection, touched: Touched) -> None:
    """Recompute open amounts, then each touched customer's exposure and standing."""
    invoices = sorted(touched.invoices)
    if invoices:
        for statement in SETTLE_INVOICES:
            await conn.execute(statement, invoices)
        owners = await conn.fetch(
            "SELECT DISTINCT customer_id FROM invoice WHERE invoice_id = ANY($1::text[])",
            invoices)
        touched.customers.update(r["customer_id"] for r in owners)
    customers = sorted(c for c in touched.customers if c)
    if not customers:
        return
    for statement in SETTLE_EXPOSURE:
        await conn.execute(statement, customers)
    await _settle_standing(conn, customers)


async def _settle_standing(conn: asyncpg.Connection, customers: list[str]) -> None:
    rows = await conn.fetch(BEHAVIOUR, customers)
    await conn.executemany(
        "INSERT INTO customer_standing (customer_id, risk_score, paid_invoices, paid_late, "
        "total_days_late, broken_promises, disputes_opened, net_written_off) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (customer_id) DO UPDATE SET "
        "risk_score = EXCLUDED.risk_score, paid_invoices = EXCLUDED.paid_invoices, "
        "paid_late = EXCLUDED.paid_late, total_days_late = EXCLUDED.total_days_late, "
        "broken_promises = EXCLUDED.broken_promises, "
        "disputes_opened = EXCLUDED.disputes_opened, net_written_off = EXCLUDED.net_written_off",
        [_standing(r) for r in rows])


def _standing(r: asyncpg.Record) -> tuple[object, ...]:
    behaviour = PaymentBehaviour(
        paid_invoices=r["paid_invoices"], paid_late=r["paid_late"],
        total_days_late=int(r["total_days_late"]), broken_promises=r["broken"],
        disputes_opened=r["disputes"])
    return (r["customer_id"], risk_score(behaviour), behaviour.paid_invoices,
            behaviour.paid_late, behaviour.total_days_late, behaviour.broken_promises,
            behaviour.disputes_opened, Decimal(r["net_written_off"]))

