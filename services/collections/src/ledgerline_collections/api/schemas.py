"""Request bodies of the write API. Every write may carry `occurred_at`, the business
instant it happened (default: now); dates in the events are taken from it."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from ledgerline_events.contract import Money
from ledgerline_events.contract.base import UtcDateTime
from ledgerline_events.contract.collections import CallOutcome, DisputeOutcome, DisputeReason
from ledgerline_events.contract.customer_master import Channel, ContactRole, CustomerDetails
from ledgerline_events.contract.money import Currency, DecimalAmount

from ..domain.customer_master import Contact


class WriteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occurred_at: UtcDateTime | None = None


class DunningRunBody(WriteBody):
    run_date: date | None = None  # default: the date of occurred_at (today); not after today
    customer_ids: list[str] | None = Field(default=None, min_length=1, max_length=1000)
    collector: str | None = Field(default=None, min_length=1, max_length=100)  # portfolio
    dry_run: bool = False  # the letters, rendered, without sending them


class VoidLetterBody(WriteBody):
    reason: str = Field(min_length=1, max_length=500)
    voided_by: str = Field(min_length=1, max_length=100)


class ApproveRunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approved_by: str = Field(min_length=1, max_length=100)


class CallBody(WriteBody):
    contact_person: str = Field(min_length=1, max_length=200)
    outcome: CallOutcome
    note: str = Field(default="", max_length=2000)
    called_at: UtcDateTime | None = None
    collector: str = Field(min_length=1, max_length=100)
    contact: CallContact | None = None  # the contact the call found out, kept in the master


class PromiseBody(WriteBody):
    invoice_ids: list[str] = Field(min_length=1, max_length=200)
    amount: Money
    promised_date: date
    recorded_by: str = Field(min_length=1, max_length=100)


class DisputeBody(WriteBody):
    amount: Money | None = None  # default: the whole open amount
    reason: DisputeReason
    description: str = Field(default="", max_length=2000)


class ResolveBody(WriteBody):
    outcome: DisputeOutcome
    note: str = Field(default="", max_length=2000)


class WriteOffBody(WriteBody):
    amount: Money | None = None  # default: full write-off of what is open
    reason: str = Field(min_length=1, max_length=500)
    # Older clients name an approver; the event records the signed-in caller instead.
    approver: str | None = Field(default=None, max_length=100, deprecated=True)


class ApprovalBody(WriteBody):
    """The second person's approval: who it is comes from their token."""


class RecoveryBody(WriteBody):
    amount: Money


class EvaluatePromisesBody(WriteBody):
    as_of: date | None = None  # default: the date of occurred_at (today); not after today
    customer_ids: list[str] | None = Field(default=None, min_length=1, max_length=1000)


class ContactFields(BaseModel):
    """A contact to reach about what the customer owes; name, e-mail and phone are kept
    sealed (erasable)."""

    model_config = ConfigDict(extra="forbid")

    role: ContactRole
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    working_hours: str = Field(default="", max_length=200, examples=["Mon-Fri 9:00-12:00"])
    preferred_channel: Channel = Channel.EMAIL

    def contact(self, contact_id: str) -> Contact:
        return Contact(contact_id, self.role, self.name, self.email, self.phone,
                       self.working_hours, self.preferred_channel)


class ContactBody(WriteBody, ContactFields):
    pass


class CallContact(ContactFields):
    """Who was reached on a call (the person in charge of paying, their phone, e-mail and
    working hours): kept as the customer's contact `contact_id`."""

    contact_id: str = Field(default="ap", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")


class DetailsBody(WriteBody, CustomerDetails):
    pass


class ErasureBody(WriteBody):
    reason: str = Field(min_length=1, max_length=500)


class InvoiceCopyBody(WriteBody):
    reason: str = Field(default="", max_length=500, examples=["never received the invoice"])


class HandoverBody(WriteBody):
    currency: Currency
    agency: str = Field(min_length=1, max_length=200, examples=["Recouvrement Dupont SARL"])


class ReferenceRateBody(WriteBody):
    """The ECB main refinancing rate as set, in percent a year (e.g. "2.15")."""

    rate: DecimalAmount = Field(ge=-10, le=100)
    recorded_by: str = Field(min_length=1, max_length=100)


class InterestClaimBody(WriteBody):
    as_of: date  # what the invoice earned up to this day (not after today)
    claimed_by: str = Field(min_length=1, max_length=100)


class InterestWaiverBody(WriteBody):
    as_of: date
    reason: str = Field(min_length=1, max_length=500)
    waived_by: str = Field(min_length=1, max_length=100)
    approved_by: str = Field(min_length=1, max_length=100)  # someone else


class InterestTermsBody(WriteBody):
    """A contract's late-payment terms: its own yearly rate (null: the law's), or none at all."""

    agreed_rate: DecimalAmount | None = Field(default=None, ge=0, le=100)
    charged: bool = True  # false: a consumer, or interest waived by contract
    recorded_by: str = Field(min_length=1, max_length=100)
