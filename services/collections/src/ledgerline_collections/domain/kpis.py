"""Collection KPIs, per currency.

DSO (days sales outstanding), two methods:
- standard: closing AR / credit sales of the period x days in the period;
- countback (the default we report first): walk back from the period end through the most
  recent sales periods, consuming each period's credit sales against closing AR, counting a
  period's full days while AR exceeds its sales and the proportional share of the last one.
  Countback is not distorted by seasonal swings in sales, which is why we prefer it.
CEI (collection effectiveness index) for a period, in percent:
  (opening AR + credit sales - closing total AR) / (opening AR + credit sales - closing
  current AR) x 100, where "current" is the part of closing AR not yet due.
Undefined ratios (a zero denominator) are reported as None, never as a made-up zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def dso_standard(closing_ar: Decimal, credit_sales: Decimal, days: int) -> Decimal | None:
    """Standard DSO: closing AR / credit sales of the period x days in the period."""
    if credit_sales <= 0:
        return None
    return _round(closing_ar / credit_sales * days)


@dataclass(frozen=True)
class SalesPeriod:
    """Credit sales of one period (e.g. a month) and its length in days."""

    days: int
    credit_sales: Decimal


def dso_countback(
    closing_ar: Decimal, periods_most_recent_first: Sequence[SalesPeriod]
) -> Decimal | None:
    """Countback DSO: days of the most recent sales it takes to account for closing AR.
    When AR exceeds all the sales given, the full span is returned (a lower bound)."""
    if not periods_most_recent_first:
        return None
    remaining, days = closing_ar, Decimal(0)
    for period in periods_most_recent_first:
        if remaining <= 0:
            break
        if remaining <= period.credit_sales:
            days += Decimal(period.days) * remaining / period.credit_sales
            remaining = Decimal(0)
        else:
            days += period.days
            remaining -= period.credit_sales
    return _round(days)


def collection_effectiveness_index(
    opening_ar: Decimal, credit_sales: Decimal, closing_ar: Decimal, closing_current_ar: Decimal
) -> Decimal | None:
    """CEI in percent: what was collected of what was collectible in the period."""
    collectible = opening_ar + credit_sales - closing_current_ar
    if collectible <= 0:
        return None
    return _round((opening_ar + credit_sales - closing_ar) / collectible * 100)
