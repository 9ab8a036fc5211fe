"""The answer to a publisher whose inbound event a consumer dead-lettered: what can be read
of the message (event id and type, order, customer), best effort, since the message may not
even be JSON; the reason; and where it was (topic, partition, offset)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError

from ledgerline_events.contract import Envelope, new_envelope
from ledgerline_events.contract.base import CustomerId
from ledgerline_events.contract.rejections import InboundEventRejected

from .projection import Record

_CUSTOMER_ID: TypeAdapter[str] = TypeAdapter(CustomerId)


def rejection_of(record: Record, reason: str, consumer: str, at: datetime) -> Envelope:
    sent = _readable(record.value)
    payload = _object(sent.get("payload"))
    customer = (_text(sent.get("customer_id")) or _text(payload.get("customer_id"))
                or _text(_object(payload.get("customer")).get("customer_id")))
    rejection_id = f"{record.topic}:{record.partition}:{record.offset}:{consumer}"
    event = InboundEventRejected(
        rejection_id=rejection_id[:300], rejected_event_id=_text(sent.get("event_id")),
        rejected_event_type=_text(sent.get("event_type")), order_id=_text(payload.get("order_id")),
        customer_id=customer, consumer=consumer, reason=reason[:4000] or "refused",
        source_topic=record.topic, source_partition=record.partition,
        source_offset=record.offset)
    return new_envelope(event, aggregate_id=f"rejection:{rejection_id}"[:128], aggregate_version=1,
                        customer_id=_valid_customer(customer), occurred_at=at, producer=consumer)


def _readable(value: bytes | None) -> dict[str, Any]:
    try:
        return _object(orjson.loads(value or b""))
    except orjson.JSONDecodeError:
        return {}


def _object(found: object) -> dict[str, Any]:
    return found if isinstance(found, dict) else {}


def _text(value: object) -> str | None:
    """A short printable identifier from the message, or None."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value)
        return text[:100] if text and "\x00" not in text else None
    return None


def _valid_customer(customer: str | None) -> str | None:
    """The envelope's customer only if it is one we accept (the message may be refused for it)."""
    try:
        return _CUSTOMER_ID.validate_python(customer) if customer else None
    except ValidationError:
        return None
