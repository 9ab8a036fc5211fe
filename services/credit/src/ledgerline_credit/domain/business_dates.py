"""Guards on business dates: nothing is dated after today, give or take a small tolerance
(a customer a time zone ahead)."""

from __future__ import annotations

from datetime import date, timedelta

from .errors import InvalidCommand


def not_in_the_future(field: str, day: date, today: date, tolerance_days: int) -> None:
    """A business date may be at most `tolerance_days` after today."""
    if day > today + timedelta(days=tolerance_days):
        raise InvalidCommand(field, "not_in_the_future",
                             f"{field} {day} is after today ({today}) plus {tolerance_days} day(s)")
