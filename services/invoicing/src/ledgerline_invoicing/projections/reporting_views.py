"""Invoicing's views for BI tools (schema `invoicing_reporting_v1`, runtime/reporting.py): the
invoice register and each invoice's history with who acted."""

from __future__ import annotations

from ledgerline_events.runtime.reporting import ReportingView

REPORTING_VIEWS = (
    ReportingView(
        "invoices", "One row per invoice: its figures as cleared, and its status now.",
        "SELECT invoice_id, invoice_number, customer_id, customer_name, sales_order_id, currency, "
        "issue_date, due_date, net_total, tax_total, gross_total, credited, settled, written_off, "
        "outstanding, status, issued_at FROM invoice"),
    ReportingView(
        "invoice_history", "One row per fact on an invoice (issued, credited, allocated...), "
        "with who acted.",
        "SELECT invoice_id, kind, on_date, amount, discount, currency, reference, detail, "
        "occurred_at, actor, actor_kind FROM invoice_entry"),
)
