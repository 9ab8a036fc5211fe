"""Ageing of open receivables: how long each open invoice has been past its due date.

Open amount of an invoice = gross - credit notes - cancellations - allocations (amount +
discount) + allocation reversals - write-offs + recoveries. The projection stores each of
these as a dated movement (business instant, signed delta), so the open amount as of any
instant T is the sum of the movements that occurred at or before T: the same answer on
every replay, whatever order the events arrived in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise
from typing import TypeVar

CURRENT = "current"
DEFAULT_BUCKET_BOUNDS: tuple[int, ...] = (30, 60, 90)
K = TypeVar("K")


@dataclass(frozen=True)
class AgeingBuckets:
    """Buckets by days past due: `current` (not yet overdue), then one bucket per upper bound
    (1-30, 31-60, 61-90 by default), then everything beyond the last bound (over 90)."""

    upper_bounds: tuple[int, ...] = DEFAULT_BUCKET_BOUNDS

    def __post_init__(self) -> None:
        bounds = self.upper_bounds
        if not bounds or bounds[0] < 1 or any(b <= a for a, b in pairwise(bounds)):
            raise ValueError("bucket upper bounds must be positive and strictly increasing")

    @property
    def labels(self) -> list[str]:
        labels, lower = [CURRENT], 1
        for upper in self.upper_bounds:
            labels.append(f"{lower}-{upper}")
            lower = upper + 1
        labels.append(f"over_{self.upper_bounds[-1]}")
        return labels

    def bucket_for(self, days_overdue: int) -> str:
        """The bucket an invoice `days_overdue` past due falls in (day 0 or less: current)."""
        if days_overdue <= 0:
            return CURRENT
        lower = 1
        for upper in self.upper_bounds:
            if days_overdue <= upper:
                return f"{lower}-{upper}"
            lower = upper + 1
        return f"over_{self.upper_bounds[-1]}"


def days_overdue(due_date: date, as_of: date) -> int:
    """Days past due on `as_of`; an invoice due today is 0 days overdue (current)."""
    return (as_of - due_date).days


@dataclass(frozen=True)
class Movement:
    """A dated change of an invoice's open amount, at the business instant it occurred."""

    invoice_id: str
    occurred_at: datetime
    delta: Decimal
    kind: str
    currency: str


def open_amount_as_of(movements: Iterable[Movement], as_of: datetime) -> Decimal:
    """Sum of the movements that occurred at or before `as_of` (arrival order is irrelevant)."""
    return sum((m.delta for m in movements if m.occurred_at <= as_of), Decimal(0))


@dataclass(frozen=True)
class OpenItem:
    """One invoice with its open amount at the instant of the report."""

    invoice_id: str
    invoice_number: str
    customer_id: str
    currency: str
    due_date: date
    open_amount: Decimal


@dataclass
class BucketTotals:
    """Amounts per bucket label, with the grand total."""

    buckets: dict[str, Decimal]
    total: Decimal = Decimal(0)

    @classmethod
    def empty(cls, labels: Sequence[str]) -> BucketTotals:
        return cls(buckets={label: Decimal(0) for label in labels})

    def add(self, label: str, amount: Decimal) -> None:
        self.buckets[label] += amount
        self.total += amount


@dataclass
class AgeingReport:
    """Ageing per currency in total and per customer (amounts never mix currencies)."""

    as_of: date
    labels: list[str]
    totals: dict[str, BucketTotals] = field(default_factory=dict)
    customers: dict[tuple[str, str], BucketTotals] = field(default_factory=dict)
    items: list[tuple[OpenItem, int, str]] = field(default_factory=list)


def age_open_items(
    items: Iterable[OpenItem], as_of: date, buckets: AgeingBuckets | None = None
) -> AgeingReport:
    """Bucket every invoice still open (non-zero) by its days past due on `as_of`."""
    scheme = buckets or AgeingBuckets()
    report = AgeingReport(as_of=as_of, labels=scheme.labels)
    for item in sorted(items, key=lambda i: (i.customer_id, i.due_date, i.invoice_id)):
        if item.open_amount == 0:
            continue
        days = days_overdue(item.due_date, as_of)
        label = scheme.bucket_for(days)
        _totals_of(report.totals, item.currency, report.labels).add(label, item.open_amount)
        _totals_of(report.customers, (item.customer_id, item.currency), report.labels).add(
            label, item.open_amount
        )
        report.items.append((item, days, label))
    return report


def _totals_of(totals: dict[K, BucketTotals], key: K, labels: list[str]) -> BucketTotals:
    """The totals under `key`, started empty the first time (not built for every item)."""
    found = totals.get(key)
    if found is None:
        found = totals[key] = BucketTotals.empty(labels)
    return found


@dataclass(frozen=True)
class DueAmount:
    """What is open in one currency on every invoice falling due on one date."""

    currency: str
    due_date: date
    open_amount: Decimal


def age_due_amounts(
    amounts: Iterable[DueAmount], as_of: date, buckets: AgeingBuckets | None = None
) -> dict[str, BucketTotals]:
    """Ageing per currency from open amounts summed by due date. Invoices due on the same day
    are equally overdue, so each sum lands in the bucket its invoices would land in one by
    one: the same totals as `age_open_items`, from a few rows per day instead of every item."""
    scheme = buckets or AgeingBuckets()
    labels = scheme.labels
    totals: dict[str, BucketTotals] = {}
    for due in amounts:
        label = scheme.bucket_for(days_overdue(due.due_date, as_of))
        _totals_of(totals, due.currency, labels).add(label, due.open_amount)
    return totals


def overdue_amount(totals: BucketTotals) -> Decimal:
    """What is past due: every bucket but current."""
    return sum((v for k, v in totals.buckets.items() if k != CURRENT), Decimal(0))


def most_overdue(
    accounts: Iterable[tuple[str, str, Decimal]], per_currency: int
) -> dict[str, list[str]]:
    """Per currency, the customers owing the most past due (customer id breaks ties), at most
    `per_currency` each; accounts (customer, currency, overdue) with nothing overdue left out.
    Currencies are ranked apart: amounts in different currencies are never compared."""
    ranked: dict[str, list[tuple[Decimal, str]]] = {}
    for customer, currency, overdue in accounts:
        if overdue > 0:
            ranked.setdefault(currency, []).append((-overdue, customer))
    return {currency: [customer for _, customer in sorted(rows)[:per_currency]]
            for currency, rows in sorted(ranked.items()) if per_currency > 0}
