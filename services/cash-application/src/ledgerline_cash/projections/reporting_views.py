"""Cash application's views for BI tools (schema `cash_application_reporting_v1`,
runtime/reporting.py): payments and their allocations. Who paid (name, bank account) is
personal data and stays out."""

from __future__ import annotations

from ledgerline_events.runtime.reporting import ReportingView

REPORTING_VIEWS = (
    ReportingView(
        "payments", "One row per payment received: what was allocated, refunded, reversed, and "
        "what is still unapplied.",
        "SELECT payment_id, customer_id, currency, amount, allocated, refunded, reversed_amount, "
        "unapplied, received_on, received_at, method, statement_ref, entry_ref FROM payment"),
    ReportingView(
        "allocations", "One row per allocation of a payment to an invoice (reversed_on set "
        "once reversed).",
        "SELECT allocation_id, payment_id, invoice_id, customer_id, currency, amount, discount, "
        "match_reason, allocated_on, reversed_on, reversal_reason FROM allocation"),
)
