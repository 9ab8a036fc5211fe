"""Line amounts and totals: rounded per line to the currency's minor unit, half-up."""

from decimal import Decimal

import pytest

from ledgerline_events.contract.money import Money
from ledgerline_events.contract.refusals import InvalidRequest
from ledgerline_invoicing.domain.pricing import LineItem, invoice_totals, price_lines


def item(qty: str, price: str, rate: str, currency: str | None = None) -> LineItem:
    return LineItem("widget", Decimal(qty), Decimal(price), Decimal(rate), currency=currency)


@pytest.mark.parametrize(
    ("line", "currency", "net", "tax"),
    [
        (item("3", "0.335", "20"), "EUR", "1.01", "0.20"),  # 1.005 rounds half-up
        (item("1", "0.125", "0"), "EUR", "0.13", "0.00"),
        (item("2", "9.99", "5.5"), "EUR", "19.98", "1.10"),  # 1.0989
        (item("7", "333", "10"), "JPY", "2331", "233"),  # no minor unit
        (item("1", "1.2345", "20"), "KWD", "1.235", "0.247"),  # three decimals
        (item("0.5", "10", "8.1"), "USD", "5.00", "0.41"),  # 0.405 rounds up
    ],
)
def test_each_line_is_rounded_to_the_minor_unit(
    line: LineItem, currency: str, net: str, tax: str
) -> None:
    [priced] = price_lines([line], currency)
    assert (priced.net, priced.tax) == (Decimal(net), Decimal(tax))


def test_totals_are_sums_of_rounded_lines() -> None:
    lines = price_lines([item("3", "0.335", "20"), item("3", "0.335", "20")], "EUR")
    totals = invoice_totals(lines, "EUR")
    # 2 x 1.01 and 2 x 0.20, not round(2.01) and round(0.402)
    assert totals.net == Money.of("2.02", "EUR")
    assert totals.tax == Money.of("0.40", "EUR")
    assert totals.gross == Money.of("2.42", "EUR")


@pytest.mark.parametrize(
    ("lines", "currency", "field", "rule_words"),
    [
        ([item("-1", "10", "20")], "EUR", "lines[0].quantity", "greater than zero"),
        ([item("0", "10", "20")], "EUR", "lines[0].quantity", "greater than zero"),
        ([item("1", "10", "20"), item("1", "-5", "20")], "EUR", "lines[1].unit_price",
         "cannot be negative"),
        ([item("1", "10", "120")], "EUR", "lines[0].tax_rate", "percentage"),
        ([item("1", "10", "20", "EUR"), item("1", "10", "20", "USD")], "EUR",
         "lines[1].currency", "one currency"),
        ([], "EUR", "lines", "at least one line"),
        ([item("1", "10", "20")], "XYZ", "currency", "unknown"),
    ],
)
def test_bad_lines_are_refused_naming_field_and_rule(
    lines: list[LineItem], currency: str, field: str, rule_words: str
) -> None:
    with pytest.raises(InvalidRequest) as refused:
        price_lines(lines, currency)
    assert refused.value.field == field
    assert rule_words in refused.value.message
