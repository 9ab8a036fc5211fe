"""The customer master, owned by collections: who the customer is (legal name, billing
address, VAT id, language, default payment terms) and whom to reach about what it owes (its
contacts, each with a role and a preferred channel). Fed by the ERP (`sales.CustomerUpserted`)
and edited by collectors and finance; every change is one of these events, on the
collections topic. A contact's name, e-mail and phone are personal data: sealed
(personal_data.py), so erasing the customer's key erases them everywhere."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from .base import CustomerId, Event
from .parties import Address
from .personal_data import Sealed
from .sales import Language, PaymentTerms


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ContactRole(StrEnum):
    ACCOUNTS_PAYABLE = "accounts_payable"  # the person in charge of paying: letters go here
    BILLING = "billing"  # receives invoices and statements
    MANAGEMENT = "management"  # the superior to ask for when the person in charge is away
    LEGAL = "legal"  # formal demands, the agency hand-over


class Channel(StrEnum):
    EMAIL = "email"
    POST = "post"
    PHONE = "phone"


class CustomerDetails(_Part):
    legal_name: str = Field(min_length=1, max_length=200)
    billing_address: Address
    vat_id: str = Field(default="", max_length=20, pattern=r"^[A-Z0-9]*$")
    language: Language = Language.EN
    payment_terms: PaymentTerms | None = None


class CustomerDetailsRecorded(Event):
    """The customer's details as they are from now on (the whole set, not a difference)."""

    event_type = "collections.CustomerDetailsRecorded"
    details: CustomerDetails
    changed_by: str = Field(min_length=1, max_length=100)


class ContactSaved(Event):
    """A contact added or changed (the whole contact). Working hours say when to call."""

    event_type = "collections.ContactSaved"
    contact_id: str = Field(min_length=1, max_length=64)
    role: ContactRole
    name: Sealed
    email: Sealed | None = None
    phone: Sealed | None = None
    working_hours: str = Field(default="", max_length=200)
    preferred_channel: Channel = Channel.EMAIL
    changed_by: str = Field(min_length=1, max_length=100)


class ContactRemoved(Event):
    event_type = "collections.ContactRemoved"
    contact_id: str = Field(min_length=1, max_length=64)
    changed_by: str = Field(min_length=1, max_length=100)


class PersonalDataErased(Event):
    """A data subject's request: the customer's key is destroyed, so every sealed value of
    theirs in the log is unreadable from now on; the financial facts stay."""

    event_type = "collections.PersonalDataErased"
    requested_by: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)


class InboundContact(_Part):
    """A contact as the ERP knows it, in plain text (its own topic, its own retention): we
    keep it sealed."""

    contact_ref: str = Field(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9._-]+$")
    role: ContactRole
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    working_hours: str = Field(default="", max_length=200)
    preferred_channel: Channel = Channel.EMAIL


class CustomerUpserted(Event):
    """Inbound, on the sales topic: the ERP's view of a customer, whole. Contacts it no longer
    lists are removed; contacts collectors added stay."""

    event_type = "sales.CustomerUpserted"
    customer_id: CustomerId
    details: CustomerDetails
    contacts: list[InboundContact] = Field(default_factory=list, max_length=20)


CUSTOMER_MASTER_EVENTS: tuple[type[Event], ...] = (
    CustomerUpserted, CustomerDetailsRecorded, ContactSaved, ContactRemoved, PersonalDataErased,
)
