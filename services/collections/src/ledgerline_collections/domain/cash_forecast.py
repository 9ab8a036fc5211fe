"""A cash forecast you can check: when each open invoice will be paid, from its customer's own
habits, summed per week and month; and how well the forecast made at past dates matched what
was then collected (the back-test). Pure: facts in, figures out.

Each customer's habit is how many days after the due date it paid, amount-weighted median over
its settled history (a customer without history: everyone's). An open invoice is expected on
its due date plus that habit, and not before the forecast's date (what is already late is
expected in the first week). Disputed invoices are not expected until the dispute ends; a
customer who broke a promise in the history is expected one habit later again (it pays late
even on its word)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

WEEKS = 13


@dataclass(frozen=True)
class OpenInvoice:
    invoice_id: str
    customer_id: str
    currency: str
    due_date: date
    open_amount: Decimal
    disputed: bool = False


@dataclass(frozen=True)
class Settlement:
    """Money collected on an invoice: how late it came."""

    customer_id: str
    currency: str
    due_date: date
    paid_on: date
    amount: Decimal
    invoice_id: str = ""

    @property
    def days_late(self) -> int:
        return (self.paid_on - self.due_date).days


@dataclass(frozen=True)
class Expected:
    invoice_id: str
    customer_id: str
    currency: str
    on: date
    amount: Decimal


def habits(history: Iterable[Settlement], broke_promises: frozenset[str] = frozenset()
           ) -> tuple[dict[str, int], int]:
    """Per customer its days late (amount-weighted median), and everyone's."""
    per_customer: dict[str, list[Settlement]] = defaultdict(list)
    everyone: list[Settlement] = []
    for settled in history:
        per_customer[settled.customer_id].append(settled)
        everyone.append(settled)
    overall = _weighted_median(everyone)
    late = {c: _weighted_median(s) for c, s in per_customer.items()}
    for customer in broke_promises:
        late[customer] = 2 * max(late.get(customer, overall), 0)
    return late, overall


def _weighted_median(settlements: Sequence[Settlement]) -> int:
    if not settlements:
        return 0
    ordered = sorted(settlements, key=lambda s: s.days_late)
    half, running = sum(s.amount for s in ordered) / 2, Decimal(0)
    for settled in ordered:
        running += settled.amount
        if running >= half:
            return settled.days_late
    return ordered[-1].days_late


def expected_payments(open_items: Iterable[OpenInvoice], late: dict[str, int], overall: int,
                      as_of: date) -> list[Expected]:
    """Each open, undisputed invoice: when and how much is expected."""
    return [Expected(i.invoice_id, i.customer_id, i.currency,
                     max(as_of, i.due_date + timedelta(days=late.get(i.customer_id, overall))),
                     i.open_amount)
            for i in open_items if i.open_amount > 0 and not i.disputed]


def week_of(day: date, as_of: date) -> int:
    """0 for the week starting at the forecast's date, 1 for the next..."""
    return (day - as_of).days // 7


def weekly(expected: Iterable[Expected], as_of: date, weeks: int = WEEKS
           ) -> dict[str, list[Decimal]]:
    """Per currency, the amounts expected in each of the next `weeks` weeks (from `as_of`)."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * weeks)
    for e in expected:
        week = week_of(e.on, as_of)
        if week < weeks:
            totals[e.currency][week] += e.amount
    return dict(totals)


def monthly(expected: Iterable[Expected], as_of: date, weeks: int = WEEKS
            ) -> dict[str, dict[str, Decimal]]:
    """Per currency and month (YYYY-MM), within the weeks forecast."""
    horizon = as_of + timedelta(weeks=weeks)
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for e in expected:
        if e.on < horizon:
            totals[e.currency][e.on.strftime("%Y-%m")] += e.amount
    return {c: dict(sorted(m.items())) for c, m in totals.items()}


@dataclass(frozen=True)
class BacktestPoint:
    """One past forecast date: the forecast as it was known then, and what came."""

    as_of: date
    forecast: dict[str, list[Decimal]]  # per currency, per week
    actual: dict[str, list[Decimal]]
    days_errors: list[int]  # per invoice paid later: |expected day - first paid day|
    known_weeks: int  # weeks the history covers after `as_of` (the rest cannot be checked)


@dataclass(frozen=True)
class BacktestError:
    points: int
    mae_days: Decimal | None  # mean absolute error of the expected day, in days
    mae_amount: dict[str, Decimal]  # per currency: mean absolute weekly error


def collected(history: Iterable[Settlement], as_of: date, weeks: int = WEEKS,
              on: set[str] | None = None) -> dict[str, list[Decimal]]:
    """What was collected in each week after `as_of` (the back-test's truth), on the invoices
    `on` (those the forecast was about: not those issued later)."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * weeks)
    for settled in history:
        if on is not None and settled.invoice_id not in on:
            continue
        week = week_of(settled.paid_on, as_of)
        if 0 <= week < weeks and settled.paid_on >= as_of:
            totals[settled.currency][week] += settled.amount
    return dict(totals)


def day_errors(expected: Iterable[Expected], first_paid: dict[str, date]) -> list[int]:
    return [abs((first_paid[e.invoice_id] - e.on).days) for e in expected
            if e.invoice_id in first_paid]


def backtest_error(points: Sequence[BacktestPoint], weeks: int = WEEKS) -> BacktestError:
    days = [d for p in points for d in p.days_errors]
    per_currency: dict[str, list[Decimal]] = defaultdict(list)
    for point in points:
        for currency in set(point.forecast) | set(point.actual):
            said = point.forecast.get(currency, [Decimal(0)] * weeks)[:point.known_weeks]
            came = point.actual.get(currency, [Decimal(0)] * weeks)[:point.known_weeks]
            per_currency[currency] += [abs(s - c) for s, c in zip(said, came, strict=True)]
    return BacktestError(
        len(points),
        (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None,
        {c: (sum(e, Decimal(0)) / len(e)).quantize(Decimal("0.01"))
         for c, e in sorted(per_currency.items()) if e})
