"""A customer's standing as of a business date, for a credit check dated that day: open AR,
oldest open due date, disputed amount and risk score from the facts dated up to it (invoices
issued, movements, disputes opened and not yet resolved, promises broken by then). Open
orders are those open now: an order has no business date in the read model, and the order
being checked is today's question anyway. Rows stored before the business-date columns
existed have none and count as always there."""

from __future__ import annotations

from datetime import date

import asyncpg

from ledgerline_credit.domain.exposure import PaymentBehaviour
from ledgerline_credit.domain.risk import risk_score

from .read_model import StandingInCurrency

# $1 customer, $2 currency, $3 order being checked, $4 the business date.
STANDING_AS_OF = """
WITH dated AS (
    SELECT i.invoice_id, i.currency, i.due_date, greatest(i.gross + coalesce(
        (SELECT sum(m.amount) FROM ar_movement m
          WHERE m.invoice_id = i.invoice_id AND m.on_date <= $4), 0), 0) AS open_amount
    FROM invoice i
    WHERE i.customer_id = $1 AND (i.issued_on IS NULL OR i.issued_on <= $4))
SELECT
  (SELECT coalesce(sum(open_amount), 0) FROM dated WHERE currency = $2) AS open_ar,
  (SELECT min(due_date) FROM dated WHERE open_amount > 0) AS oldest_due_date,
  (SELECT coalesce(sum(o.amount), 0) FROM sales_order o
    WHERE o.customer_id = $1 AND o.currency = $2 AND o.amount IS NOT NULL AND NOT o.closed
      AND o.order_id <> $3) AS open_orders,
  (SELECT coalesce(sum(d.amount), 0) FROM dispute d
    WHERE d.customer_id = $1 AND d.currency = $2 AND d.amount IS NOT NULL
      AND (d.opened_on IS NULL OR d.opened_on <= $4)
      AND NOT (d.resolved AND (d.resolved_on IS NULL OR d.resolved_on <= $4))) AS disputed
"""

# Paid as of $2: nothing open that day and an allocation dated by then not reversed by then;
# paid on the latest such allocation.
BEHAVIOUR_AS_OF = """
WITH paid AS (
    SELECT i.invoice_id, i.due_date, (
        SELECT max(a.on_date) FROM ar_movement a
         WHERE a.invoice_id = i.invoice_id AND a.kind = 'allocation' AND a.on_date <= $2
           AND NOT EXISTS (SELECT 1 FROM ar_movement r WHERE r.kind = 'allocation_reversal'
                           AND r.ref = a.ref AND r.on_date <= $2)) AS paid_on
    FROM invoice i
    WHERE i.customer_id = $1 AND (i.issued_on IS NULL OR i.issued_on <= $2)
      AND i.gross + coalesce((SELECT sum(m.amount) FROM ar_movement m
                               WHERE m.invoice_id = i.invoice_id AND m.on_date <= $2), 0) <= 0)
SELECT
  (SELECT count(*) FROM paid WHERE paid_on IS NOT NULL) AS paid_invoices,
  (SELECT count(*) FROM paid WHERE paid_on > due_date) AS paid_late,
  (SELECT coalesce(sum(paid_on - due_date), 0) FROM paid WHERE paid_on > due_date) AS days_late,
  (SELECT count(*) FROM broken_promise b WHERE b.customer_id = $1
      AND (b.broken_on IS NULL OR b.broken_on <= $2)) AS broken,
  (SELECT count(*) FROM dispute d WHERE d.customer_id = $1 AND d.amount IS NOT NULL
      AND (d.opened_on IS NULL OR d.opened_on <= $2)) AS disputes
"""


async def standing_as_of(conn: asyncpg.Connection, customer_id: str, currency: str,
                         order_ref: str, day: date) -> StandingInCurrency:
    """The standing a credit check dated `day` decides on (search_path: the read schema)."""
    row = await conn.fetchrow(STANDING_AS_OF, customer_id, currency, order_ref, day)
    assert row is not None
    return StandingInCurrency(
        open_ar=row["open_ar"], open_orders=row["open_orders"], disputed=row["disputed"],
        oldest_open_due_date=row["oldest_due_date"],
        risk_score=await risk_score_as_of(conn, customer_id, day))


async def risk_score_as_of(conn: asyncpg.Connection, customer_id: str, day: date) -> int:
    """The documented risk score on the customer's behaviour up to `day`."""
    r = await conn.fetchrow(BEHAVIOUR_AS_OF, customer_id, day)
    assert r is not None
    return risk_score(PaymentBehaviour(
        paid_invoices=r["paid_invoices"], paid_late=r["paid_late"],
        total_days_late=int(r["days_late"]), broken_promises=r["broken"],
        disputes_opened=r["disputes"]))


