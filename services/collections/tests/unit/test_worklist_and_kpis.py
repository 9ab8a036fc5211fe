"""Worklist priority and KPIs with worked numbers."""

from decimal import Decimal

import pytest

from ledgerline_collections.domain.kpis import (
    SalesPeriod,
    collection_effectiveness_index,
    dso_countback,
    dso_standard,
)
from ledgerline_collections.domain.worklist import AccountToCollect, prioritize, priority_score
from ledgerline_events.contract.collections import DunningLevel


def account(customer: str, amount: str, days: int, broken: int = 0,
            level: DunningLevel | None = None) -> AccountToCollect:
    return AccountToCollect(customer, "EUR", Decimal(amount), days, broken, level)


@pytest.mark.parametrize(
    ("acc", "score"),
    [
        # 10 x log10(1000) = 30.00 (999 + 1); 90 days = 15; nothing else
        (account("A", "999", 90), "45.00"),
        # 10 x log10(100000) = 50; 180+ days capped at 30; 1 broken = 15; final notice = 15
        (account("B", "99999", 400, 1, DunningLevel.FINAL_NOTICE), "110.00"),
        (account("C", "0", 10), "1.67"),
    ],
)
def test_priority_score_formula(acc: AccountToCollect, score: str) -> None:
    assert priority_score(acc) == Decimal(score)


def test_worklist_orders_by_score_and_leaves_out_nothing_overdue() -> None:
    ordered = prioritize([
        account("small", "100", 5),
        account("broken-promise", "100", 5, broken=1),
        account("settled", "0", 0),
        account("big", "50000", 5),
    ])
    assert [a.customer_id for a, _ in ordered] == ["big", "broken-promise", "small"]


def test_standard_dso_worked_example() -> None:
    # AR 150,000 against 270,000 of credit sales over 90 days: 50 days
    assert dso_standard(Decimal(150_000), Decimal(270_000), 90) == Decimal("50.00")
    assert dso_standard(Decimal(10), Decimal(0), 90) is None


def test_countback_dso_worked_example() -> None:
    # AR 150,000; March (31 days) sales 100,000 consumes 31 days, leaving 50,000;
    # February (28 days) sales 80,000: 50/80 of 28 = 17.5 days. DSO = 48.5
    periods = [SalesPeriod(31, Decimal(100_000)), SalesPeriod(28, Decimal(80_000))]
    assert dso_countback(Decimal(150_000), periods) == Decimal("48.50")


def test_countback_beyond_the_history_is_the_full_span() -> None:
    periods = [SalesPeriod(31, Decimal(100)), SalesPeriod(30, Decimal(0))]
    assert dso_countback(Decimal(1_000), periods) == Decimal("61.00")
    assert dso_countback(Decimal(0), periods) == Decimal("0.00")
    assert dso_countback(Decimal(5), []) is None


def test_cei_worked_example() -> None:
    # opening 100,000 + sales 200,000 - closing 120,000 = 180,000 collected
    # of 100,000 + 200,000 - current 70,000 = 230,000 collectible: 78.26 %
    cei = collection_effectiveness_index(
        Decimal(100_000), Decimal(200_000), Decimal(120_000), Decimal(70_000)
    )
    assert cei == Decimal("78.26")
    assert collection_effectiveness_index(Decimal(0), Decimal(0), Decimal(0), Decimal(0)) is None
