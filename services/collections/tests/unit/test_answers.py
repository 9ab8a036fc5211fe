"""The answer models describe what the routes answered before they were typed: an answer as
the application builds it goes out unchanged (decimal strings, ISO dates, instants with
+00:00, keys present only where they were), and answers stored for an Idempotency-Key
before a field existed still replay."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ledgerline_collections.api.command_answers import (
    DunningRunDone,
    PromisesEvaluated,
    WriteOffDecided,
)
from ledgerline_collections.api.query_answers import Ageing, CustomerAccount, Kpis


def answered(model: type[BaseModel], answer: dict[str, Any]) -> dict[str, Any]:
    """What the route sends for `answer` (FastAPI validates, then dumps JSON by alias)."""
    out: dict[str, Any] = model.model_validate(answer).model_dump(mode="json", by_alias=True)
    return out


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


LETTER = {"customer_id": "C1", "currency": "EUR", "level": "friendly_reminder",
          "run_date": "2026-06-15", "total_overdue": eur("1200.50"), "invoices": ["i-1", "i-2"]}


def test_a_dunning_run_answers_its_letters_as_built() -> None:
    sent = {"run_date": "2026-06-15", "dry_run": False, "customer_ids": None, "letters_sent": 2,
            "reminders": [{"reminder_id": "rem-1", **LETTER}, {"reminder_id": None}],
            "letters": []}
    dry = {"run_date": "2026-06-15", "dry_run": True, "customer_ids": ["C1"], "letters_sent": 0,
           "reminders": [], "letters": [{"reminder_id": None, **LETTER, "language": "de",
                                         "letter": "Sehr geehrte Damen und Herren"}]}
    assert answered(DunningRunDone, sent) == sent
    assert answered(DunningRunDone, dry) == dry


def test_promises_settled_keep_each_outcome_own_fields() -> None:
    answer = {"as_of": "2026-06-15", "settled": [
        {"promise_id": "ptp-1", "event": "collections.PromiseToPayKept", "kept_on": "2026-06-10"},
        {"promise_id": "ptp-2", "event": "collections.PromiseToPayBroken",
         "broken_on": "2026-06-15", "amount_short": eur("12.345")},
    ]}
    assert answered(PromisesEvaluated, answer) == answer


def test_a_write_off_answered_before_four_eyes_replays_as_written_off() -> None:
    stored = {"write_off_id": "wo-1", "invoice_id": "i-1", "amount": eur("300.00")}
    assert answered(WriteOffDecided, stored) == {**stored, "status": "written_off"}


def figures(total: str) -> dict[str, Any]:
    return {"buckets": {"current": "0", "1-30": total}, "total": total}


def test_the_ageing_page_names_a_ranking_only_in_the_overdue_order() -> None:
    report: dict[str, Any] = {
        "as_of": "2026-06-15T23:59:59.999999+00:00", "as_of_date": "2026-06-15",
        "known_at": None, "buckets": ["current", "1-30"],
        "currencies": {"EUR": figures("849.90"), "JPY": figures("1200")},
        "customer_count": 2, "customers": {"C1": {"EUR": figures("849.90")}},
        "page": {"order": "customer_id", "limit": 1, "after": None, "next_after": "C1"},
    }
    ranked = {**report, "page": {"order": "overdue", "limit": 5, "after": None,
                                 "next_after": None, "ranking": {"EUR": ["C1"]}}}
    assert answered(Ageing, report) == report
    assert answered(Ageing, ranked) == ranked


def test_the_account_view_keeps_its_rows_as_read() -> None:
    account = {
        "customer_id": "C1", "as_of": "2026-06-15T10:00:00+00:00",
        "known_at": "2026-06-01T00:00:00+00:00", "name": "Acme", "language": "en",
        "open_items": [{"invoice_id": "i-1", "invoice_number": "INV-1", "currency": "EUR",
                        "due_date": "2026-07-01", "open_amount": "480.00", "days_overdue": -16,
                        "bucket": "current"}],
        "ageing": {"EUR": figures("480.00")},
        "dunning_history": [{
            "reminder_id": "rem-1", "customer_id": "C1", "currency": "EUR",
            "level": "reminder", "run_date": "2026-06-01", "language": "en", "total": "480.00",
            "letter": "Dear Acme", "voided_on": None, "voided_by": None, "void_reason": None,
            "delivery": "emailed", "delivered_at": "2026-06-01T06:00:01+00:00",
            "delivery_detail": "to contact ap",
            "invoices": [{"reminder_id": "rem-1", "invoice_id": "i-1", "level": "reminder",
                          "days_overdue": 20, "open_amount": "480.00", "run_date": "2026-06-01"}],
        }],
        "disputes": [{"dispute_id": "dsp-1", "invoice_id": "i-1", "customer_id": "C1",
                      "amount": "99.99", "currency": "EUR", "reason": "other",
                      "description": "", "opened_on": "2026-06-02", "status": "resolved",
                      "outcome": "credit_note", "note": "ok", "resolved_on": "2026-06-05",
                      "delivered_on": None, "proof_of_delivery": None}],
        "promises": [{"promise_id": "ptp-1", "customer_id": "C1", "invoice_ids": ["i-1"],
                      "amount": "480.00", "currency": "EUR", "promised_date": "2026-06-10",
                      "recorded_on": "2026-06-03", "recorded_by": "anna", "status": "broken",
                      "kept_on": None, "broken_on": "2026-06-11", "amount_short": "480.00",
                      "delivery": "emailed", "delivered_at": "2026-06-03T09:31:00+00:00",
                      "delivery_detail": "to contact ap"}],
        "calls": [{"call_id": "call-1", "customer_id": "C1", "contact_person": "Mr Acme",
                   "outcome": "promise_to_pay", "note": "",
                   "called_at": "2026-06-03T09:30:00.250000+00:00", "collector": "anna"}],
        "write_offs": [{"write_off_id": "wo-1", "invoice_id": "i-1", "customer_id": "C1",
                        "amount": "200.00", "currency": "EUR", "reason": "goodwill",
                        "approver": "cfo", "written_off_on": "2026-06-12", "recovered": "0"}],
        "invoice_copies": [{"copy_id": "copy-1", "invoice_id": "i-1", "requested_by": "anna",
                            "reason": "never received", "requested_at": "2026-06-04T08:00:00+00:00",
                            "delivery": "print", "delivered_at": "2026-06-04T08:00:02+00:00",
                            "delivery_detail": "e-mail to contact ap bounced (550)"}],
        "handovers": [{"handover_id": "ho-1", "currency": "EUR", "agency": "Recouvra",
                       "invoice_ids": ["i-1"], "total": {"amount": "480.00", "currency": "EUR"},
                       "handed_over_on": "2026-06-14", "decided_by": "cfo"}],
        "late_interest": [{"invoice_id": "i-1", "days_accrued": 0,
                           "interest": {"amount": "0.00", "currency": "EUR"},
                           "indemnity": {"amount": "0.00", "currency": "EUR"},
                           "total": {"amount": "0.00", "currency": "EUR"}}],
    }
    assert answered(CustomerAccount, account) == account


def test_kpis_answer_from_and_undefined_ratios() -> None:
    kpis = {"from": "2026-06-01", "to": "2026-06-15", "days": 15, "dso_method": "countback",
            "currencies": {"EUR": {
                "opening_ar": "2649.90", "closing_ar": "2329.90", "closing_current_ar": "480.00",
                "credit_sales": "480.00", "dso_countback": "45.2", "dso_standard": None,
                "cei_percent": None, "disputed": "0", "written_off": "200.00",
                "recovered": "0"}}}
    assert answered(Kpis, kpis) == kpis
