"""Questions credit asks of the receivables: exposure, overdue, disputes, write-offs, and how
the customer has paid so far. All pure; the date is an argument."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .holds import CreditSituation
from .receivables import Invoice, MovementKind, Receivables


@dataclass(frozen=True)
class Exposure:
    """Credit in use in one currency: open receivables plus orders placed but not invoiced."""

    currency: str
    open_ar: Decimal
    open_orders: Decimal

    @property
    def total(self) -> Decimal:
        return self.open_ar + self.open_orders


@dataclass(frozen=True)
class PaymentBehaviour:
    """How a customer has paid: the inputs of the risk score."""

    paid_invoices: int = 0
    paid_late: int = 0
    total_days_late: int = 0
    broken_promises: int = 0
    disputes_opened: int = 0

    @property
    def average_days_late(self) -> Decimal:
        if self.paid_invoices == 0:
            return Decimal(0)
        return Decimal(self.total_days_late) / self.paid_invoices


def open_amount(state: Receivables, invoice: Invoice) -> Decimal:
    """What is still owed on an issued invoice. Never below zero: an over-credited invoice is
    money we owe back, which does not make room for more credit elsewhere."""
    moved = sum(
        (m.amount for m in state.movements.values() if m.invoice_id == invoice.invoice_id),
        Decimal(0),
    )
    return max(invoice.gross + moved, Decimal(0))


def _invoices_of(state: Receivables, customer_id: str) -> list[Invoice]:
    return [i for i in state.invoices.values() if i.customer_id == customer_id]


def exposure(state: Receivables, customer_id: str, currency: str,
             excluding_order: str | None = None) -> Exposure:
    """The customer's exposure in a currency. Movements whose invoice has not arrived yet wait
    for it; an order being checked is left out so it is not counted twice."""
    open_ar = sum(
        (open_amount(state, i) for i in _invoices_of(state, customer_id) if i.currency == currency),
        Decimal(0),
    )
    open_orders = sum(
        (o.amount.amount for o in state.orders.values()
         if o.customer_id == customer_id and o.amount is not None and not o.closed
         and o.amount.currency == currency and o.order_id != excluding_order),
        Decimal(0),
    )
    return Exposure(currency, open_ar, open_orders)


def currencies_of(state: Receivables, customer_id: str) -> set[str]:
    """Currencies the customer has invoices or open orders in."""
    found = {i.currency for i in _invoices_of(state, customer_id)}
    found |= {o.amount.currency for o in state.orders.values()
              if o.customer_id == customer_id and o.amount is not None}
    return found


def oldest_overdue_days(state: Receivables, customer_id: str, as_of: date) -> int:
    """Days past due of the customer's oldest open invoice on `as_of` (0 when none is late)."""
    days = [
        (as_of - i.due_date).days
        for i in _invoices_of(state, customer_id)
        if i.due_date < as_of and open_amount(state, i) > 0
    ]
    return max(days, default=0)


def disputed_amount(state: Receivables, customer_id: str, currency: str) -> Decimal:
    """Amount under open dispute in a currency."""
    return sum(
        (d.amount.amount for d in state.disputes.values()
         if d.customer_id == customer_id and d.amount is not None and not d.resolved
         and d.amount.currency == currency),
        Decimal(0),
    )


def net_written_off(state: Receivables, customer_id: str) -> Decimal:
    """Debt written off and not recovered, all currencies counted as a sign only: any
    unrecovered write-off, whatever the currency, is what the written_off hold is about."""
    total = Decimal(0)
    for m in state.movements.values():
        if m.customer_id == customer_id and m.kind in (MovementKind.WRITE_OFF,
                                                       MovementKind.RECOVERY):
            total -= m.amount
    return total


def paid_on(state: Receivables, invoice: Invoice) -> date | None:
    """When an invoice was paid: the date of its last allocation still standing, once nothing
    is open. None while open, or when settled without payment (credit note, write-off)."""
    if open_amount(state, invoice) > 0:
        return None
    reversed_refs = {m.ref for m in state.movements.values()
                     if m.kind is MovementKind.ALLOCATION_REVERSAL}
    dates = [m.on for m in state.movements.values()
             if m.kind is MovementKind.ALLOCATION and m.invoice_id == invoice.invoice_id
             and m.ref not in reversed_refs]
    return max(dates, default=None)


def payment_behaviour(state: Receivables, customer_id: str) -> PaymentBehaviour:
    """Paid invoices and how late, broken promises and disputes opened, for one customer."""
    lateness = [
        max((paid - i.due_date).days, 0)
        for i in _invoices_of(state, customer_id)
        if (paid := paid_on(state, i)) is not None
    ]
    return PaymentBehaviour(
        paid_invoices=len(lateness),
        paid_late=sum(1 for days in lateness if days > 0),
        total_days_late=sum(lateness),
        broken_promises=sum(1 for c in state.broken_promises.values() if c == customer_id),
        disputes_opened=sum(1 for d in state.disputes.values()
                            if d.customer_id == customer_id and d.amount is not None),
    )


def credit_situation(state: Receivables, customer_id: str, as_of: date) -> CreditSituation:
    """What the automatic hold rules look at, for one customer on one day."""
    exposures = {c: exposure(state, customer_id, c).total for c in currencies_of(state, customer_id)}
    return CreditSituation(
        exposures=exposures,
        oldest_overdue_days=oldest_overdue_days(state, customer_id, as_of),
        net_written_off=net_written_off(state, customer_id),
    )


def days_overdue(oldest_open_due_date: date | None, as_of: date) -> int:
    """Days past due on `as_of` of the invoice due first among those still open."""
    if oldest_open_due_date is None or oldest_open_due_date >= as_of:
        return 0
    return (as_of - oldest_open_due_date).days
