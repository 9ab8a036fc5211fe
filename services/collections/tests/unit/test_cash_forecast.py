"""The cash forecast: each customer's habit from what it paid, the day each open invoice is
expected, the weekly and monthly totals, and the back-test's errors."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ledgerline_collections.domain.cash_forecast import (
    BacktestPoint,
    Expected,
    OpenInvoice,
    Settlement,
    backtest_error,
    collected,
    expected_payments,
    habits,
    monthly,
    weekly,
)

D = Decimal
DUE = date(2026, 3, 31)


def paid(customer: str, days_late: int, amount: str) -> Settlement:
    return Settlement(customer, "EUR", DUE, DUE + timedelta(days=days_late), D(amount))


def test_a_customers_habit_is_the_amount_weighted_median_of_its_days_late() -> None:
    late, everyone = habits([paid("A", 5, "100"), paid("A", 40, "900"), paid("B", 0, "50")])
    assert late == {"A": 40, "B": 0}  # A pays most of its money 40 days late
    assert everyone == 40


def test_a_customer_who_broke_a_promise_is_expected_twice_as_late() -> None:
    late, _ = habits([paid("A", 10, "100")], frozenset({"A", "NEW"}))
    assert late["A"] == 20 and late["NEW"] == 20  # NEW: twice everyone's


def test_open_invoices_are_expected_at_due_plus_habit_never_before_today_disputes_not_at_all() -> None:
    today = date(2026, 4, 10)
    items = [OpenInvoice("i-late", "A", "EUR", date(2026, 3, 1), D("100")),
             OpenInvoice("i-soon", "A", "EUR", date(2026, 4, 20), D("200")),
             OpenInvoice("i-new", "Z", "EUR", date(2026, 4, 20), D("300")),
             OpenInvoice("i-disputed", "A", "EUR", date(2026, 4, 20), D("400"), disputed=True),
             OpenInvoice("i-credit", "A", "EUR", date(2026, 4, 20), D("-50"))]
    expected = expected_payments(items, {"A": 10}, 3, today)
    assert [(e.invoice_id, e.on) for e in expected] == [
        ("i-late", today), ("i-soon", date(2026, 4, 30)), ("i-new", date(2026, 4, 23))]


def test_weekly_and_monthly_totals_within_the_horizon() -> None:
    today = date(2026, 4, 10)
    expected = [Expected("a", "A", "EUR", today, D("100")),
                Expected("b", "A", "EUR", date(2026, 4, 16), D("50")),
                Expected("c", "A", "EUR", date(2026, 4, 17), D("25")),
                Expected("d", "B", "USD", date(2026, 6, 1), D("10")),
                Expected("e", "B", "USD", date(2026, 12, 1), D("999"))]  # beyond 13 weeks
    weeks = weekly(expected, today)
    assert weeks["EUR"][:3] == [D("150"), D("25"), D(0)] and sum(weeks["USD"]) == D("10")
    assert monthly(expected, today) == {"EUR": {"2026-04": D("175")}, "USD": {"2026-06": D("10")}}


def test_the_backtest_reports_mean_absolute_errors_in_days_and_weekly_amounts() -> None:
    today = date(2026, 4, 10)
    truth = [Settlement("A", "EUR", DUE, date(2026, 4, 12), D("80"))]
    actual = collected(truth, today, weeks=2)
    point = BacktestPoint(today, {"EUR": [D("100"), D("0")]}, actual, [2, 4], known_weeks=2)
    error = backtest_error([point], weeks=2)
    assert actual == {"EUR": [D("80"), D("0")]}
    assert (error.points, error.mae_days, error.mae_amount) == (1, D("3.0"), {"EUR": D("10.00")})


def test_weeks_after_the_history_ends_are_not_counted_against_the_forecast() -> None:
    point = BacktestPoint(date(2026, 4, 10), {"EUR": [D("100"), D("500")]},
                          {"EUR": [D("100"), D("0")]}, [], known_weeks=1)
    assert backtest_error([point], weeks=2).mae_amount == {"EUR": D("0.00")}
