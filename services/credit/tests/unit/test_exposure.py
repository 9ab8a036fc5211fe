"""Given other services' events, in any order, then the customer's exposure, overdue days,
disputed amount and write-offs are these."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from ledgerline_credit.domain.exposure import (
    credit_situation,
    disputed_amount,
    exposure,
    net_written_off,
    oldest_overdue_days,
)
from ledgerline_credit.domain.receivables import fold

from .credit_scenarios import (
    CUSTOMER,
    DUE,
    allocated,
    cancelled,
    credit_note,
    dispute_opened,
    dispute_resolved,
    invoice,
    order_cancelled,
    order_delivered,
    order_placed,
    recovered,
    reversed_allocation,
    written_off,
)

EXPOSURE_CASES = [
    ("an issued invoice counts its gross", [invoice("i1", "1000")], "1000", "0"),
    ("a credit note reduces it", [invoice("i1", "1000"), credit_note("cn1", "i1", "200")],
     "800", "0"),
    ("a cancelled invoice counts nothing", [invoice("i1", "1000"), cancelled("i1", "1000")],
     "0", "0"),
    ("an allocation reduces by amount plus discount",
     [invoice("i1", "1000"), allocated("a1", "i1", "980", discount="20")], "0", "0"),
    ("a reversed allocation opens the invoice again",
     [invoice("i1", "1000"), allocated("a1", "i1", "600"), reversed_allocation("a1", "i1", "600")],
     "1000", "0"),
    ("a write-off reduces, a recovery adds back",
     [invoice("i1", "1000"), written_off("w1", "i1", "1000"), recovered("r1", "w1", "i1", "400")],
     "400", "0"),
    ("an allocation without its invoice waits for it", [allocated("a1", "i1", "300")], "0", "0"),
    ("an over-credited invoice counts zero, not minus",
     [invoice("i1", "100"), allocated("a1", "i1", "100"), credit_note("cn1", "i1", "30"),
      invoice("i2", "50")], "50", "0"),
    ("an open order counts until delivered", [order_placed("o1", "700")], "0", "700"),
    ("a delivered order leaves exposure", [order_placed("o1", "700"), order_delivered("o1")],
     "0", "0"),
    ("a cancelled order leaves exposure", [order_placed("o1", "700"), order_cancelled("o1")],
     "0", "0"),
    ("the order's invoice replaces the order",
     [order_placed("o1", "700"), invoice("i1", "700", order_id="o1")], "700", "0"),
    ("another customer's invoice does not count", [invoice("i9", "5000", customer="C-2")],
     "0", "0"),
]


@pytest.mark.parametrize(("events", "open_ar", "open_orders"),
                         [c[1:] for c in EXPOSURE_CASES], ids=[c[0] for c in EXPOSURE_CASES])
def test_exposure_folds_receivables_and_open_orders(events, open_ar, open_orders) -> None:
    found = exposure(fold(events), CUSTOMER, "EUR")
    assert (found.open_ar, found.open_orders) == (Decimal(open_ar), Decimal(open_orders))


CONVERGENCE = [
    [invoice("i1", "1000"), allocated("a1", "i1", "400"), reversed_allocation("a1", "i1", "400"),
     credit_note("cn1", "i1", "100"), allocated("a2", "i1", "500")],
    [order_placed("o1", "700"), order_delivered("o1"), invoice("i1", "700", order_id="o1"),
     allocated("a1", "i1", "700"), order_placed("o2", "50")],
    [invoice("i1", "900"), written_off("w1", "i1", "900"), recovered("r1", "w1", "i1", "900"),
     allocated("a1", "i1", "900"), order_placed("o1", "10"), order_cancelled("o1")],
]


@pytest.mark.parametrize("events", CONVERGENCE)
def test_exposure_is_the_same_whatever_the_arrival_order(events) -> None:
    expected = exposure(fold(events), CUSTOMER, "EUR")
    for order in itertools.permutations(events):
        assert exposure(fold(list(order)), CUSTOMER, "EUR") == expected


def test_a_redelivered_event_counts_once() -> None:
    pay = allocated("a1", "i1", "400")
    assert exposure(fold([invoice("i1", "1000"), pay, pay]), CUSTOMER, "EUR").open_ar == 600


def test_the_order_being_checked_is_not_counted_twice() -> None:
    state = fold([order_placed("o1", "700"), order_placed("o2", "300")])
    assert exposure(state, CUSTOMER, "EUR", excluding_order="o1").open_orders == 300


OVERDUE_CASES = [
    ("nothing open", [], date(2026, 5, 1), 0),
    ("not yet due", [invoice("i1", "100")], DUE, 0),
    ("the oldest open invoice counts",
     [invoice("i1", "100", due=date(2026, 3, 1)), invoice("i2", "100", due=date(2026, 4, 1))],
     date(2026, 4, 15), 45),
    ("a paid invoice is not overdue",
     [invoice("i1", "100", due=date(2026, 3, 1)), allocated("a1", "i1", "100")],
     date(2026, 4, 15), 0),
    ("a partly paid invoice still is",
     [invoice("i1", "100", due=date(2026, 3, 1)), allocated("a1", "i1", "60")],
     date(2026, 3, 11), 10),
]


@pytest.mark.parametrize(("events", "as_of", "days"), [c[1:] for c in OVERDUE_CASES],
                         ids=[c[0] for c in OVERDUE_CASES])
def test_oldest_overdue_days_as_of_a_date(events, as_of, days) -> None:
    assert oldest_overdue_days(fold(events), CUSTOMER, as_of) == days


def test_disputed_amount_counts_open_disputes_only() -> None:
    state = fold([dispute_resolved("d1", "i1"), dispute_opened("d1", "i1", "100"),
                  dispute_opened("d2", "i2", "300")])
    assert disputed_amount(state, CUSTOMER, "EUR") == 300


def test_write_offs_net_of_recoveries() -> None:
    state = fold([recovered("r1", "w1", "i1", "100"), written_off("w1", "i1", "250")])
    assert net_written_off(state, CUSTOMER) == 150


def test_situation_gathers_what_the_hold_rules_need() -> None:
    state = fold([invoice("i1", "1000", due=date(2026, 1, 1)), order_placed("o1", "500"),
                  written_off("w1", "i1", "100")])
    situation = credit_situation(state, CUSTOMER, date(2026, 3, 2))
    assert situation.exposures == {"EUR": Decimal(1400)}
    assert situation.oldest_overdue_days == 60
    assert situation.net_written_off == 100
