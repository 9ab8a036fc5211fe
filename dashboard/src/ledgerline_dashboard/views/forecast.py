"""The cash forecast panel (collections' GET /cash-forecast) and a dunning what-if's
comparison (GET /dunning-what-if), as the pages show them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..money import format_money, to_decimal
from .labels import humanize

LEVELS = ("friendly_reminder", "reminder", "final_notice", "agency_handover")


@dataclass(frozen=True)
class ForecastView:
    currencies: list[str]
    weeks: list[tuple[str, list[str]]]  # week starting, the amount per currency
    totals: dict[str, str]  # per currency, over the weeks
    not_expected: int  # disputed invoices left out


def cash_forecast(body: dict[str, Any]) -> ForecastView:
    currencies = sorted(body["weekly"])
    starts = [w["week_from"] for w in next(iter(body["weekly"].values()), [])]
    weeks = [(start, [format_money(body["weekly"][c][n]["amount"], c) for c in currencies])
             for n, start in enumerate(starts)]
    totals = {c: format_money(sum((to_decimal(w["amount"]) for w in body["weekly"][c]),
                                  Decimal(0)), c) for c in currencies}
    return ForecastView(currencies, weeks, totals, len(body.get("not_expected", [])))


@dataclass(frozen=True)
class WhatIfRow:
    name: str
    live: int
    what_if: int

    @property
    def difference(self) -> str:
        return f"{self.what_if - self.live:+d}"


def what_if_rows(body: dict[str, Any]) -> list[WhatIfRow]:
    live, other = body["live"], body["what_if"]
    return [WhatIfRow("Letters", live["letters"], other["letters"]),
            *[WhatIfRow(f"· {humanize(level)}", live["by_level"].get(level, 0),
                        other["by_level"].get(level, 0)) for level in LEVELS],
            WhatIfRow("Customers reached", live["customers_reached"], other["customers_reached"]),
            WhatIfRow("Disputed invoices dunned", live["disputed_invoices_dunned"],
                      other["disputed_invoices_dunned"])]


@dataclass(frozen=True)
class BacktestView:
    """How the forecasts of past dates fared against what was then collected."""

    period: str
    mae_days: str  # "" when no invoice could be compared
    mae_amount: dict[str, str]  # per currency, formatted
    rows: list[tuple[str, int, dict[str, str], dict[str, str]]]  # as of, weeks, said, came
    currencies: list[str]


def backtest(body: dict[str, Any]) -> BacktestView:
    currencies = sorted({c for p in body["forecasts"] for c in (*p["forecast"], *p["collected"])})
    rows = [(p["as_of"], p["weeks_checked"],
             {c: format_money(p["forecast"].get(c, "0"), c) for c in currencies},
             {c: format_money(p["collected"].get(c, "0"), c) for c in currencies})
            for p in body["forecasts"]]
    return BacktestView(f"{body['from']} to {body['to']}, every {body['step_weeks']} weeks",
                        f"{body['mae_days']} days" if body["mae_days"] is not None else "",
                        {c: format_money(v, c) for c, v in body["mae_weekly_amount"].items()},
                        rows, currencies)
