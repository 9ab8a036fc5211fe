"""Guards on business dates of collections: a fact is never dated before the invoice it is
about, and a run is never for a day that has not come yet (nothing dated after now is the
shared `ledgerline_events.contract.business_time.not_in_the_future`)."""

from __future__ import annotations

from datetime import date

from ledgerline_events.contract.refusals import InvalidRequest


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
