"""Read API for dashboards: queries on our projections only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Response

from ledgerline_events.contract.money import check_currency
from ledgerline_events.contract.refusals import InvalidRequest, NotFound
from ledgerline_events.runtime.edges import AsOf, KnownAt
from ledgerline_events.runtime.pdf import PDF_RESPONSES, pdf_answer, text_pdf
from ledgerline_events.runtime.problems import Problem

from ..adapters import ageing_report, kpi_report, reports
from ..adapters import cash_forecast as forecast_reads
from ..adapters import customer_master as master_reads
from ..adapters import late_interest as interest_reads
from ..adapters.ageing_report import MAX_PAGE, Order, Page
from ..application import agency_handover
from ..application.customer_master import keyring_of
from ..application.dunning_what_if import what_if
from ..domain.agency_handover import handover_text
from ..domain.dunning import ladder_policy
from .deps import Now, Service
from .query_answers import (
    AccountToWork,
    Ageing,
    AgencyFile,
    CashForecast,
    CustomerAccount,
    CustomerHistory,
    CustomerLateInterest,
    CustomerMasterOut,
    CustomerOpenItems,
    DisputeRow,
    DunningWhatIf,
    ForecastBacktest,
    InvoiceOut,
    Kpis,
    LateInterest,
)

router = APIRouter(tags=["collections reports"])
# DSO counts back up to 12 months and the period ends the day after `to`: keep both in range.
KPI_FIRST_DAY, KPI_LAST_DAY = date(1901, 1, 1), date(9998, 12, 31)


@router.get("/ageing", response_model=Ageing,
            summary="Ageing by bucket per currency, and a page of customers, now or as of T")
async def ageing(
    app: Service, now: Now, as_of: AsOf = None, known_at: KnownAt = None,
    currency: str | None = None,
    customer_id: Annotated[list[str] | None, Query(max_length=MAX_PAGE)] = None,
    order: Order = "customer_id",
    limit: Annotated[int, Query(ge=0, le=MAX_PAGE)] = 100, after: str | None = None,
) -> dict[str, Any]:
    """`customer_id` (repeatable) lists each customer asked for, at zero if nothing is open;
    `known_at` gives the ageing as we knew it at that recorded time."""
    if after is not None and order != "customer_id":
        raise InvalidRequest("customer_id_order", "after pages the customer_id order only", "after")
    return await ageing_report.ageing(app.read_model, app.buckets, as_of or now,
                                      currency.upper() if currency else None, customer_id,
                                      Page(order, limit, after), known_at)


@router.get("/customers/{customer_id}", summary="Customer account view, now or as of T",
            response_model=CustomerAccount)
async def customer_account(customer_id: str, app: Service, now: Now, as_of: AsOf = None,
                           known_at: KnownAt = None) -> dict[str, Any]:
    """Open items, letters, disputes, promises (status derived as of T) and write-offs as of
    T (default now); `known_at` limits the open items to what we knew then. With the
    late-payment interest each overdue invoice earned by then, once reference rates exist."""
    view = await reports.account(app.read_model, keyring_of(app), app.buckets, customer_id,
                                 as_of or now, known_at)
    if view is None:
        raise HTTPException(404, detail=f"no customer {customer_id}")
    async with app.read_model.connection() as conn:
        if not await interest_reads.has_reference_rates(conn):
            return view
    overdue = [i["invoice_id"] for i in view["open_items"] if i["days_overdue"] > 0]
    earned = await interest_reads.earned_by(app.read_model, overdue, (as_of or now).date())
    return {**view, "late_interest": [e.earned() for e in earned]}


@router.get("/customers/{customer_id}/history", response_model=CustomerHistory,
            summary="Who did what on a customer's account, the latest first")
async def customer_history(customer_id: str, app: Service, now: Now, as_of: AsOf = None,
                           limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100
                           ) -> dict[str, Any]:
    """Every fact on the account (invoices, payments, clearing, letters, calls, disputes,
    promises, write-offs) with who acted: the authenticated caller, one of our components, or
    `unknown` for facts recorded before actors were."""
    return await reports.history(app.read_model, customer_id, as_of or now, limit)


@router.get("/customers/{customer_id}/open-items", summary="A customer's open items as of T",
            response_model=CustomerOpenItems)
async def open_items(customer_id: str, app: Service, now: Now, as_of: AsOf = None,
                     known_at: KnownAt = None, currency: str | None = None) -> dict[str, Any]:
    return await reports.open_items(app.read_model, app.buckets, customer_id, as_of or now,
                                    known_at, currency.upper() if currency else None)


@router.get("/invoices/{invoice_id}", summary="An invoice's open amount and status",
            response_model=InvoiceOut)
async def invoice(invoice_id: str, app: Service) -> dict[str, Any]:
    view = await reports.invoice(app.read_model, invoice_id)
    if view is None:
        raise HTTPException(404, detail=f"no invoice {invoice_id}")
    return view


@router.get("/worklist", summary="Collector worklist, most urgent first",
            response_model=list[AccountToWork])
async def worklist(app: Service, now: Now) -> list[dict[str, Any]]:
    return await reports.worklist(app.read_model, now)


@router.get("/disputes", summary="Dispute register", response_model=list[DisputeRow])
async def disputes(
    app: Service, status: Literal["open", "resolved"] | None = None
) -> list[dict[str, Any]]:
    return await reports.disputes(app.read_model, status)


@router.get("/kpis", summary="DSO (countback and standard), CEI, disputed and written-off",
            response_model=Kpis)
async def kpis(
    app: Service, start: Annotated[date, Query(alias="from")], to: date
) -> dict[str, Any]:
    if start > to:
        raise InvalidRequest("not_after_to", "from must not be after to", "from")
    if start < KPI_FIRST_DAY or to > KPI_LAST_DAY:
        raise InvalidRequest("date_range", f"dates between {KPI_FIRST_DAY} and {KPI_LAST_DAY}", "from")
    return await kpi_report.kpis(app.read_model, start, to)


@router.get("/customers/{customer_id}/master", response_model=CustomerMasterOut,
            summary="Details and contacts to reach (none once personal data is erased)")
async def customer_master(customer_id: str, app: Service) -> dict[str, Any]:
    view = await master_reads.customer_master(app.read_model, keyring_of(app), customer_id)
    if view is None:
        raise HTTPException(404, detail=f"no customer master for {customer_id}")
    return view


@router.get("/reminders/{reminder_id}/pdf", response_class=Response,
            summary="The dunning letter as a PDF (the same bytes on every replay; ETag: sha256)",
            responses=PDF_RESPONSES)
async def letter_as_pdf(reminder_id: str, app: Service) -> Response:
    letter = await reports.letter_text(app.read_model, reminder_id)
    if letter is None:
        raise HTTPException(404, detail=f"no letter {reminder_id}")
    pdf = text_pdf(reminder_id, letter)
    return pdf_answer(pdf, reminder_id, etag=True)


@router.get("/customers/{customer_id}/agency-handovers/{handover_id}", response_model=AgencyFile,
            summary="The file handed to the collection agency (machine-readable)")
async def agency_file(customer_id: str, handover_id: str, app: Service, now: Now
                      ) -> dict[str, Any]:
    found = await agency_handover.file_of(app, customer_id, handover_id, now)
    if found is None:
        raise HTTPException(404, detail=f"no hand-over {handover_id} of {customer_id}")
    return found


@router.get("/customers/{customer_id}/agency-handovers/{handover_id}/pdf",
            response_class=Response, summary="The file handed to the collection agency, to read",
            responses=PDF_RESPONSES)
async def agency_file_pdf(customer_id: str, handover_id: str, app: Service, now: Now
                          ) -> Response:
    found = await agency_handover.file_of(app, customer_id, handover_id, now)
    if found is None:
        raise HTTPException(404, detail=f"no hand-over {handover_id} of {customer_id}")
    pdf = text_pdf(handover_id, handover_text(found))
    return pdf_answer(pdf, handover_id, etag=False)


@router.get("/invoices/{invoice_id}/late-interest", response_model=LateInterest,
            summary="Statutory late-payment interest and indemnity an invoice has earned",
            responses={404: {"model": Problem}, 409: {"model": Problem}})
async def late_interest(invoice_id: str, app: Service, now: Now,
                        as_of: date | None = None) -> dict[str, Any]:
    """Interest per day on the amount open that day, from the day after the due date to
    `as_of` (default today), at the reference rate of the half-year plus the law's points of
    the customer's country (France +10, others +8), and the 40 EUR indemnity once per euro
    invoice paid late; days of an open dispute do not count."""
    found = await interest_reads.invoice_interest(app.read_model, invoice_id, as_of or now.date())
    if found is None:
        raise NotFound("invoice_known", f"no invoice {invoice_id}", "invoice_id")
    return found.answer()


@router.get("/customers/{customer_id}/late-interest", response_model=CustomerLateInterest,
            summary="Late-payment interest a customer's invoices earned, not yet claimed")
async def customer_late_interest(customer_id: str, app: Service, now: Now,
                                 as_of: date | None = None) -> dict[str, Any]:
    """Per invoice, what it earned by the end of `as_of` (default today) less what the claims
    and waivers up to that day took (by their own as_of, the date of the interest note a claim
    is billed on): the figures invoicing prints on a statement."""
    day = as_of or now.date()
    async with app.read_model.connection() as conn:
        recorded = await interest_reads.has_reference_rates(conn)
    due = (await interest_reads.not_yet_invoiced(app.read_model, app.store, customer_id, day)
           if recorded else [])
    return {"customer_id": customer_id, "as_of": day, "rates_recorded": recorded,
            "invoices": due}


@router.get("/cash-forecast", response_model=CashForecast,
            summary="When the open invoices will be paid, per week and month")
async def cash_forecast(app: Service, now: Now, as_of: date | None = None,
                        weeks: int = Query(default=13, ge=1, le=52),
                        recorded: bool = False) -> dict[str, Any]:
    """From each customer's own habit (days late after the due date, amount-weighted median
    of what it paid; broken promises double it); disputed invoices are not expected.
    `recorded`: only what was recorded by `as_of` too (the forecast a person saw then)."""
    return await forecast_reads.forecast(app.read_model, as_of or now.date(), weeks, recorded)


@router.get("/cash-forecast/backtest", response_model=ForecastBacktest,
            summary="The forecasts as known at past dates against what was then collected")
async def cash_forecast_backtest(
    app: Service, since: Annotated[date, Query(alias="from")],
    to: Annotated[date, Query()], step_weeks: int = Query(default=4, ge=1, le=26),
    weeks: int = Query(default=13, ge=1, le=52), recorded: bool = False,
) -> dict[str, Any]:
    """Every `step_weeks` from `from` to `to`: the forecast of that day (`recorded`: as it
    was recorded by then), the money collected in the weeks after, and the mean absolute
    errors (days, weekly amount)."""
    if to < since or (to - since).days > 3 * 366:
        raise InvalidRequest("period", "from..to: at most three years, `to` not before `from`",
                             "to")
    return await forecast_reads.backtest(app.read_model, since, to, step_weeks, weeks, recorded)


@router.get("/dunning-what-if", response_model=DunningWhatIf,
            summary="Another dunning ladder over a past period, against what the live one did")
async def dunning_what_if(
    app: Service, since: Annotated[date, Query(alias="from")], to: Annotated[date, Query()],
    days_after_due: Annotated[list[int], Query(min_length=4, max_length=4)],
    min_days_after_previous: int = Query(default=7, ge=0, le=365),
    grace_days: int = Query(default=0, ge=0, le=365),
    minimum: Annotated[list[str] | None, Query(description="CUR:amount, e.g. EUR:50")] = None,
) -> dict[str, Any]:
    """Read-only: the ladder (`days_after_due` per level, in order) run on the period's run
    days, each run seeing that day's open invoices, disputes and promises and its own earlier
    letters; letters by level, customers reached and disputed invoices dunned, both ways."""
    if to < since or (to - since).days > 366:
        raise InvalidRequest("period", "from..to: at most a year, `to` not before `from`", "to")
    try:
        policy = ladder_policy(days_after_due, min_days_after_previous,
                               _minimums(minimum or []), grace_days)
    except ValueError as bad:
        raise InvalidRequest("ladder", str(bad), "days_after_due") from bad
    return await what_if(app, since, to, policy)


def _minimums(given: list[str]) -> dict[str, Decimal]:
    minimums = {}
    for item in given:
        currency, _, amount = item.partition(":")
        try:
            minimums[check_currency(currency)] = Decimal(amount)
        except (ValueError, ArithmeticError) as bad:
            raise InvalidRequest("minimum", f"{item!r}: CUR:amount, e.g. EUR:50",
                                 "minimum") from bad
    return minimums
