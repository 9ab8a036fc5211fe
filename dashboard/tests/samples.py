"""Answers of the services' read APIs, shaped as they really answer (captured from a run)."""

from __future__ import annotations

from typing import Any

BUCKETS = ["current", "1-30", "31-60", "61-90", "over_90"]


def buckets(current: str = "0", d30: str = "0", d60: str = "0", d90: str = "0",
            over: str = "0") -> dict[str, str]:
    return dict(zip(BUCKETS, [current, d30, d60, d90, over], strict=True))


AGEING: dict[str, Any] = {
    "as_of": "2026-11-25T01:28:12+00:00", "as_of_date": "2026-11-25", "buckets": BUCKETS,
    "currencies": {
        "EUR": {"buckets": buckets("480.00", "600.00", "849.90", "0", "1000.00"), "total": "2929.90"},
        "GBP": {"buckets": buckets(d90="3000.00"), "total": "3000.00"},
    },
    "customers": {
        "C-ACME": {"EUR": {"buckets": buckets("480.00", "0", "849.90", "0", "1000.00"), "total": "2329.90"}},
        "C-DELTA": {"EUR": {"buckets": buckets(d30="600.00"), "total": "600.00"}},
        "C-CROWN": {"GBP": {"buckets": buckets(d90="3000.00"), "total": "3000.00"}},
        "C-NEW": {"EUR": {"buckets": buckets("75.00"), "total": "75.00"}},
    },
    "customer_count": 4,
    "page": {"order": "overdue", "limit": 5, "after": None, "next_after": None,
             "ranking": {"EUR": ["C-ACME", "C-DELTA"], "GBP": ["C-CROWN"]}},
}

AGEING_OCT: dict[str, Any] = {
    "as_of": "2026-10-01T23:59:59+00:00", "as_of_date": "2026-10-01", "buckets": BUCKETS,
    "currencies": {"EUR": {"buckets": buckets("849.90", "0", "1200.00"), "total": "2049.90"}},
    "customers": {}, "customer_count": 3,
    "page": {"order": "customer_id", "limit": 0, "after": None, "next_after": None},
}

WORKLIST = [
    {"customer_id": "C-ACME", "currency": "EUR", "score": "54.34", "overdue_amount": "1849.90",
     "oldest_days_overdue": 100, "broken_promises": 1, "dunning_level": "friendly_reminder"},
    {"customer_id": "C-BOLT", "currency": "USD", "score": "41.35", "overdue_amount": "2000.00",
     "oldest_days_overdue": 20, "broken_promises": 0, "dunning_level": None},
]

DISPUTES = [
    {"dispute_id": "dsp-2", "invoice_id": "inv-5", "customer_id": "C-CROWN", "amount": "1000.00",
     "currency": "GBP", "reason": "quality_complaint", "description": "torn fabric",
     "opened_on": "2026-11-25", "status": "open", "outcome": None, "note": None, "resolved_on": None},
    {"dispute_id": "dsp-1", "invoice_id": "inv-1", "customer_id": "C-ACME", "amount": "120.50",
     "currency": "EUR", "reason": "goods_not_received", "description": "",
     "opened_on": "2026-11-02", "status": "open", "outcome": None, "note": None, "resolved_on": None},
    {"dispute_id": "dsp-0", "invoice_id": "inv-0", "customer_id": "C-ACME", "amount": "99.99",
     "currency": "EUR", "reason": "other", "description": "", "opened_on": "2026-10-02",
     "status": "resolved", "outcome": "credit_note", "note": "ok", "resolved_on": "2026-10-05"},
]


def money(amount: str, currency: str) -> dict[str, str]:
    return {"amount": amount, "currency": currency}


UNAPPLIED = {"payments": [
    {"payment_id": "PAY-1", "customer_id": None, "amount": money("275.50", "EUR"),
     "unapplied": money("275.50", "EUR"), "allocated": money("0", "EUR"),
     "refunded": money("0", "EUR"), "reversed": False, "received_on": "2026-11-23",
     "method": "bank_transfer", "payer_name": "J. Smith", "payer_account": "",
     "remittance": "thanks", "statement_ref": None, "entry_ref": None},
    {"payment_id": "PAY-2", "customer_id": "C-ACME", "amount": money("1500.00", "EUR"),
     "unapplied": money("300.00", "EUR"), "allocated": money("1200.00", "EUR"),
     "refunded": money("0", "EUR"), "reversed": False, "received_on": "2026-11-20",
     "method": "card", "payer_name": "Acme", "payer_account": "", "remittance": "INV-1",
     "statement_ref": None, "entry_ref": None},
    {"payment_id": "PAY-3", "customer_id": "C-BOLT", "amount": money("10.00", "USD"),
     "unapplied": money("0", "USD"), "allocated": money("10.00", "USD"),
     "refunded": money("0", "USD"), "reversed": False, "received_on": "2026-11-20",
     "method": "cheque", "payer_name": "Bolt", "payer_account": "", "remittance": "",
     "statement_ref": None, "entry_ref": None},
]}


def kpi_report(dso: str | None, cei: str | None) -> dict[str, Any]:
    return {"from": "2026-11-01", "to": "2026-11-25", "days": 25, "dso_method": "countback",
            "currencies": {"EUR": {
                "opening_ar": "2649.90", "closing_ar": "2329.90", "closing_current_ar": "480.00",
                "credit_sales": "480.00", "dso_countback": dso, "dso_standard": None,
                "cei_percent": cei, "disputed": "0", "written_off": "200.00", "recovered": "0"}}}


ACCOUNT = {
    "customer_id": "C-ACME", "name": "Acme Tools GmbH", "language": "en",
    "open_items": [
        {"invoice_id": "inv-3", "invoice_number": "INV-2026-000003", "currency": "EUR",
         "due_date": "2026-12-15", "open_amount": "480.00", "days_overdue": -20, "bucket": "current"},
        {"invoice_id": "inv-1", "invoice_number": "INV-2026-000001", "currency": "EUR",
         "due_date": "2026-08-17", "open_amount": "1000.00", "days_overdue": 100, "bucket": "over_90"},
        {"invoice_id": "inv-9", "invoice_number": "INV-2026-000009", "currency": "USD",
         "due_date": "2026-11-25", "open_amount": "12.345", "days_overdue": 0, "bucket": "current"},
    ],
    "ageing": {},
    "dunning_history": [
        {"reminder_id": "rem-1", "customer_id": "C-ACME", "currency": "EUR",
         "level": "friendly_reminder", "run_date": "2026-11-01", "language": "en",
         "total": "1200.00", "letter": "Dear Acme", "invoices": [{"invoice_id": "inv-1"}]},
        {"reminder_id": "rem-2", "customer_id": "C-ACME", "currency": "EUR", "level": "reminder",
         "run_date": "2026-11-15", "language": "en", "total": "1000.00", "letter": "Dear Acme, again",
         "invoices": [{"invoice_id": "inv-1"}]},
    ],
    "disputes": [DISPUTES[2]],
    "promises": [{"promise_id": "ptp-1", "customer_id": "C-ACME", "invoice_ids": ["inv-2"],
                  "amount": "849.90", "currency": "EUR", "promised_date": "2026-11-10",
                  "recorded_on": "2026-11-01", "recorded_by": "anna", "status": "broken",
                  "kept_on": None, "broken_on": "2026-11-11", "amount_short": "849.90"}],
    "calls": [{"call_id": "c1", "customer_id": "C-ACME", "contact_person": "Mr Acme",
               "outcome": "promise_to_pay", "note": "will pay", "called_at": "2026-11-01T10:00:00+00:00",
               "collector": "anna"}],
    "write_offs": [{"write_off_id": "wo-1", "invoice_id": "inv-1", "customer_id": "C-ACME",
                    "amount": "200.00", "currency": "EUR", "reason": "goodwill", "approver": "cfo",
                    "written_off_on": "2026-11-25", "recovered": "50.00"}],
}

CREDIT = {
    "customer_id": "C-ACME",
    "currencies": [
        {"currency": "EUR", "limit": "2000.00", "open_ar": "2329.90", "open_orders": "0.00",
         "exposure": "2329.90", "available": "-329.90", "disputed": "0.00"},
        {"currency": "USD", "limit": None, "open_ar": "12.35", "open_orders": "100.00",
         "exposure": "112.35", "available": None, "disputed": "0.00"},
    ],
    "oldest_overdue_days": 100, "risk_score": 37,
    "payment_behaviour": {"paid_invoices": 2, "broken_promises": 1},
    "active_holds": [{"hold_id": "overdue-1", "reason": "overdue",
                      "detail": "invoice overdue 100 days (threshold 60)", "placed_by": "credit-rules",
                      "placed_at": "2026-11-25T01:28:04+00:00", "released": False}],
    "released_holds": [], "limit_history": [], "recent_decisions": [],
}

BALANCE = {"customer_id": "C-ACME", "currencies": [
    {"currency": "EUR", "balance": money("2329.90", "EUR"), "unapplied_cash": money("300.00", "EUR"),
     "invoices": {"issued": money("2529.90", "EUR"), "allocated": money("0", "EUR")},
     "payments": {"received": money("1500.00", "EUR")}},
    {"currency": "USD", "balance": money("12.35", "USD"), "unapplied_cash": money("0", "USD"),
     "invoices": {"issued": money("12.35", "USD"), "allocated": money("0", "USD")}},
]}
