"""The base of every event payload and the envelope that carries it on the wire."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID, uuid4

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError


def _aware_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError("timezone_required",
                                  "instants must be timezone-aware (give the UTC offset)")
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-12:00 has no UTC instant
        raise PydanticCustomError("date_outside_window",
                                  "the instant is outside the calendar in UTC") from None


UtcDateTime = Annotated[datetime, AfterValidator(_aware_utc)]
# A customer's id names it in every URL (`/customers/{id}/...`): a slash would split the path,
# so no route could ever find the customer.
CustomerId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^/]+$")]


class Event(BaseModel):
    """A fact that happened in the business. Subclasses set a stable `event_type` string
    (``invoicing.InvoiceIssued``) and bump `schema_version` with an upcaster beside them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1


class ActorKind(StrEnum):
    CALLER = "caller"  # an authenticated caller of our API: a person, or another system's token
    COMPONENT = "component"  # one of ours acting on its own: an intake, the daily run, a worker
    UNKNOWN = "unknown"  # written before envelopes named their actor (envelope version 1)


class Actor(BaseModel):
    """Who made the event happen, for the auditor: the caller's subject and roles as its token
    or API key proved them, or the component that acted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ActorKind
    subject: str = Field(min_length=1, max_length=128)
    roles: tuple[str, ...] = Field(default=(), max_length=16)

    @classmethod
    def component(cls, name: str) -> Actor:
        return cls(kind=ActorKind.COMPONENT, subject=name)


UNKNOWN_ACTOR = Actor(kind=ActorKind.UNKNOWN, subject="unknown")
# 2: the envelope names its actor. A version 1 envelope (neither field) reads as version 2
# with UNKNOWN_ACTOR: the fields' defaults are that upcast (upcasters.envelope_v1_to_v2 says
# it in words), so old history still takes the decoder's fast path.
ENVELOPE_VERSION: Literal[2] = 2


class Envelope(BaseModel):
    """Metadata every event travels with. `occurred_at` is business time (what as-of queries
    use); `recorded_at` is when our store wrote it; `actor` who made it happen."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    envelope_version: Literal[2] = ENVELOPE_VERSION
    event_id: UUID = Field(default_factory=uuid4)
    event_type: str
    schema_version: int = Field(ge=1)
    customer_id: CustomerId | None = None
    aggregate_id: str = Field(min_length=1, max_length=128)
    aggregate_version: int = Field(ge=1)
    occurred_at: UtcDateTime
    recorded_at: UtcDateTime
    correlation_id: str = Field(min_length=1, max_length=128)
    causation_id: str | None = Field(default=None, max_length=128)
    producer: str = Field(min_length=1, max_length=64)
    actor: Actor = UNKNOWN_ACTOR
    payload: Event

    def __eq__(self, other: object) -> bool:
        # Decoding yields a subclass per event type (pinned payload class, see the catalogue);
        # it is the same envelope as one built by hand, which pydantic's equality would deny.
        if not isinstance(other, Envelope):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(self.event_id)

    @property
    def partition_key(self) -> bytes:
        """Everything about one customer from one producer stays in order on one partition."""
        return (self.customer_id or self.aggregate_id).encode()

    def to_wire(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude={"payload"})
        data["payload"] = self.payload.model_dump(mode="json")
        return data


def new_envelope(
    payload: Event,
    *,
    aggregate_id: str,
    aggregate_version: int,
    customer_id: str | None,
    occurred_at: datetime,
    producer: str,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    recorded_at: datetime | None = None,
    actor: Actor | None = None,
) -> Envelope:
    """Wrap a payload; the caller passes times (the domain never reads the clock). Without an
    actor, the producer itself acted."""
    event_id = uuid4()
    return Envelope(
        event_id=event_id,
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        customer_id=customer_id,
        aggregate_id=aggregate_id,
        aggregate_version=aggregate_version,
        occurred_at=occurred_at,
        recorded_at=recorded_at or occurred_at,
        correlation_id=correlation_id or str(event_id),
        causation_id=causation_id,
        producer=producer,
        actor=actor or Actor.component(producer),
        payload=payload,
    )
