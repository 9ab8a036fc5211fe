"""Invoice amounts: each line's net and tax rounded to the currency's minor unit, totals as
sums of the rounded lines (so the printed lines always add up to the printed totals)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ledgerline_events.contract.invoicing import InvoiceLine
from ledgerline_events.contract.money import MINOR_UNITS, Money, quantize

from .errors import InvalidInvoiceInput


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
        raise InvalidInvoiceInput(f"{where}.quantity", "quantity must be greater than zero")
    if item.unit_price < 0:
        raise InvalidInvoiceInput(f"{where}.unit_price", "unit price cannot be negative")
    if not Decimal(0) <= item.tax_rate <= Decimal(100):
        raise InvalidInvoiceInput(f"{where}.tax_rate", "tax rate is a percentage from 0 to 100")
    if item.currency is not None and item.currency != currency:
        raise InvalidInvoiceInput(
            f"{where}.currency",
            f"one invoice has one currency: line is {item.currency}, invoice is {currency}",
        )


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
        raise InvalidInvoiceInput("currency", f"unknown or unsupported currency {currency!r}")
    if not items:
        raise InvalidInvoiceInput("lines", "an invoice has at least one line")
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
