"""Credit's view for BI tools (schema `credit_reporting_v1`, runtime/reporting.py): each
customer's exposure per currency against its limit, and whether it is on hold."""

from __future__ import annotations

from ledgerline_events.runtime.reporting import ReportingView

REPORTING_VIEWS = (
    ReportingView(
        "credit_exposure", "One row per customer and currency: open receivables, open orders, "
        "disputed, the exposure, the credit limit and what is still free under it (null: no limit "
        "set, as domain.decision.available_credit says) and whether a hold is in force.",
        "SELECT e.customer_id, e.currency, e.open_ar, e.open_orders, e.disputed, "
        "e.oldest_due_date, l.amount AS credit_limit, "
        "e.open_ar + e.open_orders AS exposure, "
        "GREATEST(l.amount - e.open_ar - e.open_orders, 0) AS available_credit, "
        "EXISTS (SELECT 1 FROM credit_hold h WHERE h.customer_id = e.customer_id "
        "AND NOT h.released) AS on_hold "
        "FROM customer_exposure e LEFT JOIN credit_limit l USING (customer_id, currency)"),
)
