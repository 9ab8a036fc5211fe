"""Guards on business dates: nothing is dated after now, give or take a small tolerance
(callers' clocks drift)."""

from __future__ import annotations

from datetime import date, datetime

from ledgerline_events.contract.refusals import InvalidRequest


def not_in_the_future(field: str, at: datetime, latest: datetime) -> None:
    """A business instant may be at most `latest` (now plus the tolerance)."""
    if at > latest:
        raise InvalidRequest("not_in_the_future", f"{field} {at.isoformat()} is in the future", field)


def day_not_in_the_future(field: str, day: date, latest: datetime) -> None:
    """A business date may be at most the date of `latest` (now plus the tolerance)."""
    if day > latest.date():
        raise InvalidRequest("not_in_the_future", f"{field} {day} is in the future", field)
