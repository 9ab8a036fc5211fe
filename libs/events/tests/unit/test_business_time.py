"""Facts given by a date count from that date; reports read a date as the end of it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from ledgerline_events.contract.business_time import ReportInstant, instant_of_day

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
