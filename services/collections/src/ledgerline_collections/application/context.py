"""What the application layer works with: the event store, our read model and the policies."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ledgerline_events.runtime import EventStore
from ledgerline_events.runtime.keyring import Keyring

from ..adapters.invoice_documents import InvoiceDocuments
from ..adapters.read_model import ReadModel
from ..domain.ageing import AgeingBuckets
from ..domain.dunning import DunningPolicy
from ..domain.letters import PaymentInstructions


@dataclass(frozen=True)
class Collections:
    store: EventStore
    read_model: ReadModel
    policy: DunningPolicy
    payment: PaymentInstructions
    buckets: AgeingBuckets
    # Approval limits count everyone's earlier write-offs on the customer, not only the caller's.
    write_off_limit_counts_everyone: bool = False
    # Write-offs above this amount (any currency) need a second person's approval.
    write_off_second_approval_above: Decimal | None = None
    # Collector -> the customers they work (the dunning run's `collector` scope).
    portfolios: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Opens and seals the customers' personal data (contacts), in our write schema.
    keyring: Keyring | None = None
    # Letters recorded go to the letter post's queue (application/letter_delivery.py).
    letter_post: bool = False
    # Invoicing's invoice PDFs, for copies sent by the letter post.
    invoice_documents: InvoiceDocuments | None = None


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"
