"""Guards on business dates: a fact is never dated after today (plus a small tolerance, for
customers a time zone ahead), never before the invoice it is about, and a dunning run is
never for a day that has not come yet."""

from __future__ import annotations

from datetime import date, timedelta

from .errors import InvalidCommand


def not_in_the_future(field: str, day: date, today: date, tolerance_days: int) -> None:
    """A business date may be at most `tolerance_days` after today."""
    latest = today + timedelta(days=tolerance_days)
    if day > latest:
        raise InvalidCommand(field, "not_in_the_future",
                             f"{field} {day} is after today ({today}) plus {tolerance_days} day(s)")


def not_before_invoice(field: str, day: date, issue_date: date) -> None:
    """Nothing happens to an invoice before it was issued."""
    if day < issue_date:
        raise InvalidCommand(field, "not_before_invoice",
                             f"{field} {day} is before the invoice's issue date {issue_date}")


def not_after_today(field: str, day: date, today: date) -> None:
    """Runs (dunning, promise evaluation) are for today or a past day, never ahead of time:
    a run for a later day would act on a future nobody knows yet."""
    if day > today:
        raise InvalidCommand(field, "not_after_today",
                             f"{field} must be today ({today}) or earlier, not {day}")
