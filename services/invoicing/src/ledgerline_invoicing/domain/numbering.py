"""Legal document numbering: sequential without gaps per series and calendar year, and in the
order of issue dates, as French and Italian law expect ("INV-2026-000001", then
"INV-2026-000002", ...: continuous *and* chronological).

The counter itself lives in the write-side database, incremented in the same transaction that
records the document, so a failed write gives its number back. These rules say which counter a
document draws from and how the number reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ledgerline_events.contract.refusals import InvalidRequest

CREDIT_NOTE_SERIES = "CN"
SERIES_PATTERN = re.compile(r"^[A-Z]{2,8}$")


@dataclass(frozen=True)
class NumberSeries:
    """One gap-free counter: a series code within one calendar year."""

    series: str
    year: int


def series_for(series: str, issue_date: date) -> NumberSeries:
    """The counter a document issued on `issue_date` draws from: numbering restarts at 1 each
    calendar year of the issue date."""
    if not SERIES_PATTERN.match(series):
        raise ValueError(f"series {series!r} must be 2 to 8 capital letters")
    return NumberSeries(series=series, year=issue_date.year)


def document_number(counter: NumberSeries, sequence: int) -> str:
    """The printed number of the `sequence`-th document of the series in its year."""
    if sequence < 1:
        raise ValueError("document sequences start at 1")
    return f"{counter.series}-{counter.year}-{sequence:06d}"


def next_sequence(last_issued: int | None) -> int:
    """The next number follows the last one issued, starting at 1: no gaps, no reuse."""
    return 1 if last_issued is None else last_issued + 1


def chronological_issue_date(
    requested: date, last_numbered: date | None, *, late_to_last: bool = False
) -> date:
    """The issue date a new document of a series may carry: never before the last numbered
    one of the series and year, so numbers follow dates. A person issuing a backdated
    document is refused (choose a later date, or another series); a delivery reported late
    by the sales system (`late_to_last`) is invoiced on the last numbered date instead, as
    refusing it would leave the delivery unbilled."""
    if last_numbered is None or requested >= last_numbered:
        return requested
    if late_to_last:
        return last_numbered
    raise InvalidRequest("not_chronological", f"numbering is chronological: the series was last numbered on "
                      f"{last_numbered.isoformat()}, issue on or after that date", "issue_date")
