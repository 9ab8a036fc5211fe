"""Business time, the same in every service. Facts given by a date only (an invoice's issue
date, a payment's value date) take effect at the start of that day in UTC, never after now, so
a document typed in late counts in the reports as of its own date. Nothing is dated after now,
give or take a small tolerance (callers' clocks drift)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from pydantic import BeforeValidator

from .base import UtcDateTime
from .refusals import InvalidRequest


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def instant_of_day(day: date, now: datetime) -> datetime:
    """The business instant of a fact dated `day` whose caller gave no instant."""
    return min(start_of(day), now)


def not_in_the_future(field: str, when: date | datetime | None, latest: datetime) -> None:
    """A business instant may be at most `latest` (now plus the tolerance), a date at most
    latest's date."""
    if when is None:
        return
    late = when > latest if isinstance(when, datetime) else when > latest.date()
    if late:
        raise InvalidRequest("not_in_the_future",
                             f"{field} {when.isoformat()} is in the future (after {latest.isoformat()})",
                             field)


def business_instant(field: str, given: datetime | None, day: date | None,
                     now: datetime, latest: datetime) -> datetime:
    """A command's business instant: `given` (never after `latest`), else the start of its
    document date `day` (never after now), else now."""
    not_in_the_future(field, given, latest)
    if given is not None:
        return given
    return now if day is None else instant_of_day(day, now)


def _a_day_means_its_end(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10:
        try:
            return end_of(date.fromisoformat(value))
        except ValueError:
            return value  # validation then names what is wrong
    return value


# A report's `as_of` / `known_at`: an instant with its offset, or a date meaning the end of it.
ReportInstant = Annotated[UtcDateTime, BeforeValidator(_a_day_means_its_end)]
