"""Events published by the collections service (dunning, promises, disputes, write-offs)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from .base import CustomerId, Event, UtcDateTime
from .money import Currency, Money
from .personal_data import Sealed
from .sales import Language, _Part


class DunningLevel(StrEnum):
    FRIENDLY_REMINDER = "friendly_reminder"
    REMINDER = "reminder"
    FINAL_NOTICE = "final_notice"
    AGENCY_HANDOVER = "agency_handover"


class RemindedInvoice(_Part):
    invoice_id: str
    invoice_number: str
    due_date: date
    open_amount: Money
    days_overdue: int = Field(ge=0)
    level: DunningLevel


class ReminderSent(Event):
    """A dunning letter went to the customer, listing every overdue invoice at its level."""

    event_type = "collections.ReminderSent"
    reminder_id: str = Field(min_length=1, max_length=64)
    level: DunningLevel  # the highest level among the listed invoices
    run_date: date
    currency: Currency
    language: Language
    invoices: list[RemindedInvoice] = Field(min_length=1)
    total_overdue: Money
    letter: str = Field(min_length=1)


class ReminderVoided(Event):
    """A letter sent in error is void: it no longer counts on the ladder from `voided_on`, so
    the level it carried may be sent again. The letter itself stays in the log."""

    event_type = "collections.ReminderVoided"
    reminder_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500)
    voided_by: str = Field(min_length=1, max_length=100)
    voided_on: date


class ProposedLetter(_Part):
    customer_id: CustomerId
    currency: Currency
    level: DunningLevel
    invoice_ids: list[str] = Field(min_length=1)
    total_overdue: Money


class DunningRunProposed(Event):
    """The scheduled run of `run_date` was planned without sending (review step): these
    letters wait for a collector's approval."""

    event_type = "collections.DunningRunProposed"
    run_id: str = Field(min_length=1, max_length=64)
    run_date: date
    letters: list[ProposedLetter] = Field(default_factory=list)


class DunningRunApproved(Event):
    """A collector approved a proposed run: its letters go out (as of its run date)."""

    event_type = "collections.DunningRunApproved"
    run_id: str = Field(min_length=1, max_length=64)
    run_date: date
    approved_by: str = Field(min_length=1, max_length=100)


class CallOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    LEFT_MESSAGE = "left_message"
    PROMISE_TO_PAY = "promise_to_pay"
    DISPUTE_RAISED = "dispute_raised"
    WRONG_CONTACT = "wrong_contact"


class CollectionCallLogged(Event):
    """A collector spoke (or tried to speak) to the customer."""

    event_type = "collections.CollectionCallLogged"
    schema_version = 2  # v1 carried the person's name in plain; see upcasters.py
    call_id: str = Field(min_length=1, max_length=64)
    contact: Sealed | None = Field(default=None, description=(
        "the person spoken to, sealed with the customer's key; None when their personal data "
        "was erased before the call"))
    contact_in_plain: str = Field(default="", max_length=200, description=(
        "v1 calls only: the name as v1 carried it (never written since v2)"))
    outcome: CallOutcome
    note: str = Field(default="", max_length=2000)
    called_at: UtcDateTime
    collector: str = Field(min_length=1, max_length=100)


class PromiseToPayRecorded(Event):
    """The customer promised to pay `amount` by `promised_date`; dunning pauses meanwhile."""

    event_type = "collections.PromiseToPayRecorded"
    promise_id: str = Field(min_length=1, max_length=64)
    invoice_ids: list[str] = Field(min_length=1)
    amount: Money
    promised_date: date
    recorded_by: str = Field(min_length=1, max_length=100)


class PromiseToPayKept(Event):
    """Payments reached the promised amount by the promised date."""

    event_type = "collections.PromiseToPayKept"
    promise_id: str = Field(min_length=1, max_length=64)
    kept_on: date


class PromiseToPayBroken(Event):
    """The promised date passed without the promised amount: dunning resumes."""

    event_type = "collections.PromiseToPayBroken"
    promise_id: str = Field(min_length=1, max_length=64)
    broken_on: date
    amount_short: Money


class DisputeReason(StrEnum):
    INVOICE_NOT_RECEIVED = "invoice_not_received"
    GOODS_NOT_RECEIVED = "goods_not_received"
    NEVER_ORDERED = "never_ordered"
    QUALITY_COMPLAINT = "quality_complaint"
    CREDIT_NOTE_PROMISED = "credit_note_promised"
    ALREADY_PAID = "already_paid"
    OTHER = "other"


class DisputeOutcome(StrEnum):
    CREDIT_NOTE = "credit_note"
    CUSTOMER_LIABLE = "customer_liable"
    WRITTEN_OFF = "written_off"


class DisputeOpened(Event):
    """The customer contests (part of) an invoice; dunning pauses on it."""

    event_type = "collections.DisputeOpened"
    dispute_id: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    amount: Money
    reason: DisputeReason
    description: str = Field(default="", max_length=2000)
    opened_on: date


class DisputeResolved(Event):
    """A dispute closed; the credit note or write-off it names follows as its own event."""

    event_type = "collections.DisputeResolved"
    dispute_id: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    outcome: DisputeOutcome
    note: str = Field(default="", max_length=2000)
    resolved_on: date


class WriteOffRequested(Event):
    """A write-off above the company's four-eyes threshold, asked for by one person: it
    changes nothing owed until a second person approves it (then `DebtWrittenOff`, same id)."""

    event_type = "collections.WriteOffRequested"
    write_off_id: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    amount: Money
    reason: str = Field(min_length=1, max_length=500)
    requested_by: str = Field(min_length=1, max_length=100)
    requested_on: date


class DebtWrittenOff(Event):
    """Debt judged uncollectible, fully or partly, with reason and approver: the signed-in
    person who approved it (after a `WriteOffRequested` of the same id: the second person)."""

    event_type = "collections.DebtWrittenOff"
    write_off_id: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    amount: Money
    reason: str = Field(min_length=1, max_length=500)
    approver: str = Field(min_length=1, max_length=100)
    written_off_on: date


class WrittenOffDebtRecovered(Event):
    """Written-off debt turned out collectible: the amount is owed again on the invoice (a
    reversal in the AR invariant) so the recovering payment can be allocated to it."""

    event_type = "collections.WrittenOffDebtRecovered"
    recovery_id: str = Field(min_length=1, max_length=64)
    write_off_id: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    amount: Money
    recovered_on: date


class ReportSnapshotTaken(Event):
    """A report was closed (e.g. the month-end ageing and balances) and stored as a file: this
    records which figures were reported, so a later audit can prove they came from the log by
    rebuilding as of the same instant and comparing checksums."""

    event_type = "collections.ReportSnapshotTaken"
    snapshot_id: str = Field(min_length=1, max_length=64)
    report: str = Field(min_length=1, max_length=100)
    period: str = Field(default="", max_length=20, description="e.g. 2026-10 for a month-end close")
    as_of: UtcDateTime
    checksum: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the canonical report")
    row_count: int = Field(ge=0)
    totals: list[Money] = Field(default_factory=list, description="open receivables per currency")
    file_name: str = Field(min_length=1, max_length=500)


class AccountHandedOver(Event):
    """After the final notice, the customer's open invoices in one currency go to a collection
    agency (or bailiff) with the file (GET /customers/{id}/agency-handovers/{id}); our own
    dunning of that account stops."""

    event_type = "collections.AccountHandedOver"
    handover_id: str = Field(min_length=1, max_length=64)
    currency: Currency
    agency: str = Field(min_length=1, max_length=200)
    invoice_ids: list[str] = Field(min_length=1)
    total: Money
    handed_over_on: date
    decided_by: str = Field(min_length=1, max_length=100)


COLLECTIONS_EVENTS: tuple[type[Event], ...] = (
    ReminderSent, ReminderVoided, DunningRunProposed, DunningRunApproved, CollectionCallLogged,
    PromiseToPayRecorded, PromiseToPayKept, PromiseToPayBroken, DisputeOpened, DisputeResolved,
    WriteOffRequested, DebtWrittenOff, WrittenOffDebtRecovered, ReportSnapshotTaken,
    AccountHandedOver,
)
