"""Guards on business dates: a fact is never dated after now (plus a small tolerance, as
callers' clocks drift), never before the invoice it is about, and a dunning run is never for
a day that has not come yet."""

from __future__ import annotations

from datetime import date, datetime

from ledgerline_events.contract.refusals import InvalidRequest


def not_in_the_future(field: str, at: datetime, latest: datetime) -> None:
    """A business instant may be at most `latest` (now plus the tolerance)."""
    if at > latest:
        raise InvalidRequest("not_in_the_future",
                             f"{field} {at.isoformat()} is in the future (after {latest.isoformat()})", field)


def not_before_invoice(field: str, day: date, issue_date: date) -> None:
    """Nothing happens to an invoice before it was issued."""
    if day < issue_date:
        raise InvalidRequest("not_before_invoice",
                             f"{field} {day} is before the invoice's issue date {issue_date}", field)


def not_after_today(field: str, day: date, today: date) -> None:
    """Runs (dunning, promise evaluation) are for today or a past day, never ahead of time:
    a run for a later day would act on a future nobody knows yet."""
    if day > today:
        raise InvalidRequest("not_after_today", f"{field} must be today ({today}) or earlier, not {day}",
                             field)
