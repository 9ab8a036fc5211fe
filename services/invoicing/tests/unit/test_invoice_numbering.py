"""Invoice numbers: gap-free per series and calendar year, in the order of issue dates."""

from datetime import date

import pytest

from ledgerline_events.contract.refusals import InvalidRequest
from ledgerline_invoicing.domain.numbering import (
    NumberSeries,
    chronological_issue_date,
    document_number,
    next_sequence,
    series_for,
)


def test_first_invoice_of_the_year_is_number_one() -> None:
    counter = series_for("INV", date(2026, 1, 1))
    assert document_number(counter, next_sequence(None)) == "INV-2026-000001"


def test_numbers_follow_each_other_without_gaps() -> None:
    counter = NumberSeries("INV", 2026)
    numbers = []
    last = None
    for _ in range(3):
        last = next_sequence(last)
        numbers.append(document_number(counter, last))
    assert numbers == ["INV-2026-000001", "INV-2026-000002", "INV-2026-000003"]


def test_each_year_and_series_has_its_own_counter() -> None:
    assert series_for("INV", date(2026, 12, 31)) != series_for("INV", date(2027, 1, 1))
    assert series_for("INV", date(2026, 5, 1)) != series_for("CN", date(2026, 5, 1))
    assert series_for("EXP", date(2027, 1, 1)) == NumberSeries("EXP", 2027)


@pytest.mark.parametrize("bad", ["inv", "I", "INV1", "TOOLONGSERIES", ""])
def test_series_codes_are_capital_letters(bad: str) -> None:
    with pytest.raises(ValueError):
        series_for(bad, date(2026, 1, 1))


def test_sequences_start_at_one() -> None:
    with pytest.raises(ValueError):
        document_number(NumberSeries("INV", 2026), 0)


def test_numbers_follow_issue_dates_within_a_series() -> None:
    assert chronological_issue_date(date(2026, 7, 1), None) == date(2026, 7, 1)
    assert chronological_issue_date(date(2026, 7, 1), date(2026, 7, 1)) == date(2026, 7, 1)
    assert chronological_issue_date(date(2026, 7, 2), date(2026, 7, 1)) == date(2026, 7, 2)


def test_a_backdated_document_is_refused_by_hand_and_dated_last_from_the_sales_system() -> None:
    with pytest.raises(InvalidRequest) as refused:
        chronological_issue_date(date(2026, 1, 5), date(2026, 7, 1))
    assert refused.value.field == "issue_date" and "chronological" in refused.value.message
    late_delivery = chronological_issue_date(date(2026, 1, 5), date(2026, 7, 1), late_to_last=True)
    assert late_delivery == date(2026, 7, 1)
