"""What the read API answers (documented in OpenAPI, checked on the way out). Amounts are
decimal strings, never floats, and never mixed across currencies; dates are ISO strings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, PlainSerializer, WithJsonSchema

from ledgerline_events.contract.base import ActorKind
from ledgerline_events.contract.collections import (
    CallOutcome,
    DisputeOutcome,
    DisputeReason,
    DunningLevel,
)
from ledgerline_events.contract.customer_master import Channel, ContactRole, CustomerDetails
from ledgerline_events.contract.invoice_status import InvoiceStatus
from ledgerline_events.contract.money import DecimalAmount, Money
from ledgerline_events.contract.sales import Language, ProofOfDelivery

from ..domain.promises import PromiseStatus

# An instant as these reports have always written it: ISO 8601 with its offset (+00:00).
Instant = Annotated[
    datetime,
    PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


class BucketFigures(BaseModel):
    buckets: dict[str, DecimalAmount]  # bucket label -> open amount
    total: DecimalAmount


class OpenItemAged(BaseModel):
    invoice_id: str
    invoice_number: str
    currency: str
    due_date: date
    open_amount: DecimalAmount
    days_overdue: int  # negative: not yet due
    bucket: str


# Ageing


class CustomerIdPage(BaseModel):
    """Customers by id; `next_after` is the `after` of the next page (None: the last page)."""

    order: Literal["customer_id"]
    limit: int
    after: str | None
    next_after: str | None


class OverduePage(BaseModel):
    """Per currency, the customers owing the most past due (no further page)."""

    order: Literal["overdue"]
    limit: int
    after: None
    next_after: None
    ranking: dict[str, list[str]]  # currency -> customer ids, the most overdue first


class Ageing(BaseModel):
    as_of: Instant
    as_of_date: date
    known_at: Instant | None
    buckets: list[str]  # the bucket labels, in order
    currencies: dict[str, BucketFigures]  # totals per currency
    customer_count: int  # customers with open items in all (not only this page)
    customers: dict[str, dict[str, BucketFigures]]  # customer -> currency -> figures
    page: Annotated[CustomerIdPage | OverduePage, Field(discriminator="order")]


class CustomerOpenItems(BaseModel):
    customer_id: str
    as_of: Instant
    known_at: Instant | None
    buckets: list[str]
    open_items: list[OpenItemAged]
    ageing: dict[str, BucketFigures]  # per currency


# The customer account view


class RemindedInvoiceRow(BaseModel):
    reminder_id: str
    invoice_id: str
    level: DunningLevel
    days_overdue: int
    open_amount: DecimalAmount
    run_date: date


class LetterRow(BaseModel):
    """A letter dated by the as-of day; the void only if it was void by then."""

    reminder_id: str
    customer_id: str
    currency: str
    level: DunningLevel
    run_date: date
    language: Language
    total: DecimalAmount
    letter: str
    voided_on: date | None
    voided_by: str | None
    void_reason: str | None
    # The letter post, by the as-of instant: emailed, print, retrying, failed, in_doubt.
    delivery: str | None = None
    delivered_at: Instant | None = None
    delivery_detail: str | None = None
    invoices: list[RemindedInvoiceRow]


class DisputeRow(BaseModel):
    dispute_id: str
    invoice_id: str
    customer_id: str
    amount: DecimalAmount
    currency: str
    reason: DisputeReason
    description: str
    opened_on: date
    status: Literal["open", "resolved"]
    outcome: DisputeOutcome | None
    note: str | None
    resolved_on: date | None
    # The delivery the invoice billed and its proof ("we never got the goods").
    delivered_on: date | None = None
    proof_of_delivery: ProofOfDelivery | None = None


class PromiseRow(BaseModel):
    """A promise with its status on the as-of day (derived from the payments)."""

    promise_id: str
    customer_id: str
    invoice_ids: list[str]
    amount: DecimalAmount
    currency: str
    promised_date: date
    recorded_on: date
    recorded_by: str
    status: PromiseStatus
    kept_on: date | None
    broken_on: date | None
    amount_short: DecimalAmount | None
    # Its written confirmation (the letter post), by the as-of instant, as for letters.
    delivery: str | None = None
    delivered_at: Instant | None = None
    delivery_detail: str | None = None


class CallRow(BaseModel):
    call_id: str
    customer_id: str
    contact_person: str
    outcome: CallOutcome
    note: str
    called_at: Instant
    collector: str


class WriteOffRow(BaseModel):
    write_off_id: str
    invoice_id: str
    customer_id: str
    amount: DecimalAmount
    currency: str
    reason: str
    approver: str
    written_off_on: date
    recovered: DecimalAmount


class CustomerAccount(BaseModel):
    customer_id: str
    as_of: Instant
    known_at: Instant | None
    name: str | None  # None: no invoice has told us the customer yet
    language: Language | None
    open_items: list[OpenItemAged]
    ageing: dict[str, BucketFigures]  # per currency
    dunning_history: list[LetterRow]
    disputes: list[DisputeRow]
    promises: list[PromiseRow]
    calls: list[CallRow]
    write_offs: list[WriteOffRow]
    invoice_copies: list[InvoiceCopyRow]  # "we never got the invoice": copies sent
    handovers: list[Handover]  # the account handed to a collection agency
    late_interest: list[InterestEarned] = []  # per overdue invoice, once rates are recorded


class InterestEarned(BaseModel):
    invoice_id: str
    days_accrued: int
    interest: Money
    indemnity: Money
    total: Money


class InvoiceCopyRow(BaseModel):
    copy_id: str
    invoice_id: str
    requested_by: str
    reason: str
    requested_at: Instant
    # The letter post, by the as-of instant: emailed, print, retrying, failed, in_doubt.
    delivery: str | None = None
    delivered_at: Instant | None = None
    delivery_detail: str | None = None


# Invoices, worklist, KPIs


class InvoiceOut(BaseModel):
    invoice_id: str
    invoice_number: str
    customer_id: str
    currency: str
    due_date: date
    open_amount: DecimalAmount
    status: InvoiceStatus
    movements: dict[str, DecimalAmount]  # kind of movement -> its sum


class AccountToWork(BaseModel):
    customer_id: str
    currency: str
    score: DecimalAmount  # the higher, the more urgent
    overdue_amount: DecimalAmount
    oldest_days_overdue: int
    broken_promises: int
    dunning_level: DunningLevel | None  # the latest letter's


class CurrencyKpis(BaseModel):
    opening_ar: DecimalAmount
    closing_ar: DecimalAmount
    closing_current_ar: DecimalAmount
    credit_sales: DecimalAmount
    dso_countback: DecimalAmount | None  # None: undefined (a zero denominator)
    dso_standard: DecimalAmount | None
    cei_percent: DecimalAmount | None
    disputed: DecimalAmount
    written_off: DecimalAmount
    recovered: DecimalAmount


class Kpis(BaseModel):
    start: date = Field(alias="from")
    to: date
    days: int
    dso_method: Literal["countback"]
    currencies: dict[str, CurrencyKpis]


class ContactOut(BaseModel):
    contact_id: str
    role: ContactRole
    name: str | None  # None once the customer's personal data is erased
    email: str | None
    phone: str | None
    working_hours: str
    preferred_channel: Channel


class CustomerMasterOut(BaseModel):
    customer_id: str
    details: CustomerDetails | None
    contacts: list[ContactOut]
    personal_data_erased: bool


class Debtor(BaseModel):
    customer_id: str
    name: str | None
    details: CustomerDetails | None
    contacts: list[ContactOut]


class Handover(BaseModel):
    handover_id: str
    currency: str
    agency: str
    invoice_ids: list[str]
    total: Money
    handed_over_on: date
    decided_by: str


class DeliveryRow(BaseModel):
    invoice_id: str
    delivered_on: date | None
    proof_of_delivery: ProofOfDelivery | None


class AgencyFile(BaseModel):
    """What a collection agency gets: the debtor, the open invoices handed over, and the
    account's history in that currency (letters with their dates and delivery, calls,
    promises and how they ended, disputes) and the proof of delivery of those invoices."""

    handover: Handover
    debtor: Debtor
    invoices: list[OpenItemAged]
    letters: list[LetterRow]
    calls: list[CallRow]
    promises: list[PromiseRow]
    disputes: list[DisputeRow]
    deliveries: list[DeliveryRow]  # what proves the goods of the handed invoices arrived


class LateInterest(BaseModel):
    invoice_id: str
    invoice_number: str
    customer_id: str
    country: str | None  # whose law: None for invoices recorded before it was kept
    due_date: date
    as_of: date
    margin_points: DecimalAmount  # over the reference rate
    days_accrued: int
    interest: Money
    indemnity: Money
    total: Money


class InterestNotYetInvoiced(InterestEarned):
    invoice_number: str


class CustomerLateInterest(BaseModel):
    """What the customer's statement shows beside its balance: the late-payment interest and
    indemnities earned by `as_of` that no claim or waiver took yet."""

    customer_id: str
    as_of: date
    rates_recorded: bool  # False: no reference rate yet, so nothing is worked out
    invoices: list[InterestNotYetInvoiced]


class HistoryEntry(BaseModel):
    occurred_at: Instant
    recorded_at: Instant
    event_type: str
    reference: str  # the invoice number, payment, dispute... the fact names
    actor: str  # the caller's subject, our component's name, or "unknown" (before actors)
    actor_kind: ActorKind
    actor_roles: list[str]


class CustomerHistory(BaseModel):
    customer_id: str
    as_of: Instant
    entries: list[HistoryEntry]  # the latest first


class WeekAmount(BaseModel):
    week_from: date
    amount: DecimalAmount


class ExpectedPayment(BaseModel):
    invoice_id: str
    customer_id: str
    currency: str
    expected_on: date
    amount: DecimalAmount


class CashForecast(BaseModel):
    """When the open invoices will be paid, from each customer's habits (days late)."""

    as_of: date
    weeks: int
    customers_days_late: dict[str, int]
    everyone_days_late: int  # for customers without history
    weekly: dict[str, list[WeekAmount]]  # per currency
    monthly: dict[str, dict[str, DecimalAmount]]  # per currency, per YYYY-MM
    not_expected: list[str]  # disputed invoices
    invoices: list[ExpectedPayment]  # each open invoice: when and how much


class BacktestForecast(BaseModel):
    as_of: date
    weeks_checked: int  # weeks after as_of the history covers
    forecast: dict[str, DecimalAmount]  # per currency, over the weeks forecast
    collected: dict[str, DecimalAmount]


class ForecastBacktest(BaseModel):
    """The forecasts as known at past dates against what was then collected."""

    from_: date = Field(alias="from")
    to: date
    step_weeks: int
    points: int
    invoices_compared: int
    mae_days: DecimalAmount | None  # mean absolute error of the expected day
    mae_weekly_amount: dict[str, DecimalAmount]  # per currency, over the weeks checked
    history_ends: date  # the last fact: later weeks cannot be checked
    forecasts: list[BacktestForecast]


class DunningOutcome(BaseModel):
    letters: int
    by_level: dict[str, int]
    customers_reached: int
    disputed_invoices_dunned: int  # invoices disputed in the period that got a letter


class WhatIfDifference(BaseModel):
    letters: int
    customers_reached: int
    disputed_invoices_dunned: int


class DunningWhatIf(BaseModel):
    """Another ladder over a past period, against what the live policy did."""

    from_: date = Field(alias="from")
    to: date
    run_days: int
    live: DunningOutcome
    what_if: DunningOutcome
    difference: WhatIfDifference  # what-if minus live
