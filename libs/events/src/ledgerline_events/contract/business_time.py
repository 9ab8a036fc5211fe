"""Business time of facts given by a date only (an invoice's issue date, a payment's value
date): they take effect at the start of that day in UTC, never after now. So a document typed
in late counts in the reports as of its own date, the same way in every service."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from pydantic import BeforeValidator

from .base import UtcDateTime


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def instant_of_day(day: date, now: datetime) -> datetime:
    """The business instant of a fact dated `day` whose caller gave no instant."""
    return min(start_of(day), now)


def _a_day_means_its_end(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10:
        try:
            return end_of(date.fromisoformat(value))
        except ValueError:
            return value  # validation then names what is wrong
    return value


# A report's `as_of` / `known_at`: an instant with its offset, or a date meaning the end of it.
ReportInstant = Annotated[UtcDateTime, BeforeValidator(_a_day_means_its_end)]
