"""The status every service reports for an invoice, from its cleared figures.

Part of the read contract, like the events: invoicing's register, cash application's open
items, collections' customer view and credit's exposure all answer with this word for the same
figures, so it is defined once, here (the figures themselves come from the clearing events).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class InvoiceStatus(StrEnum):
    OPEN = "open"  # nothing paid yet (credit notes or write-offs may have reduced it)
    PARTIALLY_PAID = "partially_paid"  # some cash allocated, something still owed
    PAID = "paid"  # nothing owed, and cash (with any credit notes, write-offs) settled it
    CREDITED = "credited"  # credit notes cleared it with no cash and no write-off
    WRITTEN_OFF = "written_off"  # nothing owed, no cash: written off (with any credit notes)
    CANCELLED = "cancelled"  # withdrawn


def invoice_status(
    *, open_amount: Decimal, settled: Decimal, written_off: Decimal, cancelled: bool
) -> InvoiceStatus:
    """`settled` is cash allocated plus early-payment discounts granted, net of reversals;
    `written_off` is net of recoveries."""
    if cancelled:
        return InvoiceStatus.CANCELLED
    if open_amount > 0:
        return InvoiceStatus.PARTIALLY_PAID if settled > 0 else InvoiceStatus.OPEN
    if settled > 0:
        return InvoiceStatus.PAID
    return InvoiceStatus.WRITTEN_OFF if written_off > 0 else InvoiceStatus.CREDITED
