"""What became of a letter on its way to the customer (collections' letter post): a dunning
letter, the written confirmation of a promise to pay, or a copy of an invoice. E-mailed with
its PDF to the contact in charge; queued for print when the customer has no e-mail contact; a
failed attempt (the mail server refused for now: retried later); bounced (the mail server
refused the address for good: the letter goes to print instead); or in doubt (the sender
stopped while the mail server may already have taken it: never sent again by itself, a person
decides). `document_id` is the reminder's, the promise's or the invoice copy's id."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .base import Event, UtcDateTime
from .personal_data import Sealed

SHA256 = r"^[0-9a-f]{64}$"


class DocumentKind(StrEnum):
    DUNNING_LETTER = "dunning_letter"  # document_id: the ReminderSent's reminder_id
    PROMISE_CONFIRMATION = "promise_confirmation"  # document_id: the promise_id
    INVOICE_COPY = "invoice_copy"  # document_id: the InvoiceCopyRequested's copy_id


class InvoiceCopyRequested(Event):
    """"We never got the invoice": a copy goes to the customer at once, the invoice as issued
    (invoicing's own document), by the letter post."""

    event_type = "collections.InvoiceCopyRequested"
    copy_id: str = Field(min_length=1, max_length=64)
    invoice_id: str = Field(min_length=1, max_length=64)
    requested_by: str = Field(min_length=1, max_length=100)
    reason: str = Field(default="", max_length=500)


class LetterEmailed(Event):
    event_type = "collections.LetterEmailed"
    document_id: str = Field(min_length=1, max_length=64)
    document: DocumentKind
    message_id: str = Field(min_length=1, max_length=200)
    contact_id: str = Field(min_length=1, max_length=64)
    to: Sealed
    document_sha256: str = Field(pattern=SHA256, description="the PDF attached")


class LetterQueuedForPrint(Event):
    event_type = "collections.LetterQueuedForPrint"
    document_id: str = Field(min_length=1, max_length=64)
    document: DocumentKind
    reason: str = Field(min_length=1, max_length=500)
    document_sha256: str = Field(pattern=SHA256)


class LetterDeliveryFailed(Event):
    event_type = "collections.LetterDeliveryFailed"
    document_id: str = Field(min_length=1, max_length=64)
    document: DocumentKind
    attempt: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=500)
    retry_at: UtcDateTime | None = None  # None: no more attempts, a person takes it over


class LetterBounced(Event):
    """The mail server refused the contact's address for good (an SMTP 5xx reply): the letter
    is printed instead (a LetterQueuedForPrint follows) and the contact needs a new address."""

    event_type = "collections.LetterBounced"
    document_id: str = Field(min_length=1, max_length=64)
    document: DocumentKind
    contact_id: str = Field(min_length=1, max_length=64)
    smtp_code: int = Field(ge=500, le=599)
    reason: str = Field(min_length=1, max_length=500)


class LetterDeliveryInDoubt(Event):
    event_type = "collections.LetterDeliveryInDoubt"
    document_id: str = Field(min_length=1, max_length=64)
    document: DocumentKind
    message_id: str = Field(min_length=1, max_length=200)


DELIVERY_EVENTS: tuple[type[Event], ...] = (
    InvoiceCopyRequested, LetterEmailed, LetterQueuedForPrint, LetterDeliveryFailed, LetterBounced,
    LetterDeliveryInDoubt,
)
