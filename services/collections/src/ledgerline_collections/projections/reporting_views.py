"""Collections' views for BI tools (schema `collections_reporting_v1`, runtime/reporting.py):
open items and the ageing as of today (UTC), dunning letters, disputes and promises to pay.
Letter texts, call notes and contacts are personal data and stay out."""

from __future__ import annotations

from ledgerline_events.runtime.reporting import ReportingView

from ..domain.ageing import AgeingBuckets

TODAY = "(now() AT TIME ZONE 'UTC')::date"


def bucket_of(buckets: AgeingBuckets, days: str) -> str:
    """The SQL of AgeingBuckets.bucket_for over `days` (the same labels, the same bounds)."""
    whens, lower = [f"WHEN {days} <= 0 THEN 'current'"], 1
    for upper in buckets.upper_bounds:
        whens.append(f"WHEN {days} <= {upper} THEN '{lower}-{upper}'")
        lower = upper + 1
    return f"CASE {' '.join(whens)} ELSE 'over_{buckets.upper_bounds[-1]}' END"


def reporting_views(buckets: AgeingBuckets) -> tuple[ReportingView, ...]:
    days = f"({TODAY} - i.due_date)"
    return (
        ReportingView(
            "open_items", "One row per invoice with something open today: its open amount, "
            "days overdue and ageing bucket.",
            "SELECT i.invoice_id, i.invoice_number, i.customer_id, c.name AS customer_name, "
            f"i.currency, i.issue_date, i.due_date, b.open_amount, GREATEST({days}, 0) "
            f"AS days_overdue, {bucket_of(buckets, days)} AS ageing_bucket "
            "FROM invoice i JOIN invoice_balance b USING (invoice_id) "
            "LEFT JOIN customer c USING (customer_id) WHERE b.open_amount <> 0"),
        ReportingView(
            "ageing", "The ageing today: per currency and bucket, the open amount and how many "
            "invoices make it.",
            "SELECT i.currency, "
            f"{bucket_of(buckets, days)} AS ageing_bucket, count(*) AS invoices, "
            "sum(b.open_amount) AS open_amount "
            "FROM invoice i JOIN invoice_balance b USING (invoice_id) "
            "WHERE b.open_amount <> 0 GROUP BY 1, 2"),
        ReportingView(
            "dunning_letters", "One row per dunning letter: level, date, amount and how it was "
            "delivered (voided_on set once voided).",
            "SELECT reminder_id, customer_id, currency, level, run_date, language, total, "
            "voided_on, delivery, delivered_at FROM reminder"),
        ReportingView(
            "disputes", "One row per dispute on an invoice, open or resolved.",
            "SELECT dispute_id, invoice_id, customer_id, amount, currency, reason, opened_on, "
            "status, outcome, resolved_on FROM dispute"),
        ReportingView(
            "promises", "One row per promise to pay: amount, date, and whether it was kept.",
            "SELECT promise_id, customer_id, amount, currency, promised_date, recorded_on, "
            "status, kept_on, broken_on, amount_short FROM promise"),
    )
