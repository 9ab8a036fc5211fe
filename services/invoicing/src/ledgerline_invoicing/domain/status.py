"""Where an invoice stands, from what was issued, credited, settled by cash and cancelled."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class InvoiceStatus(StrEnum):
    OPEN = "open"  # nothing paid yet (credit notes may have reduced it)
    PARTIALLY_PAID = "partially_paid"  # some cash allocated, something still owed
    PAID = "paid"  # cash (with any credit notes) settled it in full
    CREDITED = "credited"  # credit notes cleared it with no cash
    CANCELLED = "cancelled"  # withdrawn before anything was paid or credited


def outstanding(gross: Decimal, credited: Decimal, settled: Decimal) -> Decimal:
    """What the customer still owes on the invoice."""
    return gross - credited - settled


def invoice_status(
    gross: Decimal, credited: Decimal, settled: Decimal, cancelled: bool
) -> InvoiceStatus:
    """The invoice's status; `settled` counts allocated cash plus granted early-payment
    discounts, net of reversed allocations."""
    if cancelled:
        return InvoiceStatus.CANCELLED
    if outstanding(gross, credited, settled) <= 0:
        return InvoiceStatus.PAID if settled > 0 else InvoiceStatus.CREDITED
    if settled > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.OPEN
