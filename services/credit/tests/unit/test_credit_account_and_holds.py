"""Given a credit account's events and the customer's situation, when a person or the hold
rules act, then these events (or this refusal)."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

import pytest

from ledgerline_credit.domain.account import (
    CreditAccount,
    place_manual_hold,
    release_hold,
    replay,
    set_credit_limit,
)
from ledgerline_credit.domain.holds import (
    CreditSituation,
    HoldPolicy,
    automatic_hold_changes,
)
from ledgerline_events.contract import Event, Money
from ledgerline_events.contract.credit import (
    CreditHoldPlaced,
    CreditHoldReleased,
    CreditLimitSet,
    HoldReason,
)
from ledgerline_events.contract.refusals import InvalidRequest, NotFound, StateConflict

from .credit_scenarios import CUSTOMER, eur, wrap

LIMIT = CreditLimitSet(limit=eur(10000), set_by="anna", reason="annual review")


def account(*events: Event) -> CreditAccount:
    return replay(CUSTOMER, [wrap(e) for e in events])


def placed(hold_id: str, reason: HoldReason, by: str = "credit-rules") -> CreditHoldPlaced:
    return CreditHoldPlaced(hold_id=hold_id, reason=reason, placed_by=by, detail="")


def situation(exposure: str = "0", overdue: int = 0, written_off: str = "0") -> CreditSituation:
    return CreditSituation(exposures=MappingProxyType({"EUR": Decimal(exposure)}),
                           oldest_overdue_days=overdue, net_written_off=Decimal(written_off))


def test_limits_are_kept_per_currency_with_history() -> None:
    later = CreditLimitSet(limit=eur(5000), set_by="ben", reason="late payer")
    usd = CreditLimitSet(limit=Money.of(2000, "USD"), set_by="ben", reason="US branch")
    state = account(LIMIT, later, usd)
    assert state.limit_in("EUR") == eur(5000)
    assert state.limit_in("USD") == Money.of(2000, "USD")
    assert [(c.limit, c.set_by) for c in state.limit_history] == [
        (eur(10000), "anna"), (eur(5000), "ben"), (Money.of(2000, "USD"), "ben")]


def test_setting_a_limit_records_who_and_why() -> None:
    assert set_credit_limit(account(), eur(10000), "anna", "annual review") == [LIMIT]


def test_setting_the_same_limit_again_records_nothing() -> None:
    assert set_credit_limit(account(LIMIT), eur(10000), "anna", "again") == []


@pytest.mark.parametrize(("limit", "set_by", "reason", "field", "rule"), [
    (eur(-1), "anna", "x", "limit.amount", "non_negative"),
    (Money.of("10.001", "EUR"), "anna", "x", "limit.amount", "minor_unit"),
    (eur(1), " ", "x", "set_by", "required"),
    (eur(1), "anna", "", "reason", "required"),
])
def test_invalid_limits_are_refused(limit, set_by, reason, field, rule) -> None:
    with pytest.raises(InvalidRequest) as refused:
        set_credit_limit(account(), limit, set_by, reason)
    assert (refused.value.field, refused.value.rule) == (field, rule)


def test_a_credit_manager_places_and_releases_a_manual_hold() -> None:
    [hold] = place_manual_hold(account(LIMIT), "fraud check", "carl")
    assert hold == CreditHoldPlaced(hold_id="manual-2", reason=HoldReason.MANUAL,
                                    detail="fraud check", placed_by="carl")
    [release] = release_hold(account(LIMIT, hold), "manual-2", "dana", "checked")
    assert release == CreditHoldReleased(hold_id="manual-2", reason="checked", released_by="dana")


def test_releasing_twice_is_a_conflict_and_unknown_holds_are_not_found() -> None:
    hold = placed("manual-1", HoldReason.MANUAL)
    released = CreditHoldReleased(hold_id="manual-1", reason="ok", released_by="dana")
    with pytest.raises(StateConflict):
        release_hold(account(hold, released), "manual-1", "dana", "again")
    with pytest.raises(NotFound):
        release_hold(account(), "manual-9", "dana", "x")


RULES = [
    ("within limit: nothing", [LIMIT], situation("10000"), []),
    ("over limit: placed", [LIMIT], situation("10000.01"),
     [("place", HoldReason.OVER_LIMIT, "over_limit-2")]),
    ("no limit: no over-limit hold", [], situation("99999"), []),
    ("over limit and already on hold: nothing", [LIMIT, placed("over_limit-2",
                                                               HoldReason.OVER_LIMIT)],
     situation("12000"), []),
    ("back within limit: released", [LIMIT, placed("over_limit-2", HoldReason.OVER_LIMIT)],
     situation("500"), [("release", HoldReason.OVER_LIMIT, "over_limit-2")]),
    ("overdue beyond 60 days: placed", [LIMIT], situation(overdue=61),
     [("place", HoldReason.OVERDUE, "overdue-2")]),
    ("overdue 60 days: nothing", [LIMIT], situation(overdue=60), []),
    ("overdue paid: released", [placed("overdue-1", HoldReason.OVERDUE)], situation(),
     [("release", HoldReason.OVERDUE, "overdue-1")]),
    ("written off: placed", [], situation(written_off="100"),
     [("place", HoldReason.WRITTEN_OFF, "written_off-1")]),
    ("write-off recovered: released", [placed("written_off-1", HoldReason.WRITTEN_OFF)],
     situation(), [("release", HoldReason.WRITTEN_OFF, "written_off-1")]),
    ("a manual hold is never released by the rules",
     [placed("manual-1", HoldReason.MANUAL, by="carl")], situation(), []),
    ("several causes at once get distinct holds", [LIMIT],
     situation("20000", overdue=90, written_off="1"),
     [("place", HoldReason.OVER_LIMIT, "over_limit-2"), ("place", HoldReason.OVERDUE, "overdue-3"),
      ("place", HoldReason.WRITTEN_OFF, "written_off-4")]),
]


def _summary(event: Event, state: CreditAccount) -> tuple[str, HoldReason, str]:
    if isinstance(event, CreditHoldPlaced):
        return ("place", event.reason, event.hold_id)
    assert isinstance(event, CreditHoldReleased)
    return ("release", state.holds[event.hold_id].reason, event.hold_id)


@pytest.mark.parametrize(("history", "now", "expected"), [c[1:] for c in RULES],
                         ids=[c[0] for c in RULES])
def test_automatic_hold_rules(history, now, expected) -> None:
    state = account(*history)
    changes = automatic_hold_changes(state, now, HoldPolicy())
    assert [_summary(e, state) for e in changes] == expected
    after = account(*history, *changes)
    assert automatic_hold_changes(after, now, HoldPolicy()) == []  # settled: evaluating again
