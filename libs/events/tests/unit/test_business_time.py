"""Facts given by a date count from that date; reports read a date as the end of it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from ledgerline_events.contract.business_time import ReportInstant, business_instant, instant_of_day
from ledgerline_events.contract.refusals import InvalidRequest

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
AS_OF = TypeAdapter(ReportInstant)


def test_an_invoice_dated_in_the_past_counts_from_the_start_of_its_day() -> None:
    assert instant_of_day(date(2026, 2, 1), NOW) == datetime(2026, 2, 1, tzinfo=UTC)


def test_a_fact_dated_today_is_never_placed_after_now() -> None:
    assert instant_of_day(date(2026, 11, 26), NOW) <= NOW
    assert instant_of_day(date(2026, 11, 27), NOW) == NOW


def test_a_report_as_of_a_date_includes_the_whole_day() -> None:
    assert AS_OF.validate_python("2026-02-28") == datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=UTC)


def test_a_report_as_of_an_instant_is_read_in_utc() -> None:
    assert AS_OF.validate_python("2026-02-28T10:00:00+02:00") == datetime(2026, 2, 28, 8, tzinfo=UTC)


@pytest.mark.parametrize("value", ["2026-02-30", "2026-02-28T10:00:00", "9999-12-31T23:59:59-12:00"])
def test_a_report_instant_without_a_day_offset_or_calendar_is_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        AS_OF.validate_python(value)


LATEST = NOW.replace(minute=35)


def test_a_command_happens_when_its_caller_says() -> None:
    given = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert business_instant("occurred_at", given, date(2026, 2, 1), NOW, LATEST) == given


def test_a_command_without_an_instant_happens_at_the_start_of_its_document_date() -> None:
    assert business_instant("occurred_at", None, date(2026, 2, 1), NOW, LATEST) == datetime(
        2026, 2, 1, tzinfo=UTC)
    assert business_instant("occurred_at", None, None, NOW, LATEST) == NOW


def test_a_command_dated_after_the_tolerance_is_refused_naming_its_field() -> None:
    with pytest.raises(InvalidRequest) as refused:
        business_instant("occurred_at", LATEST.replace(minute=36), None, NOW, LATEST)
    assert (refused.value.rule, refused.value.field) == ("not_in_the_future", "occurred_at")
