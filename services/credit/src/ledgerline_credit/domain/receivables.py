"""What the customer owes and has on order, folded from other services' events.

The fold is built to converge whatever the interleaving of topics: every fact is stored under
its own key (an invoice under its id, each change to an invoice as a `Movement` under the id of
the event's business object), so a fact seen early waits for its invoice, a redelivered fact
overwrites itself, and the open amount is a plain sum that does not depend on arrival order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from ledgerline_events.contract import Envelope, Money
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    CancellationApplied,
    CreditNoteApplied,
    PaymentAllocated,
    RecoveryApplied,
    WriteOffApplied,
)
from ledgerline_events.contract.collections import (
    DisputeOpened,
    DisputeResolved,
    PromiseToPayBroken,
)
from ledgerline_events.contract.invoicing import InvoiceIssued
from ledgerline_events.contract.sales import OrderCancelled, OrderDelivered, OrderPlaced


class MovementKind(StrEnum):
    """Everything that changes what is open on an invoice after it was issued."""

    CREDIT_NOTE = "credit_note"
    CANCELLATION = "cancellation"
    ALLOCATION = "allocation"
    ALLOCATION_REVERSAL = "allocation_reversal"
    WRITE_OFF = "write_off"
    RECOVERY = "recovery"


@dataclass(frozen=True)
class Invoice:
    """An issued invoice: the customer owes `gross` by `due_date`."""

    invoice_id: str
    customer_id: str
    currency: str
    gross: Decimal
    due_date: date
    sales_order_id: str | None = None


@dataclass(frozen=True)
class Movement:
    """A signed change to an invoice's open amount (negative reduces what is owed).
    `ref` is the business object behind it (allocation id for allocations and reversals)."""

    kind: MovementKind
    ref: str
    invoice_id: str
    customer_id: str
    currency: str
    amount: Decimal
    on: date

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref}"


@dataclass(frozen=True)
class Order:
    """A sales order on credit; open (counts in exposure) until delivered, invoiced or
    cancelled. `amount` is None while only its closing has been seen."""

    order_id: str
    customer_id: str
    amount: Money | None = None
    closed: bool = False


@dataclass(frozen=True)
class Dispute:
    """A contested (part of an) invoice; `amount` is None while only its resolution is known."""

    dispute_id: str
    customer_id: str
    invoice_id: str
    amount: Money | None = None
    resolved: bool = False


K = TypeVar("K")
V = TypeVar("V")


def _frozen(mapping: Mapping[K, V], key: K, value: V) -> Mapping[K, V]:
    return MappingProxyType({**mapping, key: value})


@dataclass(frozen=True)
class Receivables:
    """Everything the credit service knows about customers' receivables and open orders."""

    invoices: Mapping[str, Invoice] = field(default_factory=lambda: MappingProxyType({}))
    movements: Mapping[str, Movement] = field(default_factory=lambda: MappingProxyType({}))
    orders: Mapping[str, Order] = field(default_factory=lambda: MappingProxyType({}))
    disputes: Mapping[str, Dispute] = field(default_factory=lambda: MappingProxyType({}))
    broken_promises: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """promise id -> customer id"""


def fold(events: list[Envelope], start: Receivables | None = None) -> Receivables:
    """Fold a sequence of events (any interleaving of topics) into receivables."""
    state = start or Receivables()
    for envelope in events:
        state = evolve(state, envelope)
    return state


def evolve(state: Receivables, envelope: Envelope) -> Receivables:
    """Take one event into account; events this fold does not care about change nothing."""
    payload = envelope.payload
    customer = envelope.customer_id or ""
    match payload:
        case InvoiceIssued():
            return _issue(state, payload)
        case OrderPlaced() | OrderDelivered() | OrderCancelled():
            return _order(state, payload)
        case DisputeOpened():
            dispute = Dispute(payload.dispute_id, customer, payload.invoice_id, payload.amount,
                              _dispute(state, payload.dispute_id).resolved)
            return replace(state, disputes=_frozen(state.disputes, payload.dispute_id, dispute))
        case DisputeResolved():
            dispute = replace(_dispute(state, payload.dispute_id, customer, payload.invoice_id),
                              resolved=True)
            return replace(state, disputes=_frozen(state.disputes, payload.dispute_id, dispute))
        case PromiseToPayBroken():
            promises = _frozen(state.broken_promises, payload.promise_id, customer)
            return replace(state, broken_promises=promises)
    movement = movement_of(envelope)
    if movement is None:
        return state
    return replace(state, movements=_frozen(state.movements, movement.key, movement))


def movement_of(envelope: Envelope) -> Movement | None:
    """The change an event makes to an invoice's open amount, if it makes one. Documents
    (credit notes, write-offs, recoveries, cancellations) count for what cash application's
    clearing applied of them."""
    p = envelope.payload
    customer = envelope.customer_id or ""
    match p:
        case CreditNoteApplied():
            parts = (MovementKind.CREDIT_NOTE, p.credit_note_id, p.invoice_id, p.applied, -1,
                     p.applied_on)
        case CancellationApplied():
            parts = (MovementKind.CANCELLATION, p.invoice_id, p.invoice_id, p.applied, -1,
                     p.applied_on)
        case PaymentAllocated():
            settled = p.amount + p.discount if p.discount is not None else p.amount
            parts = (MovementKind.ALLOCATION, p.allocation_id, p.invoice_id, settled, -1,
                     p.allocated_on)
        case AllocationReversed():
            undone = p.amount + p.discount if p.discount is not None else p.amount
            parts = (MovementKind.ALLOCATION_REVERSAL, p.allocation_id, p.invoice_id, undone, 1,
                     p.reversed_on)
        case WriteOffApplied():
            parts = (MovementKind.WRITE_OFF, p.write_off_id, p.invoice_id, p.applied, -1,
                     p.applied_on)
        case RecoveryApplied():
            parts = (MovementKind.RECOVERY, p.recovery_id, p.invoice_id, p.applied, 1,
                     p.applied_on)
        case _:
            return None
    kind, ref, invoice_id, money, sign, on = parts
    return Movement(kind, ref, invoice_id, customer, money.currency, sign * money.amount, on)


def _issue(state: Receivables, p: InvoiceIssued) -> Receivables:
    invoice = Invoice(p.invoice_id, p.customer.customer_id, p.currency, p.gross_total.amount,
                      p.due_date, p.sales_order_id)
    state = replace(state, invoices=_frozen(state.invoices, p.invoice_id, invoice))
    if p.sales_order_id is None:
        return state
    # The invoice replaces the order in exposure, even if the delivery was never seen.
    order = replace(_order_known(state, p.sales_order_id, p.customer.customer_id), closed=True)
    return replace(state, orders=_frozen(state.orders, p.sales_order_id, order))


def _order(state: Receivables, p: OrderPlaced | OrderDelivered | OrderCancelled) -> Receivables:
    customer = p.customer_id if isinstance(p, OrderCancelled) else p.customer.customer_id
    order = _order_known(state, p.order_id, customer)
    if isinstance(p, OrderPlaced):
        return _store_order(state, replace(order, amount=p.amount))
    return _store_order(state, replace(order, closed=True))


def _store_order(state: Receivables, order: Order) -> Receivables:
    return replace(state, orders=_frozen(state.orders, order.order_id, order))


def _order_known(state: Receivables, order_id: str, customer_id: str) -> Order:
    return state.orders.get(order_id) or Order(order_id, customer_id)


def _dispute(state: Receivables, dispute_id: str, customer: str = "",
             invoice_id: str = "") -> Dispute:
    return state.disputes.get(dispute_id) or Dispute(dispute_id, customer, invoice_id)
