"""Ageing by bucket per currency (now, and as of a chosen date beside it), and the customers
with the most overdue, from collections' `GET /ageing?order=overdue&limit=` (totals of
every customer and a page of the most overdue per currency)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..money import format_compact, format_money, to_decimal
from .charts import BarChart, grouped_bars
from .labels import bucket_label


@dataclass(frozen=True)
class BucketRow:
    bucket: str
    label: str
    now: str
    as_of: str | None


@dataclass(frozen=True)
class CurrencyAgeing:
    currency: str
    total: str
    overdue: str
    as_of_total: str | None
    rows: list[BucketRow]
    chart: BarChart


@dataclass(frozen=True)
class OverdueCustomer:
    customer_id: str
    currency: str
    overdue: str
    total: str
    buckets: list[str]
    overdue_amount: Decimal


def overdue_of(buckets: dict[str, Any]) -> Decimal:
    """Overdue = every bucket but current."""
    return sum((to_decimal(v) for k, v in buckets.items() if k != "current"), Decimal(0))


def currency_ageing(report: dict[str, Any], as_of_report: dict[str, Any] | None
                    ) -> list[CurrencyAgeing]:
    """One block per currency; with an as-of report, two bars per bucket (now, as of)."""
    buckets: list[str] = report["buckets"]
    now = report["currencies"]
    then = as_of_report["currencies"] if as_of_report else {}
    currencies = sorted(set(now) | set(then))
    return [_one_currency(c, buckets, now.get(c), then.get(c) if as_of_report else None,
                          as_of_report is not None) for c in currencies]


def _one_currency(currency: str, buckets: list[str], now: dict[str, Any] | None,
                  then: dict[str, Any] | None, with_as_of: bool) -> CurrencyAgeing:
    now_b = (now or {}).get("buckets", {})
    then_b = (then or {}).get("buckets", {})
    rows, groups = [], []
    for b in buckets:
        amount_now = to_decimal(now_b.get(b))
        series = [(amount_now, format_compact(amount_now, currency))]
        as_of_shown = None
        if with_as_of:
            amount_then = to_decimal(then_b.get(b))
            series.append((amount_then, format_compact(amount_then, currency)))
            as_of_shown = format_money(amount_then, currency)
        rows.append(BucketRow(b, bucket_label(b), format_money(amount_now, currency), as_of_shown))
        groups.append((bucket_label(b), series))
    return CurrencyAgeing(
        currency=currency,
        total=format_money((now or {}).get("total"), currency),
        overdue=format_money(overdue_of(now_b), currency),
        as_of_total=format_money((then or {}).get("total"), currency) if with_as_of else None,
        rows=rows, chart=grouped_bars(groups))


def top_overdue(report: dict[str, Any], per_currency: int) -> dict[str, list[OverdueCustomer]]:
    """Per currency, the customers with the largest overdue amount (no FX: never mixed).
    The report is one page of customers: asked with `order=overdue`, it holds each
    currency's most overdue, which this ranks again (the same order) and cuts."""
    buckets: list[str] = report["buckets"]
    found: dict[str, list[OverdueCustomer]] = {}
    for customer_id, by_currency in report.get("customers", {}).items():
        for currency, figures in by_currency.items():
            amount = overdue_of(figures["buckets"])
            if amount <= 0:
                continue
            found.setdefault(currency, []).append(OverdueCustomer(
                customer_id=customer_id, currency=currency,
                overdue=format_money(amount, currency),
                total=format_money(figures["total"], currency),
                buckets=[format_money(figures["buckets"].get(b), currency)
                         for b in buckets if b != "current"],
                overdue_amount=amount))
    return {c: sorted(rows, key=lambda r: (-r.overdue_amount, r.customer_id))[:per_currency]
            for c, rows in sorted(found.items())}


def overdue_bucket_labels(report: dict[str, Any]) -> list[str]:
    return [bucket_label(b) for b in report["buckets"] if b != "current"]
