"""Every event type we read or write, in one visible registry, with the codec that turns
bytes on the wire into envelopes (upcasting older schema versions on the way)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, Union

import orjson
from pydantic import Field, TypeAdapter, ValidationError, create_model

from .base import Envelope, Event
from .cash_application import CASH_APPLICATION_EVENTS
from .collections import COLLECTIONS_EVENTS
from .credit import CREDIT_EVENTS
from .customer_master import CUSTOMER_MASTER_EVENTS
from .deliveries import DELIVERY_EVENTS
from .invoicing import INVOICING_EVENTS
from .late_interest import LATE_INTEREST_EVENTS
from .rejections import REJECTION_EVENTS
from .sales import SALES_EVENTS
from .upcasters import UPCASTERS

EVENT_TYPES: dict[str, type[Event]] = {
    cls.event_type: cls
    for cls in (
        *SALES_EVENTS, *INVOICING_EVENTS, *CASH_APPLICATION_EVENTS,
        *COLLECTIONS_EVENTS, *CUSTOMER_MASTER_EVENTS, *DELIVERY_EVENTS,
        *CREDIT_EVENTS, *LATE_INTEREST_EVENTS, *REJECTION_EVENTS,
    )
}


def _pinned_envelope(cls: type[Event]) -> type[Envelope]:
    """The envelope with its type, current version and payload class pinned, so that
    pydantic-core validates the raw bytes in one pass (no intermediate dict)."""
    event_type: Any = Literal[cls.event_type]
    version: Any = Literal[cls.schema_version]
    return create_model(
        f"{cls.__name__}Envelope", __base__=Envelope,
        event_type=(event_type, ...), schema_version=(version, ...), payload=(cls, ...),
    )


# The current-version message of every known type (the AsyncAPI document's schemas too).
PINNED_ENVELOPES: dict[str, type[Envelope]] = {
    event_type: _pinned_envelope(cls) for event_type, cls in EVENT_TYPES.items()}
# The `event_type` tag picks the model.
_PINNED: Any = Union[tuple(PINNED_ENVELOPES.values())]  # noqa: UP007
_CURRENT: TypeAdapter[Envelope] = TypeAdapter(Annotated[_PINNED, Field(discriminator="event_type")])


class UndecodableEvent(ValueError):
    """A message that is not a valid event of a known type: it belongs in the dead-letter topic."""

    def __init__(self, reason: str, event_type: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.event_type = event_type


def encode(envelope: Envelope) -> bytes:
    return orjson.dumps(envelope.to_wire())


def upcast(event_type: str, version: int, payload: dict[str, Any]) -> dict[str, Any]:
    """Bring an older payload up to the current schema version, one step at a time."""
    current = EVENT_TYPES[event_type].schema_version
    while version < current:
        step: Callable[[dict[str, Any]], dict[str, Any]] | None = UPCASTERS.get(
            (event_type, version)
        )
        if step is None:
            raise UndecodableEvent(f"no upcaster for {event_type} v{version}", event_type)
        try:
            payload, version = step(payload), version + 1
        except (ValueError, KeyError, TypeError, ArithmeticError) as exc:  # the sender's data
            raise UndecodableEvent(f"{event_type} v{version} cannot be upcast: {exc!r}",
                                   event_type) from exc
    if version > current:
        raise UndecodableEvent(
            f"{event_type} v{version} is newer than this reader (v{current})", event_type
        )
    return payload


def decode(raw: bytes | str | dict[str, Any]) -> Envelope:
    """Parse a wire message into an envelope with its typed payload, or raise UndecodableEvent.

    Replays decode millions of messages: a current-version event is validated straight from
    its bytes; anything else (older version, unknown type, invalid) takes the general path,
    which upcasts or says precisely what is wrong."""
    if isinstance(raw, bytes | str):
        try:
            pinned = _CURRENT.validate_json(raw)
        except ValidationError:
            pass
        else:
            return pinned
    return _decode_general(raw)


def _decode_general(raw: bytes | str | dict[str, Any]) -> Envelope:
    try:
        data = orjson.loads(raw) if isinstance(raw, bytes | str) else dict(raw)
    except orjson.JSONDecodeError as exc:
        raise UndecodableEvent(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise UndecodableEvent("an event must be a JSON object")
    event_type = data.get("event_type")
    cls = EVENT_TYPES.get(event_type) if isinstance(event_type, str) else None
    if cls is None:
        raise UndecodableEvent(f"unknown event type {event_type!r}", str(event_type))
    payload = data.get("payload")
    version = data.get("schema_version")
    if not isinstance(payload, dict) or not isinstance(version, int):
        raise UndecodableEvent("payload must be an object and schema_version an integer", cls.event_type)
    try:
        typed = cls.model_validate(upcast(cls.event_type, version, payload))
        return Envelope.model_validate({**data, "schema_version": cls.schema_version, "payload": typed})
    except ValidationError as exc:
        raise UndecodableEvent(_describe(exc), cls.event_type) from exc


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()
    )
