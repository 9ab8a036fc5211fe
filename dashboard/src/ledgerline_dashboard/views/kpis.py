"""DSO and CEI: this month so far and a monthly trend, from collections' `GET /kpis` asked
once per calendar month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ..money import format_days, format_money, format_percent, to_decimal
from .charts import sparkline


@dataclass(frozen=True)
class Month:
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class KpiHeadline:
    currency: str
    dso: str
    dso_standard: str
    cei: str
    disputed: str
    written_off: str
    closing_ar: str


@dataclass(frozen=True)
class KpiTrendRow:
    currency: str
    metric: str
    values: list[str]
    spark: str


def last_months(today: date, count: int) -> list[Month]:
    """The `count` calendar months ending with today's (that one up to today), oldest first."""
    months: list[Month] = []
    end = today
    for _ in range(max(count, 1)):
        start = end.replace(day=1)
        months.append(Month(start.strftime("%b %Y"), start, end))
        end = start - timedelta(days=1)
    return list(reversed(months))


def _optional(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


def headline(report: dict[str, Any]) -> list[KpiHeadline]:
    """One line per currency for the period the report covers."""
    return [KpiHeadline(
        currency=c, dso=format_days(k.get("dso_countback")),
        dso_standard=format_days(k.get("dso_standard")), cei=format_percent(k.get("cei_percent")),
        disputed=format_money(k.get("disputed"), c), written_off=format_money(k.get("written_off"), c),
        closing_ar=format_money(k.get("closing_ar"), c),
    ) for c, k in sorted(report.get("currencies", {}).items())]


def trend(reports: list[dict[str, Any] | None]) -> list[KpiTrendRow]:
    """DSO (countback) and CEI per currency, one value per month (None: month not available)."""
    currencies = sorted({c for r in reports if r for c in r.get("currencies", {})})
    rows = []
    for currency in currencies:
        for metric, key, shown in (("DSO", "dso_countback", format_days),
                                   ("CEI", "cei_percent", format_percent)):
            raw = [_optional(((r or {}).get("currencies", {}).get(currency) or {}).get(key))
                   for r in reports]
            rows.append(KpiTrendRow(currency, metric, [shown(v) for v in raw], sparkline(raw)))
    return rows
