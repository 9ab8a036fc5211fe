"""Business time in the domain: the ladder as it stood on a day, voided letters, and the
guards on dates."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from ledgerline_collections.domain.business_dates import not_after_today, not_before_invoice
from ledgerline_collections.domain.dunning import (
    DunningPolicy,
    InvoiceDunningState,
    history_as_of,
    plan_dunning_run,
    reminder_sent,
)
from ledgerline_collections.domain.voids import VoidLetter, decide_void_letter
from ledgerline_events.contract.business_time import not_in_the_future
from ledgerline_events.contract.collections import DunningLevel, ReminderSent
from ledgerline_events.contract.refusals import InvalidRequest, NotFound, StateConflict
from ledgerline_events.contract.sales import Language

DUE = date(2026, 1, 1)
POLICY = DunningPolicy()


def day(n: int) -> date:
    return DUE + timedelta(days=n)


def noon(n: int) -> datetime:
    return datetime.combine(day(n), time(12), tzinfo=UTC)


def invoice() -> InvoiceDunningState:
    return InvoiceDunningState("inv-1", "INV-1", "C1", "EUR", DUE, Decimal("500.00"))


def letter(reminder_id: str, on: date) -> ReminderSent:
    (plan,) = plan_dunning_run([invoice()], on, POLICY)
    return reminder_sent(plan, reminder_id, Language.EN, "text")


def test_letters_dated_after_the_run_date_do_not_count() -> None:
    far_future = letter("r-9999", date(9999, 12, 31))
    assert history_as_of([far_future], [], day(7)).last == {}
    assert history_as_of([far_future], [], date(9999, 12, 31)).last["inv-1"][0] is (
        DunningLevel.FRIENDLY_REMINDER)


def test_a_voided_letter_no_longer_counts_from_the_day_it_was_voided() -> None:
    sent = letter("r-1", day(7))
    (void,) = decide_void_letter([sent], [], VoidLetter("r-1", "wrong address", "bob", day(9)))
    assert history_as_of([sent], [void], day(8)).last["inv-1"] == (
        DunningLevel.FRIENDLY_REMINDER, day(7))
    assert history_as_of([sent], [void], day(9)).last == {}
    (again,) = plan_dunning_run([invoice()], day(9), POLICY)
    assert again.level is DunningLevel.FRIENDLY_REMINDER


def test_a_letter_is_voided_once_and_must_exist() -> None:
    sent = letter("r-1", date(9999, 12, 31))
    (void,) = decide_void_letter([sent], [], VoidLetter("r-1", "typo in the date", "bob", day(1)))
    assert void.voided_by == "bob" and void.reason == "typo in the date"
    with pytest.raises(StateConflict):
        decide_void_letter([sent], [void], VoidLetter("r-1", "again", "bob", day(2)))
    with pytest.raises(NotFound):
        decide_void_letter([sent], [], VoidLetter("r-2", "which?", "bob", day(2)))


@pytest.mark.parametrize(("check", "rule"), [
    (lambda: not_in_the_future("occurred_at", noon(1), noon(0) + timedelta(minutes=5)),
     "not_in_the_future"),
    (lambda: not_before_invoice("occurred_at", day(-1), day(0)), "not_before_invoice"),
    (lambda: not_after_today("run_date", day(1), day(0)), "not_after_today"),
])
def test_dates_out_of_bounds_are_refused_naming_field_and_rule(check: object, rule: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        check()  # type: ignore[operator]
    assert refused.value.rule == rule


def test_dates_within_bounds_pass() -> None:
    not_in_the_future("occurred_at", noon(0) + timedelta(minutes=4), noon(0) + timedelta(minutes=5))
    not_before_invoice("occurred_at", day(0), day(0))
    not_after_today("run_date", day(0), day(0))
