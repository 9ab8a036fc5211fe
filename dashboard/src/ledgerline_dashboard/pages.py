"""What each page needs: the reads to make (at once), then the pure view models built from
the answers. A panel whose read failed carries a notice instead of figures."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from .config import DashboardSettings
from .sources import Fetched, ReadApis
from .views import ageing, cash, collections, credit, customer, forecast, kpis
from .views.kpis import Month


@dataclass
class Panel:
    """A page section: its view model, or the notice explaining why it is empty."""

    view: Any = None
    notice: str | None = None


def panel(fetched: Fetched, build: Any, *args: Any) -> Panel:
    if not fetched.ok:
        return Panel(notice=fetched.notice)
    try:
        return Panel(view=build(fetched.data, *args))
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        return Panel(notice=f"Unexpected answer from the service ({type(exc).__name__}: {exc}).")


@dataclass
class Overview:
    today: date
    as_of: date | None
    ageing: Panel
    top_overdue: Panel
    overdue_columns: list[str]
    kpis: Panel
    trend: Panel
    months: list[Month]
    worklist: Panel
    worklist_size: int
    disputes: Panel
    unapplied: Panel
    forecast: Panel = field(default_factory=Panel)
    names: dict[str, str] = field(default_factory=dict)
    invoice_numbers: dict[str, str] = field(default_factory=dict)


async def _names(apis: ReadApis, customer_ids: set[str]) -> dict[str, str]:
    """Best effort: a customer's name from the invoice register (its latest invoice)."""
    ids = sorted(customer_ids)
    answers = await asyncio.gather(*(apis.get("invoicing", "/invoices",
                                              {"customer_id": i, "limit": "1"}) for i in ids))
    return {i: a.data[0]["customer_name"] for i, a in zip(ids, answers, strict=True)
            if a.ok and a.data}


async def _invoice_numbers(apis: ReadApis, invoice_ids: set[str]) -> dict[str, str]:
    ids = sorted(invoice_ids)
    answers = await asyncio.gather(*(apis.get("invoicing", f"/invoices/{quote(i, safe='')}") for i in ids))
    return {i: a.data["invoice_number"] for i, a in zip(ids, answers, strict=True) if a.ok}


async def overview(apis: ReadApis, settings: DashboardSettings, today: date,
                   as_of: date | None, *, with_unapplied: bool = True) -> Overview:
    """`with_unapplied`: read (and show) unapplied cash, for the roles that see it."""
    months = kpis.last_months(today, settings.trend_months)
    reads: dict[str, tuple[str, str, dict[str, str] | None]] = {
        # Bucket totals of every customer, and the page holding each currency's most overdue.
        "ageing": ("collections", "/ageing", {
            "order": "overdue", "limit": str(settings.top_overdue_per_currency)}),
        "worklist": ("collections", "/worklist", None),
        "disputes": ("collections", "/disputes", {"status": "open"}),
        "forecast": ("collections", "/cash-forecast", {"as_of": (as_of or today).isoformat()}),
    }
    if with_unapplied:
        reads["unapplied"] = ("cash-application", "/unapplied", None)
    if as_of:
        reads["ageing_as_of"] = ("collections", "/ageing", {"as_of": as_of.isoformat(),
                                                            "limit": "0"})  # totals only
    for i, m in enumerate(months):
        reads[f"kpi{i}"] = ("collections", "/kpis", {"from": m.start.isoformat(), "to": m.end.isoformat()})
    got = await apis.get_many(reads)
    now = got["ageing"]
    then = got.get("ageing_as_of")
    if then is not None and not then.ok:
        ageing_panel = Panel(notice=then.notice)
    else:
        ageing_panel = panel(now, ageing.currency_ageing, then.data if then else None)
    top = panel(now, ageing.top_overdue, settings.top_overdue_per_currency)
    work = got["worklist"]
    latest = got[f"kpi{len(months) - 1}"]
    monthly = [got[f"kpi{i}"] for i in range(len(months))]
    page = Overview(
        today=today, as_of=as_of, ageing=ageing_panel, top_overdue=top,
        overdue_columns=ageing.overdue_bucket_labels(now.data) if now.ok else [],
        kpis=panel(latest, kpis.headline),
        trend=Panel(view=kpis.trend([m.data if m.ok else None for m in monthly]))
        if any(m.ok for m in monthly) else Panel(notice=latest.notice),
        months=months, worklist=panel(work, collections.worklist, settings.top_rows),
        worklist_size=len(work.data) if work.ok else 0,
        disputes=panel(got["disputes"], collections.open_disputes, settings.top_rows),
        unapplied=panel(got["unapplied"], lambda d, n: cash.unapplied_cash(d["payments"], n),
                        settings.top_rows) if with_unapplied else Panel(),
        forecast=panel(got["forecast"], forecast.cash_forecast))
    shown_ids = {r.customer_id for rows in (top.view or {}).values() for r in rows}
    shown_ids |= {r.customer_id for r in page.worklist.view or []}
    shown_ids |= {r.customer_id for r in (page.disputes.view.rows if page.disputes.view else [])}
    disputed_invoices = {r.invoice_id for r in (page.disputes.view.rows if page.disputes.view else [])}
    page.names, page.invoice_numbers = await asyncio.gather(
        _names(apis, shown_ids), _invoice_numbers(apis, disputed_invoices))
    return page


HISTORY_ROWS = 30  # the latest facts on the customer page; the audit trail has them all


@dataclass
class CustomerPage:
    customer_id: str
    today: date
    account: Panel
    credit: Panel
    cash: Panel
    name: str
    contacts: Panel
    e_invoices: Panel
    history: Panel = field(default_factory=Panel)


async def customer_page(apis: ReadApis, customer_id: str, today: date) -> CustomerPage:
    cid = quote(customer_id, safe="")
    got = await apis.get_many({
        "account": ("collections", f"/customers/{cid}", None),
        "credit": ("credit", f"/customers/{cid}/credit", None),
        "cash": ("cash-application", f"/customers/{cid}/balance", None),
        "master": ("collections", f"/customers/{cid}/master", None),
        "e_invoices": ("invoicing", "/e-invoices", {"customer_id": customer_id}),
        "history": ("collections", f"/customers/{cid}/history", {"limit": str(HISTORY_ROWS)}),
    })
    account = panel(got["account"], customer.customer_account)
    name = account.view.name if account.view else customer_id
    master = got["master"]
    contacts = (Panel(view=[]) if master.not_found
                else panel(master, customer.contacts))  # no master yet: nobody on file
    return CustomerPage(customer_id, today, account, panel(got["credit"], credit.credit_standing),
                        panel(got["cash"], credit.cash_position), name, contacts,
                        panel(got["e_invoices"], customer.e_invoices),
                        panel(got["history"], customer.history))


@dataclass
class WhatIfPage:
    asked: dict[str, str]  # the form as filled
    result: Panel  # None view: nothing asked yet
    period: str = ""


async def what_if_page(apis: ReadApis, asked: dict[str, str]) -> WhatIfPage:
    """A dunning what-if when the form asks one (read-only)."""
    if not (asked.get("from") and asked.get("to") and asked.get("days_after_due")):
        return WhatIfPage(asked, Panel())
    params = (("from", asked["from"]), ("to", asked["to"]),
              *[("days_after_due", d.strip()) for d in asked["days_after_due"].split(",")],
              *[("minimum", m.strip()) for m in asked.get("minimum", "").split(",") if m.strip()])
    got = await apis.get("collections", "/dunning-what-if", params)
    result = panel(got, forecast.what_if_rows)
    return WhatIfPage(asked, result, f"{asked['from']} to {asked['to']}"
                      + (f", {got.data['run_days']} run days" if got.ok else ""))


@dataclass
class ForecastPage:
    today: date
    forecast: Panel
    backtest: Panel


async def forecast_page(apis: ReadApis, today: date) -> ForecastPage:
    """The forecast from today, and the back-test of the forecasts made over the half-year
    before the last 13 weeks (whose collections are known by now)."""
    since, until = today - timedelta(weeks=39), today - timedelta(weeks=13)
    got = await apis.get_many({
        "forecast": ("collections", "/cash-forecast", {"as_of": today.isoformat()}),
        "backtest": ("collections", "/cash-forecast/backtest", {
            "from": since.isoformat(), "to": until.isoformat(), "step_weeks": "4"}),
    })
    return ForecastPage(today, panel(got["forecast"], forecast.cash_forecast),
                        panel(got["backtest"], forecast.backtest))
