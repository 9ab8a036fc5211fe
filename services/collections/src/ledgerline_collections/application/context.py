"""What the application layer works with: the event store, our read model and the policies."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ledgerline_events.runtime import EventStore

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


@dataclass(frozen=True)
class Write:
    """What every write request carries: its idempotency key, a fingerprint of the request
    (a reused key with another body is refused) and the business instant it happened."""

    idempotency_key: str
    fingerprint: str
    occurred_at: datetime

    @property
    def today(self) -> date:
        """The business date of the command (UTC)."""
        return self.occurred_at.date()


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"
