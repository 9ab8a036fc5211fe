"""The payment aggregate: money received, what of it is allocated, refunded or reversed.

Unapplied cash = amount - live allocations - refunds; it is credit on account when the payer
is known. An unidentified payer becomes known with the first allocation to one of a customer's
invoices (that event, and all later ones, carry the customer id); one payment never settles
invoices of two customers. Allocations never exceed the unapplied cash nor the invoice's open
amount (the caller passes the invoice's open amount, read under a lock).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from ledgerline_events.contract import Envelope, Event, Money
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    MatchReason,
    PaymentAllocated,
    PaymentMethod,
    PaymentReceived,
    PaymentReversed,
    RefundIssued,
)

from .errors import InvalidCommand, StateConflict


@dataclass(frozen=True)
class LiveAllocation:
    invoice_id: str
    amount: Money
    discount: Money | None


@dataclass(frozen=True)
class Payment:
    payment_id: str
    customer_id: str | None
    amount: Money
    received_on: date
    payer_account: str = ""
    allocations: dict[str, LiveAllocation] = field(default_factory=dict)
    refunded: Money | None = None
    reversed: bool = False

    @property
    def unapplied(self) -> Money:
        """Cash of this payment not allocated and not refunded."""
        used = sum((a.amount.amount for a in self.allocations.values()), self.amount.amount * 0)
        refunded = self.refunded.amount if self.refunded else 0
        left = Money.of(0, self.amount.currency) if self.reversed else Money.of(
            self.amount.amount - used - refunded, self.amount.currency)
        return left


@dataclass(frozen=True)
class ReceivePayment:
    payment_id: str
    amount: Money
    received_on: date
    method: PaymentMethod = PaymentMethod.BANK_TRANSFER
    payer_name: str = ""
    payer_account: str = ""
    remittance: str = ""
    statement_ref: str | None = None
    entry_ref: str | None = None


@dataclass(frozen=True)
class Allocate:
    allocation_id: str
    invoice_id: str
    invoice_customer_id: str
    invoice_currency: str
    invoice_open_amount: Money
    amount: Money
    reason: MatchReason = MatchReason.MANUAL
    explanation: str = ""
    discount: Money | None = None


def receive_payment(existing: Payment | None, cmd: ReceivePayment) -> list[Event]:
    """Money arrived: a positive amount, recorded once."""
    if existing is not None:
        raise StateConflict("payment_exists", f"payment {cmd.payment_id} already recorded")
    if cmd.amount.amount <= 0:
        raise InvalidCommand("amount_positive", "a payment amount must be positive", "amount")
    return [PaymentReceived(
        payment_id=cmd.payment_id, amount=cmd.amount, received_on=cmd.received_on,
        method=cmd.method, payer_name=cmd.payer_name[:200], payer_account=cmd.payer_account[:64],
        remittance=cmd.remittance[:2000], statement_ref=cmd.statement_ref, entry_ref=cmd.entry_ref,
    )]


def allocate(payment: Payment, cmd: Allocate, today: date) -> list[Event]:
    """Settle (part of) an invoice from the payment's unapplied cash."""
    _must_be_live(payment)
    if cmd.allocation_id in payment.allocations:
        raise StateConflict("allocation_exists", f"allocation {cmd.allocation_id} exists")
    if payment.customer_id not in (None, cmd.invoice_customer_id):
        raise StateConflict("other_customer",
                            f"invoice {cmd.invoice_id} belongs to another customer", "invoice_id")
    if cmd.invoice_currency != payment.amount.currency:
        raise InvalidCommand("currency_mismatch",
                             f"invoice is in {cmd.invoice_currency}, payment in "
                             f"{payment.amount.currency}", "invoice_id")
    if cmd.amount.currency != payment.amount.currency or cmd.amount.amount <= 0:
        raise InvalidCommand("amount_positive",
                             "allocate a positive amount in the payment's currency", "amount")
    discount = cmd.discount.amount if cmd.discount else 0
    if cmd.amount.amount > payment.unapplied.amount:
        raise StateConflict("exceeds_unapplied",
                            f"{cmd.amount} is more than the unapplied {payment.unapplied}",
                            "amount")
    if cmd.amount.amount + discount > cmd.invoice_open_amount.amount:
        raise StateConflict("exceeds_open_amount",
                            f"{cmd.amount} is more than the invoice's open "
                            f"{cmd.invoice_open_amount}", "amount")
    return [PaymentAllocated(
        allocation_id=cmd.allocation_id, payment_id=payment.payment_id,
        invoice_id=cmd.invoice_id, amount=cmd.amount, discount=cmd.discount,
        match_reason=cmd.reason, explanation=cmd.explanation[:1000], allocated_on=today,
    )]


def unallocate(payment: Payment, allocation_id: str, reason: str, today: date) -> list[Event]:
    """Undo one allocation: the invoice reopens, the cash is unapplied again."""
    _must_be_live(payment)
    live = payment.allocations.get(allocation_id)
    if live is None:
        raise StateConflict("allocation_not_live",
                            f"no live allocation {allocation_id} on this payment")
    return [_reversal(payment, allocation_id, live, reason, today)]


def reverse_payment(payment: Payment, reason: str, today: date) -> list[Event]:
    """A bounced or recalled payment: every live allocation undone, then the cash removed."""
    _must_be_live(payment)
    if payment.refunded is not None:
        raise StateConflict("refunded", "a payment with refunds cannot be reversed")
    events: list[Event] = [
        _reversal(payment, allocation_id, live, reason, today)
        for allocation_id, live in payment.allocations.items()
    ]
    events.append(PaymentReversed(payment_id=payment.payment_id, amount=payment.amount,
                                  reason=reason, reversed_on=today))
    return events


def refund(
    payment: Payment, refund_id: str, amount: Money, reason: str, today: date
) -> list[Event]:
    """Pay credit on account back to the customer, never more than is unapplied."""
    _must_be_live(payment)
    if payment.customer_id is None:
        raise StateConflict("payer_unidentified", "identify the payer before refunding")
    if amount.currency != payment.amount.currency or amount.amount <= 0:
        raise InvalidCommand("amount_positive",
                             "refund a positive amount in the payment's currency", "amount")
    if amount.amount > payment.unapplied.amount:
        raise StateConflict("exceeds_unapplied",
                            f"{amount} is more than the unapplied {payment.unapplied}", "amount")
    return [RefundIssued(refund_id=refund_id, payment_id=payment.payment_id, amount=amount,
                         reason=reason, refunded_on=today)]


def evolve(state: Payment | None, envelope: Envelope) -> Payment | None:
    """The payment after one of its events."""
    event = envelope.payload
    if isinstance(event, PaymentReceived):
        return Payment(event.payment_id, envelope.customer_id, event.amount, event.received_on,
                       event.payer_account)
    if state is None:
        return None
    if isinstance(event, PaymentAllocated):
        return with_allocation(state, event, envelope.customer_id)
    if isinstance(event, AllocationReversed):
        rest = {k: v for k, v in state.allocations.items() if k != event.allocation_id}
        return replace(state, allocations=rest)
    if isinstance(event, PaymentReversed):
        return replace(state, reversed=True)
    if isinstance(event, RefundIssued):
        before = state.refunded or Money.zero(event.amount.currency)
        return replace(state, refunded=before + event.amount)
    return state


def with_allocation(
    state: Payment, event: PaymentAllocated, customer_id: str | None
) -> Payment:
    """The payment after an allocation; an unidentified payer is now the invoice's customer."""
    live = LiveAllocation(event.invoice_id, event.amount, event.discount)
    return replace(state, allocations={**state.allocations, event.allocation_id: live},
                   customer_id=state.customer_id or customer_id)


def replay(history: Sequence[Envelope]) -> Payment | None:
    state: Payment | None = None
    for envelope in history:
        state = evolve(state, envelope)
    return state


def _must_be_live(payment: Payment) -> None:
    if payment.reversed:
        raise StateConflict("payment_reversed", f"payment {payment.payment_id} was reversed")


def _reversal(
    payment: Payment, allocation_id: str, live: LiveAllocation, reason: str, today: date
) -> AllocationReversed:
    return AllocationReversed(
        allocation_id=allocation_id, payment_id=payment.payment_id, invoice_id=live.invoice_id,
        amount=live.amount, discount=live.discount, reason=reason, reversed_on=today,
    )
