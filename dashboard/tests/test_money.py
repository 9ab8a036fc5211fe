from decimal import Decimal

import pytest

from ledgerline_dashboard.money import (
    format_compact,
    format_days,
    format_money,
    format_percent,
    to_decimal,
)


@pytest.mark.parametrize(("amount", "currency", "shown"), [
    ("1234.5", "EUR", "€1,234.50"),
    ("0", "USD", "$0.00"),
    ("1234567.891", "GBP", "£1,234,567.89"),
    ("0.005", "EUR", "€0.01"),  # half up, not banker's
    ("0.015", "EUR", "€0.02"),
    ("-329.9", "EUR", "−€329.90"),
    ("1500", "JPY", "¥1,500"),
    ("1.2345", "KWD", "KWD 1.235"),
    ("12", "SEK", "SEK 12.00"),
    ("99.99", "CHF", "CHF 99.99"),
    (None, "EUR", "€0.00"),
    (Decimal("2.675"), "usd", "$2.68"),
])
def test_money_per_currency(amount: str | None, currency: str, shown: str) -> None:
    assert format_money(amount, currency) == shown


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        to_decimal(0.1)  # type: ignore[arg-type]


def test_not_an_amount() -> None:
    with pytest.raises(ValueError, match="not an amount"):
        to_decimal("12,50")


@pytest.mark.parametrize(("amount", "shown"), [
    ("849.9", "€849.90"), ("1000", "€1.0k"), ("12345.67", "€12.3k"), ("2500000", "€2.5M"),
    ("-1500", "−€1.5k"),
])
def test_compact_labels(amount: str, shown: str) -> None:
    assert format_compact(amount, "EUR") == shown


def test_percent_and_days_show_undefined_ratios_as_a_dash() -> None:
    assert format_percent("30.19") == "30.2 %"
    assert format_percent(None) == "–"
    assert format_days("127.333") == "127.3 d"
    assert format_days(None) == "–"
