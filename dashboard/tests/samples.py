"""Answers of the services' read APIs, shaped as they really answer (captured from a run).
tests/contract/test_dashboard_samples.py holds each one to the response model of the route
the dashboard reads it from: a field the service adds must be added here too."""

from __future__ import annotations

from typing import Any

BUCKETS = ["current", "1-30", "31-60", "61-90", "over_90"]


def buckets(current: str = "0.00", d30: str = "0.00", d60: str = "0.00", d90: str = "0.00",
            over: str = "0.00") -> dict[str, str]:
    return dict(zip(BUCKETS, [current, d30, d60, d90, over], strict=True))


# `GET /ageing?order=overdue&limit=5`: totals of every customer (C-NEW, owing GBP 75.00 not
# yet due, is counted but not listed), and each currency's most overdue customers.
AGEING: dict[str, Any] = {
    "as_of": "2026-11-25T01:28:12.481203+00:00", "as_of_date": "2026-11-25", "known_at": None,
    "buckets": BUCKETS,
    "currencies": {
        "EUR": {"buckets": buckets("480.00", "600.00", "849.90", "0.00", "1000.00"), "total": "2929.90"},
        "GBP": {"buckets": buckets("75.00", d90="3000.00"), "total": "3075.00"},
    },
    "customers": {
        "C-ACME": {"EUR": {"buckets": buckets("480.00", "0.00", "849.90", "0.00", "1000.00"),
                           "total": "2329.90"}},
        "C-DELTA": {"EUR": {"buckets": buckets(d30="600.00"), "total": "600.00"}},
        "C-CROWN": {"GBP": {"buckets": buckets(d90="3000.00"), "total": "3000.00"}},
    },
    "customer_count": 4,
    "page": {"order": "overdue", "limit": 5, "after": None, "next_after": None,
             "ranking": {"EUR": ["C-ACME", "C-DELTA"], "GBP": ["C-CROWN"]}},
}

# `GET /ageing?as_of=2026-10-01&limit=0`: totals only, as of the end of that day.
AGEING_OCT: dict[str, Any] = {
    "as_of": "2026-10-01T23:59:59.999999+00:00", "as_of_date": "2026-10-01", "known_at": None,
    "buckets": BUCKETS,
    "currencies": {"EUR": {"buckets": buckets("849.90", "0.00", "1200.00"), "total": "2049.90"}},
    "customers": {}, "customer_count": 3,
    "page": {"order": "customer_id", "limit": 0, "after": None, "next_after": None},
}

WORKLIST = [
    {"customer_id": "C-ACME", "currency": "EUR", "score": "54.34", "overdue_amount": "1849.90",
     "oldest_days_overdue": 100, "broken_promises": 1, "dunning_level": "friendly_reminder"},
    {"customer_id": "C-BOLT", "currency": "USD", "score": "41.35", "overdue_amount": "2000.00",
     "oldest_days_overdue": 20, "broken_promises": 0, "dunning_level": None},
]

# The dispute register, oldest first.
DISPUTES = [
    {"dispute_id": "dsp-0", "invoice_id": "inv-0", "customer_id": "C-ACME", "amount": "99.99",
     "currency": "EUR", "reason": "other", "description": "", "opened_on": "2026-10-02",
     "status": "resolved", "outcome": "credit_note", "note": "ok", "resolved_on": "2026-10-05",
     "delivered_on": "2026-09-28", "proof_of_delivery": {
         "carrier": "DHL", "reference": "JD014600006281230704", "document_url": None}},
    {"dispute_id": "dsp-1", "invoice_id": "inv-1", "customer_id": "C-ACME", "amount": "120.50",
     "currency": "EUR", "reason": "goods_not_received", "description": "",
     "opened_on": "2026-11-02", "status": "open", "outcome": None, "note": None, "resolved_on": None,
     "delivered_on": None, "proof_of_delivery": None},
    {"dispute_id": "dsp-2", "invoice_id": "inv-5", "customer_id": "C-CROWN", "amount": "1000.00",
     "currency": "GBP", "reason": "quality_complaint", "description": "torn fabric",
     "opened_on": "2026-11-25", "status": "open", "outcome": None, "note": None, "resolved_on": None,
     "delivered_on": None, "proof_of_delivery": None},
]


def money(amount: str, currency: str) -> dict[str, str]:
    return {"amount": amount, "currency": currency}


# Cash waiting for a person: unidentified payers first (with what was tried), then credit
# on account; a payment fully applied is not listed.
UNAPPLIED = {"payments": [
    {"payment_id": "PAY-1", "customer_id": None, "amount": money("275.50", "EUR"),
     "unapplied": money("275.50", "EUR"), "allocated": money("0.00", "EUR"),
     "refunded": money("0.00", "EUR"), "reversed": False, "received_on": "2026-11-23",
     "method": "bank_transfer", "payer_name": "J. Smith", "payer_account": "",
     "remittance": "thanks", "statement_ref": None, "entry_ref": None,
     "identification": {
         "tried": ["the remittance names no open invoice number",
                   "the bank gave no paying account", "no open invoice is of 275.50 EUR"],
         "named_invoices": {}, "account_known_for": None, "same_amount_customers": []}},
    {"payment_id": "PAY-2", "customer_id": "C-ACME", "amount": money("1500.00", "EUR"),
     "unapplied": money("300.00", "EUR"), "allocated": money("1200.00", "EUR"),
     "refunded": money("0.00", "EUR"), "reversed": False, "received_on": "2026-11-20",
     "method": "card", "payer_name": "Acme", "payer_account": "", "remittance": "INV-1",
     "statement_ref": None, "entry_ref": None, "identification": None},
]}


def kpi_report(dso: str | None, cei: str | None) -> dict[str, Any]:
    return {"from": "2026-11-01", "to": "2026-11-25", "days": 25, "dso_method": "countback",
            "currencies": {"EUR": {
                "opening_ar": "2649.90", "closing_ar": "2329.90", "closing_current_ar": "480.00",
                "credit_sales": "480.00", "dso_countback": dso, "dso_standard": None,
                "cei_percent": cei, "disputed": "120.50", "written_off": "200.00", "recovered": "0"}}}


def _reminded(reminder_id: str, level: str, run_date: str, days: int, open_amount: str
              ) -> dict[str, Any]:
    return {"reminder_id": reminder_id, "invoice_id": "inv-1", "level": level,
            "days_overdue": days, "open_amount": open_amount, "run_date": run_date}


# `GET /customers/C-ACME` (now): a bucket nothing was added to reads "0".
ACCOUNT = {
    "customer_id": "C-ACME", "as_of": "2026-11-25T01:28:12.481203+00:00", "known_at": None,
    "name": "Acme Tools GmbH", "language": "en",
    "open_items": [
        {"invoice_id": "inv-3", "invoice_number": "INV-2026-000003", "currency": "EUR",
         "due_date": "2026-12-15", "open_amount": "480.00", "days_overdue": -20, "bucket": "current"},
        {"invoice_id": "inv-1", "invoice_number": "INV-2026-000001", "currency": "EUR",
         "due_date": "2026-08-17", "open_amount": "1000.00", "days_overdue": 100, "bucket": "over_90"},
        {"invoice_id": "inv-9", "invoice_number": "INV-2026-000009", "currency": "USD",
         "due_date": "2026-11-25", "open_amount": "12.35", "days_overdue": 0, "bucket": "current"},
    ],
    "ageing": {
        "EUR": {"buckets": buckets("480.00", "0", "0", "0", "1000.00"), "total": "1480.00"},
        "USD": {"buckets": buckets("12.35", "0", "0", "0", "0"), "total": "12.35"},
    },
    "dunning_history": [
        {"reminder_id": "rem-1", "customer_id": "C-ACME", "currency": "EUR",
         "level": "friendly_reminder", "run_date": "2026-11-01", "language": "en",
         "total": "1200.00", "letter": "Dear Acme", "voided_on": None, "voided_by": None,
         "void_reason": None, "delivery": "print", "delivered_at": "2026-11-01T06:00:02+00:00",
         "delivery_detail": "no contact with an e-mail address",
         "invoices": [_reminded("rem-1", "friendly_reminder", "2026-11-01", 76, "1200.00")]},
        {"reminder_id": "rem-2", "customer_id": "C-ACME", "currency": "EUR", "level": "reminder",
         "run_date": "2026-11-15", "language": "en", "total": "1000.00", "letter": "Dear Acme, again",
         "voided_on": None, "voided_by": None, "void_reason": None, "delivery": "emailed",
         "delivered_at": "2026-11-15T06:00:03+00:00", "delivery_detail": "to contact ap",
         "invoices": [_reminded("rem-2", "reminder", "2026-11-15", 90, "1000.00")]},
    ],
    "disputes": [DISPUTES[0], DISPUTES[1]],
    "promises": [{"promise_id": "ptp-1", "customer_id": "C-ACME", "invoice_ids": ["inv-2"],
                  "amount": "849.90", "currency": "EUR", "promised_date": "2026-11-10",
                  "recorded_on": "2026-11-01", "recorded_by": "anna", "status": "broken",
                  "kept_on": None, "broken_on": "2026-11-11", "amount_short": "849.90",
                  "delivery": None, "delivered_at": None, "delivery_detail": None}],
    "calls": [{"call_id": "c1", "customer_id": "C-ACME", "contact_person": "Mr Acme",
               "outcome": "promise_to_pay", "note": "will pay", "called_at": "2026-11-01T10:00:00+00:00",
               "collector": "anna"}],
    "write_offs": [{"write_off_id": "wo-1", "invoice_id": "inv-1", "customer_id": "C-ACME",
                    "amount": "200.00", "currency": "EUR", "reason": "goodwill", "approver": "cfo",
                    "written_off_on": "2026-11-25", "recovered": "50.00"}],
    "invoice_copies": [{"copy_id": "copy-1", "invoice_id": "inv-1", "requested_by": "anna",
                        "reason": "never received the invoice",
                        "requested_at": "2026-11-02T09:30:00+00:00", "delivery": "emailed",
                        "delivered_at": "2026-11-02T09:31:00+00:00",
                        "delivery_detail": "to contact ap"}],
    "late_interest": [{"invoice_id": "inv-1", "days_accrued": 40,
                       "interest": money("16.68", "EUR"), "indemnity": money("40.00", "EUR"),
                       "total": money("56.68", "EUR")}],
    "handovers": [{"handover_id": "ho-1", "currency": "EUR", "agency": "Recouvra SAS",
                   "invoice_ids": ["inv-1", "inv-2"], "total": money("1200.00", "EUR"),
                   "handed_over_on": "2026-11-20", "decided_by": "cfo"}],
}

# Credit writes its instants as pydantic does: UTC as "Z".
CREDIT = {
    "customer_id": "C-ACME",
    "currencies": [
        {"currency": "EUR", "limit": "2000.00", "open_ar": "2329.90", "open_orders": "0.00",
         "exposure": "2329.90", "available": "-329.90", "disputed": "120.50"},
        {"currency": "USD", "limit": None, "open_ar": "12.35", "open_orders": "100.00",
         "exposure": "112.35", "available": None, "disputed": "0.00"},
    ],
    "oldest_overdue_days": 100, "risk_score": 37,
    "payment_behaviour": {"paid_invoices": 2, "paid_late": 1, "total_days_late": 12,
                          "broken_promises": 1, "disputes_opened": 2, "net_written_off": "150.00"},
    "active_holds": [{"hold_id": "overdue-1", "reason": "overdue",
                      "detail": "invoice overdue 100 days (threshold 60)", "placed_by": "credit-rules",
                      "placed_at": "2026-11-25T01:28:04.118530Z", "released": False,
                      "released_by": None, "release_reason": None, "released_at": None}],
    "released_holds": [],
    "limit_history": [{"currency": "EUR", "amount": "2000.00", "set_by": "fay",
                       "reason": "annual review", "set_at": "2026-09-01T08:00:00Z"}],
    "recent_decisions": [],
}


def _figures(currency: str, **amounts: str) -> dict[str, dict[str, str]]:
    return {k: money(v, currency) for k, v in amounts.items()}


# `GET /customers/C-ACME/balance` (now: no as_of, no known_at). Every figure is listed,
# those that never moved at zero.
BALANCE = {"customer_id": "C-ACME", "as_of": None, "known_at": None, "currencies": [
    {"currency": "EUR", "balance": money("2329.90", "EUR"), "unapplied_cash": money("300.00", "EUR"),
     "invoices": _figures("EUR", issued="3679.90", credited="0.00", cancelled="0.00",
                          allocated="1200.00", written_off="200.00", recovered="50.00"),
     "payments": _figures("EUR", received="1500.00", credit_notes="0.00", allocated="1200.00",
                          refunded="0.00", reversed="0.00"),
     "credit_sources": [{"payment_id": "PAY-2", "method": "card", "received_on": "2026-11-20",
                         "unapplied": money("300.00", "EUR")}]},
    {"currency": "USD", "balance": money("12.35", "USD"), "unapplied_cash": money("0.00", "USD"),
     "invoices": _figures("USD", issued="12.35", credited="0.00", cancelled="0.00",
                          allocated="0.00", written_off="0.00", recovered="0.00"),
     "payments": _figures("USD", received="0.00", credit_notes="0.00", allocated="0.00",
                          refunded="0.00", reversed="0.00"),
     "credit_sources": []},
]}


# `GET /customers/C-ACME/master`: the customer master, its contacts opened with their key.
MASTER = {
    "customer_id": "C-ACME",
    "details": {"legal_name": "Acme Tools GmbH", "vat_id": "DE123456789", "language": "en",
                "payment_terms": None,
                "billing_address": {"lines": ["Werkstrasse 5"], "postcode": "10115",
                                    "city": "Berlin", "country": "DE"}},
    "contacts": [{"contact_id": "ap", "role": "accounts_payable", "name": "Hanna Weber",
                  "email": "h.weber@acme.example", "phone": "+49 30 1234567",
                  "working_hours": "Mon-Thu 8-12", "preferred_channel": "email"}],
    "personal_data_erased": False,
}


# invoicing's outbox for one customer (GET /e-invoices?customer_id=): a Factur-X the exchange
# accepted, and a credit note's still queued.
E_INVOICES = [
    {"document_id": "einv-inv-1", "invoice_id": "inv-1", "credit_note_id": None,
     "customer_id": "C-ACME", "format": "factur-x", "filename": "INV-2026-000001.pdf",
     "media_type": "application/pdf", "sha256": "ab" * 32, "size": 24567,
     "queued_at": "2026-11-02T09:00:00Z", "written_at": "2026-11-02T09:00:01Z",
     "transmission": "accepted", "exchange_reference": "PPF-1", "attempts": 0, "error": None},
    {"document_id": "einv-cn-1", "invoice_id": "inv-1", "credit_note_id": "cn-1",
     "customer_id": "C-ACME", "format": None, "filename": None, "media_type": None,
     "sha256": None, "size": None, "queued_at": "2026-11-03T09:00:00Z", "written_at": None,
     "transmission": None, "exchange_reference": None, "attempts": 0, "error": None},
]


# collections' cash forecast (GET /cash-forecast): two weeks shown of thirteen.
FORECAST = {
    "as_of": "2026-11-25", "weeks": 13, "customers_days_late": {"C-ACME": 12},
    "everyone_days_late": 9,
    "weekly": {"EUR": [{"week_from": "2026-11-25", "amount": "1480.00"},
                       {"week_from": "2026-12-02", "amount": "849.90"}],
               "USD": [{"week_from": "2026-11-25", "amount": "0"},
                       {"week_from": "2026-12-02", "amount": "12.35"}]},
    "monthly": {"EUR": {"2026-11": "1480.00", "2026-12": "849.90"}, "USD": {"2026-12": "12.35"}},
    "not_expected": ["inv-2"],
    "invoices": [{"invoice_id": "inv-1", "customer_id": "C-ACME", "currency": "EUR",
                  "expected_on": "2026-11-25", "amount": "1480.00"}],
}

# collections' dunning what-if (GET /dunning-what-if).
WHAT_IF = {
    "from": "2026-04-01", "to": "2026-06-30", "run_days": 43,
    "live": {"letters": 91, "by_level": {"friendly_reminder": 18, "reminder": 44,
                                         "final_notice": 23, "agency_handover": 6},
             "customers_reached": 10, "disputed_invoices_dunned": 2},
    "what_if": {"letters": 62, "by_level": {"friendly_reminder": 24, "reminder": 31,
                                            "final_notice": 1, "agency_handover": 6},
                "customers_reached": 10, "disputed_invoices_dunned": 2},
    "difference": {"letters": -29, "customers_reached": 0, "disputed_invoices_dunned": 0},
}


# collections' forecast back-test (GET /cash-forecast/backtest).
BACKTEST = {
    "from": "2026-05-27", "to": "2026-08-19", "step_weeks": 4, "points": 2,
    "invoices_compared": 120, "mae_days": "5.3",
    "mae_weekly_amount": {"EUR": "3710.29", "USD": "2201.84"},
    "history_ends": "2026-11-24",
    "forecasts": [
        {"as_of": "2026-05-27", "weeks_checked": 13, "forecast": {"EUR": "76877.23"},
         "collected": {"EUR": "78127.22", "USD": "40385.52"}},
        {"as_of": "2026-06-24", "weeks_checked": 13, "forecast": {"EUR": "72535.04",
                                                                  "USD": "51426.63"},
         "collected": {"EUR": "72807.44", "USD": "34467.99"}}],
}


# collections' customer history (GET /customers/{id}/history): a credit note a finance user
# made, cleared by cash application, and an invoice from before actors were recorded.
HISTORY = {
    "customer_id": "C-ACME", "as_of": "2026-11-25T12:00:00+00:00",
    "entries": [
        {"occurred_at": "2026-11-20T10:15:00+00:00", "recorded_at": "2026-11-20T10:15:01+00:00",
         "event_type": "cash-application.CreditNoteApplied", "reference": "CN-2026-000007",
         "actor": "cash-application", "actor_kind": "component", "actor_roles": []},
        {"occurred_at": "2026-11-20T10:15:00+00:00", "recorded_at": "2026-11-20T10:15:00+00:00",
         "event_type": "invoicing.CreditNoteIssued", "reference": "CN-2026-000007",
         "actor": "fay@finance.example", "actor_kind": "caller", "actor_roles": ["finance"]},
        {"occurred_at": "2026-10-01T09:00:00+00:00", "recorded_at": "2026-10-01T09:00:00+00:00",
         "event_type": "invoicing.InvoiceIssued", "reference": "INV-2026-000001",
         "actor": "unknown", "actor_kind": "unknown", "actor_roles": []},
    ],
}
