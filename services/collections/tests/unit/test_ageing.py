"""Ageing: bucket boundaries, configurable buckets, as-of sums of dated movements."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from ledgerline_collections.domain.ageing import (
    AgeingBuckets,
    DueAmount,
    Movement,
    OpenItem,
    age_due_amounts,
    age_open_items,
    days_overdue,
    most_overdue,
    open_amount_as_of,
    overdue_amount,
)

DUE = date(2026, 1, 31)


@pytest.mark.parametrize(
    ("as_of", "days", "bucket"),
    [
        (DUE - timedelta(days=5), -5, "current"),
        (DUE, 0, "current"),  # due today: current
        (DUE + timedelta(days=1), 1, "1-30"),
        (DUE + timedelta(days=30), 30, "1-30"),
        (DUE + timedelta(days=31), 31, "31-60"),
        (DUE + timedelta(days=60), 60, "31-60"),
        (DUE + timedelta(days=61), 61, "61-90"),
        (DUE + timedelta(days=90), 90, "61-90"),
        (DUE + timedelta(days=91), 91, "over_90"),
        (DUE + timedelta(days=400), 400, "over_90"),
    ],
)
def test_default_bucket_boundaries_are_exact(as_of: date, days: int, bucket: str) -> None:
    assert days_overdue(DUE, as_of) == days
    assert AgeingBuckets().bucket_for(days) == bucket


def test_buckets_are_configurable_by_upper_bounds() -> None:
    weekly = AgeingBuckets((7, 14))
    assert weekly.labels == ["current", "1-7", "8-14", "over_14"]
    assert [weekly.bucket_for(d) for d in (0, 7, 8, 14, 15)] == [
        "current", "1-7", "8-14", "8-14", "over_14",
    ]


@pytest.mark.parametrize("bounds", [(), (0, 30), (30, 30), (60, 30)])
def test_bucket_bounds_must_increase(bounds: tuple[int, ...]) -> None:
    with pytest.raises(ValueError):
        AgeingBuckets(bounds)


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 12, tzinfo=UTC)


MOVEMENTS = [
    Movement("inv-1", at(1), Decimal("1000.00"), "issued", "EUR"),
    Movement("inv-1", at(10), Decimal("-400.00"), "allocated", "EUR"),
    Movement("inv-1", at(20), Decimal("-100.00"), "credit_note", "EUR"),
    Movement("inv-1", at(25), Decimal("400.00"), "allocation_reversed", "EUR"),
]


@pytest.mark.parametrize(
    ("as_of", "open_amount"),
    [
        (at(1) - timedelta(seconds=1), "0"),
        (at(1), "1000.00"),  # at the very instant: included
        (at(15), "600.00"),
        (at(20), "500.00"),
        (at(31), "900.00"),
    ],
)
def test_open_amount_as_of_sums_movements_up_to_the_instant(
    as_of: datetime, open_amount: str
) -> None:
    assert open_amount_as_of(MOVEMENTS, as_of) == Decimal(open_amount)


def test_as_of_result_does_not_depend_on_arrival_order() -> None:
    assert open_amount_as_of(reversed(MOVEMENTS), at(15)) == open_amount_as_of(MOVEMENTS, at(15))


def item(inv: str, customer: str, currency: str, due: date, amount: str) -> OpenItem:
    return OpenItem(inv, inv.upper(), customer, currency, due, Decimal(amount))


def test_report_per_currency_and_per_customer_never_mixes_currencies() -> None:
    as_of = date(2026, 4, 30)
    report = age_open_items(
        [
            item("a", "C1", "EUR", date(2026, 4, 30), "100"),  # current
            item("b", "C1", "EUR", date(2026, 3, 31), "200"),  # 30 days
            item("c", "C2", "EUR", date(2026, 1, 1), "300"),  # 119 days
            item("d", "C2", "USD", date(2026, 3, 30), "50"),  # 31 days
            item("e", "C2", "USD", date(2026, 3, 1), "0"),  # settled: left out
        ],
        as_of,
    )
    eur, usd = report.totals["EUR"], report.totals["USD"]
    assert eur.buckets == {
        "current": Decimal(100), "1-30": Decimal(200), "31-60": 0, "61-90": 0,
        "over_90": Decimal(300),
    }
    assert eur.total == Decimal(600)
    assert usd.buckets["31-60"] == Decimal(50) and usd.total == Decimal(50)
    assert report.customers[("C1", "EUR")].total == Decimal(300)
    assert report.customers[("C2", "USD")].total == Decimal(50)
    assert [(i.invoice_id, days, label) for i, days, label in report.items] == [
        ("b", 30, "1-30"), ("a", 0, "current"), ("c", 119, "over_90"), ("d", 31, "31-60"),
    ]


ITEMS = [
    item("a", "C1", "EUR", date(2026, 4, 30), "100"),
    item("b", "C1", "EUR", date(2026, 3, 31), "200"),
    item("b2", "C2", "EUR", date(2026, 3, 31), "-20"),  # over-credited, same day as b
    item("c", "C2", "EUR", date(2026, 1, 1), "300"),
    item("d", "C2", "USD", date(2026, 3, 30), "50"),
]


def by_due_date(items: list[OpenItem]) -> list[DueAmount]:
    sums: dict[tuple[str, date], Decimal] = {}
    for i in items:
        sums[(i.currency, i.due_date)] = sums.get((i.currency, i.due_date), Decimal(0)) + i.open_amount
    return [DueAmount(currency, due, amount) for (currency, due), amount in sums.items()]


@pytest.mark.parametrize("as_of", [date(2026, 1, 1), date(2026, 4, 1), date(2026, 4, 30),
                                   date(2026, 7, 1)])
def test_ageing_open_amounts_summed_by_due_date_gives_the_totals_of_ageing_each_item(
    as_of: date,
) -> None:
    weekly = AgeingBuckets((7, 14))
    for scheme in (None, weekly):
        per_item = age_open_items(ITEMS, as_of, scheme).totals
        assert age_due_amounts(by_due_date(ITEMS), as_of, scheme) == per_item


def test_overdue_is_everything_but_current() -> None:
    c1 = age_open_items(ITEMS, date(2026, 4, 30)).customers[("C1", "EUR")]
    assert overdue_amount(c1) == Decimal(200)


def test_most_overdue_ranks_each_currency_apart_largest_first_ties_by_customer() -> None:
    accounts = [("C3", "EUR", Decimal(50)), ("C1", "EUR", Decimal(80)), ("C2", "EUR", Decimal(50)),
                ("C4", "EUR", Decimal(0)), ("C5", "EUR", Decimal(-5)), ("C1", "USD", Decimal(1))]
    assert most_overdue(accounts, 2) == {"EUR": ["C1", "C2"], "USD": ["C1"]}
    assert most_overdue(accounts, 10) == {"EUR": ["C1", "C2", "C3"], "USD": ["C1"]}
    assert most_overdue(accounts, 0) == {}
