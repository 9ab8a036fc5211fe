"""What the write API answers (documented in OpenAPI, checked on the way out). Money is
`{amount, currency}` with a decimal string; dates are ISO strings. These answers are stored
for an Idempotency-Key and replayed: a field added later needs a default, so an answer
stored before it still validates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ledgerline_events.contract import Money
from ledgerline_events.contract.collections import DisputeOutcome, DunningLevel, ProposedLetter
from ledgerline_events.contract.money import DecimalAmount
from ledgerline_events.contract.sales import Language

from .query_answers import CustomerMasterOut, Handover

# Dunning


class LetterSent(BaseModel):
    """A dunning letter sent to one customer in one currency, listing its overdue invoices."""

    reminder_id: str
    customer_id: str
    currency: str
    level: DunningLevel  # the highest level among the listed invoices
    run_date: date
    total_overdue: Money
    invoices: list[str]  # invoice ids


class NoLetterSent(BaseModel):
    """An account whose letter another run sent meanwhile: nothing sent by this run (counted
    in `letters_sent` all the same)."""

    reminder_id: None


class LetterDrafted(BaseModel):
    """A dry run's letter: rendered, not sent (no reminder id)."""

    reminder_id: None
    customer_id: str
    currency: str
    level: DunningLevel
    run_date: date
    total_overdue: Money
    invoices: list[str]
    language: Language
    letter: str


class DunningRunDone(BaseModel):
    """Letters sent (`reminders`), or in a dry run only drafted (`letters`)."""

    run_date: date
    dry_run: bool
    customer_ids: list[str] | None  # the run's scope; None: every customer
    letters_sent: int
    reminders: list[LetterSent | NoLetterSent]
    letters: list[LetterDrafted]


class DunningRunApprovedOut(BaseModel):
    run_id: str
    run_date: date
    letters_sent: int
    reminders: list[LetterSent | NoLetterSent]


class ProposedRun(BaseModel):
    """A scheduled run waiting for a collector's approval, with the letters it would send."""

    run_id: str
    run_date: date
    letters: list[ProposedLetter]


class LetterVoided(BaseModel):
    reminder_id: str
    status: Literal["void"]
    voided_on: date
    voided_by: str
    reason: str


# Promises and calls


class PromiseKept(BaseModel):
    promise_id: str
    event: Literal["collections.PromiseToPayKept"]
    kept_on: date


class PromiseBroken(BaseModel):
    promise_id: str
    event: Literal["collections.PromiseToPayBroken"]
    broken_on: date
    amount_short: Money


class PromisesEvaluated(BaseModel):
    """The promises settled by this evaluation (already settled ones are not repeated)."""

    as_of: date
    settled: list[Annotated[PromiseKept | PromiseBroken, Field(discriminator="event")]]


class PromiseRecorded(BaseModel):
    promise_id: str
    status: Literal["open"]


class CallLogged(BaseModel):
    call_id: str
    contact_id: str | None = None  # the contact the call updated in the customer master


# Disputes and write-offs


class DisputeOpenedOut(BaseModel):
    dispute_id: str
    status: Literal["open"]


class DisputeResolvedOut(BaseModel):
    dispute_id: str
    status: Literal["resolved"]
    outcome: DisputeOutcome


class WriteOffDecided(BaseModel):
    """Written off at once, or (above the four-eyes threshold) waiting for a second person."""

    write_off_id: str
    invoice_id: str
    amount: Money
    # Answers stored before four eyes existed have no status: they were written off.
    status: Literal["written_off", "awaiting_second_approval"] = "written_off"


class WriteOffApproved(BaseModel):
    write_off_id: str
    invoice_id: str
    status: Literal["written_off"]
    approvers: list[str]  # who asked, then who approved


class RecoveryRecorded(BaseModel):
    recovery_id: str
    write_off_id: str


class CustomerMasterChanged(CustomerMasterOut):
    changed: bool  # false: the same as recorded already, nothing new in the log


class InvoiceCopyQueued(BaseModel):
    copy_id: str
    invoice_id: str
    status: Literal["queued"]  # the letter post sends it; its events say how it went


class HandedOver(Handover):
    customer_id: str


class ReferenceRateRecordedOut(BaseModel):
    valid_from: date
    rate: DecimalAmount


class InterestClaimed(BaseModel):
    claim_id: str
    invoice_id: str
    as_of: date
    interest: Money
    indemnity: Money


class InterestWaived(BaseModel):
    waiver_id: str
    invoice_id: str
    as_of: date
    interest: Money
    indemnity: Money


class InterestTermsOut(BaseModel):
    customer_id: str
    charged: bool
    agreed_rate: DecimalAmount | None
