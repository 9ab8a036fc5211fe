"""Open amount per invoice from the raw log. Credit counts an over-credited invoice (credit
note or write-off decided while an allocation was in flight: a documented limit of invoicing
and collections) as zero open AR, not negative, so its figure is the sum of the clamped
per-invoice amounts, not the customer balance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from ledgerline_events.contract import Envelope
from ledgerline_events.contract.cash_application import AllocationReversed, PaymentAllocated
from ledgerline_events.contract.collections import DebtWrittenOff, WrittenOffDebtRecovered
from ledgerline_events.contract.invoicing import CreditNoteIssued, InvoiceCancelled, InvoiceIssued

Key = tuple[str | None, str]


def open_per_invoice(events: Iterable[Envelope]) -> dict[str, tuple[Key, Decimal]]:
    issued: dict[str, Key] = {}
    moved: dict[str, Decimal] = defaultdict(Decimal)
    for e in events:
        p = e.payload
        if isinstance(p, InvoiceIssued):
            issued[p.invoice_id] = (e.customer_id, p.currency)
            moved[p.invoice_id] += p.gross_total.amount
        elif isinstance(p, CreditNoteIssued | InvoiceCancelled | DebtWrittenOff):
            moved[p.invoice_id] -= p.amount.amount
        elif isinstance(p, WrittenOffDebtRecovered):
            moved[p.invoice_id] += p.amount.amount
        elif isinstance(p, PaymentAllocated | AllocationReversed):
            sign = 1 if isinstance(p, AllocationReversed) else -1
            discount = p.discount.amount if p.discount else Decimal(0)
            moved[p.invoice_id] += sign * (p.amount.amount + discount)
    return {i: (key, moved[i]) for i, key in issued.items()}


def credit_open_ar(events: Iterable[Envelope]) -> dict[Key, Decimal]:
    """What credit should show as open AR per customer and currency."""
    totals: dict[Key, Decimal] = defaultdict(Decimal)
    for key, amount in open_per_invoice(events).values():
        totals[key] += max(amount, Decimal(0))
    return totals


def over_credited(events: Iterable[Envelope]) -> list[str]:
    return [i for i, (_, amount) in open_per_invoice(events).items() if amount < 0]
