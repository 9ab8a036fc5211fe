"""Late-payment interest (collections): the reference rate the law adds its points to, as
finance records it. The ECB main refinancing rate is set now and then; each setting is in force
from its date, and the law takes the one in force when each half-year begins."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .base import Event
from .money import DecimalAmount


class ReferenceRateRecorded(Event):
    """The ECB main refinancing rate set at `rate` percent a year, in force from `valid_from`
    (recorded again for the same date: a correction, the later one counts)."""

    event_type = "collections.ReferenceRateRecorded"
    valid_from: date
    rate: DecimalAmount = Field(ge=-10, le=100)
    recorded_by: str = Field(min_length=1, max_length=100)


LATE_INTEREST_EVENTS: tuple[type[Event], ...] = (ReferenceRateRecorded,)
