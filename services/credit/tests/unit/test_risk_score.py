"""Given how a customer paid, then this risk score (formula in domain/risk.py and README)."""

from __future__ import annotations

from datetime import date

import pytest

from ledgerline_credit.domain.exposure import PaymentBehaviour, payment_behaviour
from ledgerline_credit.domain.receivables import fold
from ledgerline_credit.domain.risk import risk_score

from .credit_scenarios import (
    CUSTOMER,
    allocated,
    credit_note,
    dispute_opened,
    invoice,
    promise_broken,
    reversed_allocation,
)

SCORES = [
    ("no history", PaymentBehaviour(), 0),
    ("always on time", PaymentBehaviour(paid_invoices=10), 0),
    ("half paid 30 days late on average",
     PaymentBehaviour(paid_invoices=4, paid_late=2, total_days_late=120), 35),
    ("always very late", PaymentBehaviour(paid_invoices=2, paid_late=2, total_days_late=200), 70),
    ("broken promises are capped at three",
     PaymentBehaviour(broken_promises=5), 18),
    ("disputes are capped at four", PaymentBehaviour(disputes_opened=9), 12),
    ("everything at once", PaymentBehaviour(paid_invoices=1, paid_late=1, total_days_late=90,
                                            broken_promises=3, disputes_opened=4), 100),
    ("rounded half up", PaymentBehaviour(paid_invoices=2, paid_late=1, total_days_late=3), 16),
]


@pytest.mark.parametrize(("behaviour", "score"), [c[1:] for c in SCORES],
                         ids=[c[0] for c in SCORES])
def test_risk_score_formula(behaviour, score) -> None:
    assert risk_score(behaviour) == score


def test_behaviour_is_read_from_the_events() -> None:
    state = fold([
        invoice("i1", "100", due=date(2026, 3, 1)), allocated("a1", "i1", "100",
                                                              on=date(2026, 3, 21)),
        invoice("i2", "100", due=date(2026, 3, 1)), allocated("a2", "i2", "100",
                                                              on=date(2026, 2, 20)),
        invoice("i3", "100", due=date(2026, 3, 1)), allocated("a3", "i3", "100"),
        reversed_allocation("a3", "i3", "100"),  # bounced: not paid
        invoice("i4", "100", due=date(2026, 3, 1)), credit_note("cn", "i4", "100"),  # not paid
        promise_broken("p1"), promise_broken("p1"), dispute_opened("d1", "i1", "10"),
    ])
    assert payment_behaviour(state, CUSTOMER) == PaymentBehaviour(
        paid_invoices=2, paid_late=1, total_days_late=20, broken_promises=1, disputes_opened=1)
