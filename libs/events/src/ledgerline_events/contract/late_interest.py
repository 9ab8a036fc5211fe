"""Late-payment interest (collections): the reference rate the law adds its points to, as
finance records it (the ECB main refinancing rate is set now and then; each setting is in force
from its date, and the law takes the one in force when each half-year begins); and what finance
does with what an invoice earned: claim it (invoicing then issues an interest note, an invoice
of series INT) or waive it. Each claims or waives what accrued since the last one (stream
`late-interest:<invoice id>`)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .base import Event
from .money import DecimalAmount, Money
from .sales import Customer


class ReferenceRateRecorded(Event):
    """The ECB main refinancing rate set at `rate` percent a year, in force from `valid_from`
    (recorded again for the same date: a correction, the later one counts)."""

    event_type = "collections.ReferenceRateRecorded"
    valid_from: date
    rate: DecimalAmount = Field(ge=-10, le=100)
    recorded_by: str = Field(min_length=1, max_length=100)


class LateInterestClaimed(Event):
    """What an invoice earned up to `as_of` and was not claimed or waived before; invoicing
    bills it to `customer` on an interest note."""

    event_type = "collections.LateInterestClaimed"
    claim_id: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    invoice_number: str = Field(min_length=1, max_length=64)
    customer: Customer
    as_of: date
    days: int = Field(ge=0)
    interest: Money
    indemnity: Money
    claimed_by: str = Field(min_length=1, max_length=100)


class LateInterestWaived(Event):
    """What an invoice earned up to `as_of` that we will not claim, with who approved it."""

    event_type = "collections.LateInterestWaived"
    waiver_id: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    as_of: date
    interest: Money
    indemnity: Money
    reason: str = Field(min_length=1, max_length=500)
    waived_by: str = Field(min_length=1, max_length=100)
    approved_by: str = Field(min_length=1, max_length=100)


class InterestTermsAgreed(Event):
    """A customer's contract sets its own late-payment terms: an agreed yearly rate instead of
    the law's, or no interest at all (a consumer, who is owed none by the law)."""

    event_type = "collections.InterestTermsAgreed"
    agreed_rate: DecimalAmount | None = Field(default=None, ge=0, le=100)
    charged: bool = True
    recorded_by: str = Field(min_length=1, max_length=100)


LATE_INTEREST_EVENTS: tuple[type[Event], ...] = (ReferenceRateRecorded, LateInterestClaimed,
                                                 LateInterestWaived, InterestTermsAgreed)
