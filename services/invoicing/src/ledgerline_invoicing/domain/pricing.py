"""Invoice amounts: each line's net and tax rounded to the currency's minor unit, totals as
sums of the rounded lines (so the printed lines always add up to the printed totals)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ledgerline_events.contract.invoicing import InvoiceLine
from ledgerline_events.contract.money import MINOR_UNITS, Money, quantize
from ledgerline_events.contract.refusals import InvalidRequest


@dataclass(frozen=True)
class LineItem:
    """What was sold on one line, before pricing. `currency` is set only when the source
    states one per line; it must then be the invoice's currency."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    sku: str | None = None
    currency: str | None = None


@dataclass(frozen=True)
class InvoiceTotals:
    net: Money
    tax: Money
    gross: Money


def check_line(item: LineItem, position: int, currency: str) -> None:
    """Quantities are positive, prices not negative, tax rates a percentage, and one invoice
    is in one currency."""
    where = f"lines[{position}]"
    if item.quantity <= 0:
        raise InvalidRequest("quantity_not_positive", "quantity must be greater than zero",
                             f"{where}.quantity")
    if item.unit_price < 0:
        raise InvalidRequest("negative_unit_price", "unit price cannot be negative", f"{where}.unit_price")
    if not Decimal(0) <= item.tax_rate <= Decimal(100):
        raise InvalidRequest("tax_rate_out_of_range", "tax rate is a percentage from 0 to 100",
                             f"{where}.tax_rate")
    if item.currency is not None and item.currency != currency:
        raise InvalidRequest(
            "currency_mismatch",
            f"one invoice has one currency: line is {item.currency}, invoice is {currency}",
            f"{where}.currency")


def price_line(item: LineItem, currency: str) -> InvoiceLine:
    """net = quantity x unit price; tax = net x rate / 100; each rounded half-up."""
    net = quantize(item.quantity * item.unit_price, currency)
    tax = quantize(net * item.tax_rate / Decimal(100), currency)
    return InvoiceLine(
        description=item.description,
        quantity=item.quantity,
        unit_price=item.unit_price,
        tax_rate=item.tax_rate,
        net=net,
        tax=tax,
    )


def price_lines(items: list[LineItem], currency: str) -> list[InvoiceLine]:
    """Check and price every line of one invoice."""
    if currency not in MINOR_UNITS:
        raise InvalidRequest("unknown_currency", f"unknown or unsupported currency {currency!r}", "currency")
    if not items:
        raise InvalidRequest("no_lines", "an invoice has at least one line", "lines")
    for position, item in enumerate(items):
        check_line(item, position, currency)
    return [price_line(item, currency) for item in items]


def invoice_totals(lines: list[InvoiceLine], currency: str) -> InvoiceTotals:
    """Totals are the sums of the already rounded lines."""
    net = sum((line.net for line in lines), Decimal(0))
    tax = sum((line.tax for line in lines), Decimal(0))
    return InvoiceTotals(
        net=Money(amount=net, currency=currency),
        tax=Money(amount=tax, currency=currency),
        gross=Money(amount=net + tax, currency=currency),
    )
