"""The event contract: one definition of every event, shared by producers and consumers."""

from .base import Envelope, Event, new_envelope
from .catalogue import EVENT_TYPES, UndecodableEvent, decode, encode
from .money import Money
from .topics import Topics

__all__ = [
    "EVENT_TYPES", "Envelope", "Event", "Money", "Topics", "UndecodableEvent",
    "decode", "encode", "new_envelope",
]
