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
