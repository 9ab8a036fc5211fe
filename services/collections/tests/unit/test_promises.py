"""Promises to pay: recorded, then kept or broken as of a date."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from ledgerline_collections.domain.promises import (
    PaymentTowardsPromise,
    PromiseState,
    PromiseStatus,
    RecordPromise,
    decide_record_promise,
    evaluate_promise,
    replay_promise,
)
from ledgerline_events.contract import Money, new_envelope
from ledgerline_events.contract.collections import (
    PromiseToPayBroken,
    PromiseToPayKept,
    PromiseToPayRecorded,
)
from ledgerline_events.contract.refusals import InvalidRequest, StateConflict

RECORDED = date(2026, 3, 1)
PROMISED = date(2026, 3, 15)


def promise(status: PromiseStatus = PromiseStatus.OPEN) -> PromiseState:
    return PromiseState("p1", "C1", ("i1", "i2"), Money.of("1000", "EUR"), PROMISED,
                        RECORDED, status)


def paid(invoice: str, on: date, amount: str) -> PaymentTowardsPromise:
    return PaymentTowardsPromise(invoice, on, Decimal(amount))


def test_recording_a_promise() -> None:
    cmd = RecordPromise("p1", "C1", ("i1",), Money.of("1000", "EUR"), PROMISED, "anna")
    (event,) = decide_record_promise(None, cmd, RECORDED)
    assert isinstance(event, PromiseToPayRecorded) and event.promised_date == PROMISED
    envelope = new_envelope(event, aggregate_id="p1", aggregate_version=1, customer_id="C1",
                            occurred_at=datetime(2026, 3, 1, 10, tzinfo=UTC), producer="t")
    state = replay_promise([envelope])
    assert state is not None and state.recorded_on == RECORDED and state.customer_id == "C1"


@pytest.mark.parametrize(
    ("amount", "promised", "field", "error"),
    [
        ("0", PROMISED, "amount", InvalidRequest),
        ("10", RECORDED - timedelta(days=1), "promised_date", InvalidRequest),
    ],
)
def test_a_promise_needs_a_positive_amount_and_a_future_date(
    amount: str, promised: date, field: str, error: type[Exception]
) -> None:
    cmd = RecordPromise("p1", "C1", ("i1",), Money.of(amount, "EUR"), promised, "anna")
    with pytest.raises(error) as refused:
        decide_record_promise(None, cmd, RECORDED)
    assert refused.value.field == field  # type: ignore[attr-defined]


def test_a_promise_is_recorded_once() -> None:
    cmd = RecordPromise("p1", "C1", ("i1",), Money.of("1", "EUR"), PROMISED, "anna")
    with pytest.raises(StateConflict):
        decide_record_promise(promise(), cmd, RECORDED)


@pytest.mark.parametrize(
    ("case", "payments", "as_of", "expected"),
    [
        ("nothing yet, date not passed", [], PROMISED, None),
        ("paid in full on time", [paid("i1", date(2026, 3, 10), "1000")], date(2026, 3, 12),
         PromiseToPayKept(promise_id="p1", kept_on=date(2026, 3, 10))),
        ("paid in two parts, last on the date",
         [paid("i1", date(2026, 3, 5), "600"), paid("i2", PROMISED, "400")], date(2026, 4, 1),
         PromiseToPayKept(promise_id="p1", kept_on=PROMISED)),
        ("partly paid, date passed",
         [paid("i1", date(2026, 3, 5), "600")], date(2026, 3, 16),
         PromiseToPayBroken(promise_id="p1", broken_on=date(2026, 3, 16),
                            amount_short=Money.of("400", "EUR"))),
        ("paid a day late: broken",
         [paid("i1", date(2026, 3, 16), "1000")], date(2026, 3, 20),
         PromiseToPayBroken(promise_id="p1", broken_on=date(2026, 3, 16),
                            amount_short=Money.of("1000", "EUR"))),
        ("paid before the promise: does not count",
         [paid("i1", date(2026, 2, 28), "1000")], date(2026, 3, 16),
         PromiseToPayBroken(promise_id="p1", broken_on=date(2026, 3, 16),
                            amount_short=Money.of("1000", "EUR"))),
        ("other invoice: does not count",
         [paid("i9", date(2026, 3, 5), "1000")], PROMISED, None),
        ("payment reversed: short again",
         [paid("i1", date(2026, 3, 5), "1000"), paid("i1", date(2026, 3, 8), "-1000")],
         date(2026, 3, 16),
         PromiseToPayBroken(promise_id="p1", broken_on=date(2026, 3, 16),
                            amount_short=Money.of("1000", "EUR"))),
        ("reversed then paid again",
         [paid("i1", date(2026, 3, 5), "1000"), paid("i1", date(2026, 3, 8), "-1000"),
          paid("i1", date(2026, 3, 9), "1000")], date(2026, 3, 16),
         PromiseToPayKept(promise_id="p1", kept_on=date(2026, 3, 9))),
    ],
)
def test_evaluate_promise(
    case: str, payments: list[PaymentTowardsPromise], as_of: date, expected: object
) -> None:
    assert evaluate_promise(promise(), payments, as_of) == expected, case


def test_a_settled_promise_is_not_evaluated_again() -> None:
    assert evaluate_promise(promise(PromiseStatus.BROKEN), [], date(2026, 5, 1)) is None
