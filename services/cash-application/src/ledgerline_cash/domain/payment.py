"""The payment aggregate: money received, what of it is allocated, refunded or reversed.

Unapplied cash = amount - live allocations - refunds; it is credit on account when the payer
is known. An unidentified payer becomes known with the first allocation to one of a customer's
invoices (that event, and all later ones, carry the customer id); one payment never settles
invoices of two customers. Allocations never exceed the unapplied cash nor the invoice's open
amount (the caller passes what the invoice can take at the allocation's instant, read under a
lock).

Every command happens at a business instant `at`, which dates its events. What can be drawn
from a payment at `at` is its least unapplied amount from `at` on (clearing.least_open_from),
so a backdated allocation never overdraws a refund already made later.

The excess of a credit note over its invoice (CreditNoteApplied.to_account) is the same kind
of thing, credit on account: its `credit_id` is a payment here, allocated and refunded alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from ledgerline_events.contract import Envelope, Event, Money
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    CreditNoteApplied,
    MatchReason,
    PaymentAllocated,
    PaymentMethod,
    PaymentReceived,
    PaymentReversed,
    RefundIssued,
)
from ledgerline_events.contract.personal_data import Sealed
from ledgerline_events.contract.refusals import InvalidRequest, StateConflict

from .clearing import EPOCH, Moved, least_open_from


@dataclass(frozen=True)
class LiveAllocation:
    invoice_id: str
    amount: Money
    discount: Money | None
    at: datetime = EPOCH


@dataclass(frozen=True)
class Payment:
    payment_id: str
    customer_id: str | None
    amount: Money
    received_on: date
    payer: Sealed | None = None  # who paid, sealed (opened by the application, with the key)
    payer_account_in_plain: str = ""  # a v2 payment's account, as it was recorded
    allocations: dict[str, LiveAllocation] = field(default_factory=dict)
    refunded: Money | None = None
    reversed: bool = False
    at: datetime = EPOCH
    moves: tuple[Moved, ...] = ()
    """Dated changes of the unapplied cash (received, allocated, refunded...)."""

    def available_at(self, at: datetime) -> Money:
        """What can be drawn at `at`: the least unapplied cash from `at` on."""
        if self.reversed:
            return Money.zero(self.amount.currency)
        least = least_open_from(self.unapplied.amount, self.moves, at)
        return Money(amount=least, currency=self.amount.currency)

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
    payer: Sealed | None = None  # sealed by the application with the payment's own key
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
    invoice_issued_at: datetime = EPOCH


def receive_payment(existing: Payment | None, cmd: ReceivePayment) -> list[Event]:
    """Money arrived: a positive amount, recorded once."""
    if existing is not None:
        raise StateConflict("payment_exists", f"payment {cmd.payment_id} already recorded")
    if cmd.amount.amount <= 0:
        raise InvalidRequest("amount_positive", "a payment amount must be positive", "amount")
    return [PaymentReceived(
        payment_id=cmd.payment_id, amount=cmd.amount, received_on=cmd.received_on,
        method=cmd.method, payer=cmd.payer, remittance=cmd.remittance[:2000],
        statement_ref=cmd.statement_ref, entry_ref=cmd.entry_ref,
    )]


def allocate(payment: Payment, cmd: Allocate, at: datetime) -> list[Event]:
    """Settle (part of) an invoice from the payment's unapplied cash, at `at`."""
    _must_be_live(payment)
    _not_before(at, payment.at, "before_payment", "the payment was received")
    _not_before(at, cmd.invoice_issued_at, "before_invoice", "the invoice was issued")
    if cmd.allocation_id in payment.allocations:
        raise StateConflict("allocation_exists", f"allocation {cmd.allocation_id} exists")
    if payment.customer_id not in (None, cmd.invoice_customer_id):
        raise StateConflict("other_customer",
                            f"invoice {cmd.invoice_id} belongs to another customer", "invoice_id")
    if cmd.invoice_currency != payment.amount.currency:
        raise InvalidRequest("currency_mismatch",
                             f"invoice is in {cmd.invoice_currency}, payment in "
                             f"{payment.amount.currency}", "invoice_id")
    if cmd.amount.currency != payment.amount.currency or cmd.amount.amount <= 0:
        raise InvalidRequest("amount_positive",
                             "allocate a positive amount in the payment's currency", "amount")
    discount = cmd.discount.amount if cmd.discount else 0
    available = payment.available_at(at)
    if cmd.amount.amount > available.amount:
        raise StateConflict("exceeds_unapplied",
                            f"{cmd.amount} is more than the unapplied {available}", "amount")
    if cmd.amount.amount + discount > cmd.invoice_open_amount.amount:
        raise StateConflict("exceeds_open_amount",
                            f"{cmd.amount} is more than the invoice's open "
                            f"{cmd.invoice_open_amount}", "amount")
    return [PaymentAllocated(
        allocation_id=cmd.allocation_id, payment_id=payment.payment_id,
        invoice_id=cmd.invoice_id, amount=cmd.amount, discount=cmd.discount,
        match_reason=cmd.reason, explanation=cmd.explanation[:1000], allocated_on=at.date(),
    )]


def unallocate(payment: Payment, allocation_id: str, reason: str, at: datetime) -> list[Event]:
    """Undo one allocation at `at`: the invoice reopens, the cash is unapplied again."""
    _must_be_live(payment)
    live = payment.allocations.get(allocation_id)
    if live is None:
        raise StateConflict("allocation_not_live",
                            f"no live allocation {allocation_id} on this payment")
    _not_before(at, live.at, "before_allocation", "the allocation was made")
    return [_reversal(payment, allocation_id, live, reason, at)]


def reverse_payment(payment: Payment, reason: str, at: datetime) -> list[Event]:
    """A bounced or recalled payment: every live allocation undone, then the cash removed.
    An allocation made after `at` is undone at its own instant (see `instant_of`)."""
    _must_be_live(payment)
    _not_before(at, payment.at, "before_payment", "the payment was received")
    if payment.refunded is not None:
        raise StateConflict("refunded", "a payment with refunds cannot be reversed")
    events: list[Event] = [
        _reversal(payment, allocation_id, live, reason, max(at, live.at))
        for allocation_id, live in payment.allocations.items()
    ]
    events.append(PaymentReversed(payment_id=payment.payment_id, amount=payment.amount,
                                  reason=reason, reversed_on=at.date()))
    return events


def instant_of(payment: Payment, event: Event, at: datetime) -> datetime:
    """The business instant of an event a command at `at` decided: an allocation's reversal
    never predates the allocation."""
    if isinstance(event, AllocationReversed) and event.allocation_id in payment.allocations:
        return max(at, payment.allocations[event.allocation_id].at)
    return at


def refund(
    payment: Payment, refund_id: str, amount: Money, reason: str, at: datetime
) -> list[Event]:
    """Pay credit on account back to the customer, never more than is unapplied at `at`."""
    _must_be_live(payment)
    if payment.customer_id is None:
        raise StateConflict("payer_unidentified", "identify the payer before refunding")
    if amount.currency != payment.amount.currency or amount.amount <= 0:
        raise InvalidRequest("amount_positive",
                             "refund a positive amount in the payment's currency", "amount")
    _not_before(at, payment.at, "before_payment", "the payment was received")
    available = payment.available_at(at)
    if amount.amount > available.amount:
        raise StateConflict("exceeds_unapplied",
                            f"{amount} is more than the unapplied {available}", "amount")
    return [RefundIssued(refund_id=refund_id, payment_id=payment.payment_id, amount=amount,
                         reason=reason, refunded_on=at.date())]


def draw_credit(
    sources: Mapping[str, Payment | None], amount: Money, at: datetime
) -> list[tuple[str, Money]]:
    """Which sources (payments and credits, in the order given: oldest first) a refund of
    `amount` of a customer's credit on account at `at` draws from, and how much from each."""
    if amount.amount <= 0:
        raise InvalidRequest("amount_positive", "refund a positive amount", "amount")
    rest, drawn = amount.amount, []
    for source, payment in sources.items():
        if payment is None or payment.reversed or payment.amount.currency != amount.currency:
            continue
        take = min(rest, payment.available_at(at).amount)
        if take > 0:
            drawn.append((source, Money(amount=take, currency=amount.currency)))
            rest -= take
        if rest == 0:
            return drawn
    raise StateConflict("exceeds_credit",
                        f"{amount} is more than the customer's credit on account at "
                        f"{at.date().isoformat()} ({amount.amount - rest} {amount.currency})",
                        "amount")


def evolve(state: Payment | None, envelope: Envelope) -> Payment | None:
    """The payment after one of its events."""
    event, at = envelope.payload, envelope.occurred_at
    if isinstance(event, PaymentReceived):
        return Payment(event.payment_id, envelope.customer_id, event.amount, event.received_on,
                       event.payer, event.payer_account_in_plain, at=at,
                       moves=(Moved(at, event.amount.amount),))
    if isinstance(event, CreditNoteApplied):
        return Payment(event.credit_id, envelope.customer_id, event.to_account,
                       event.applied_on, at=at, moves=(Moved(at, event.to_account.amount),))
    if state is None:
        return None
    if isinstance(event, PaymentAllocated):
        return with_allocation(state, event, envelope.customer_id, at)
    if isinstance(event, AllocationReversed):
        rest = {k: v for k, v in state.allocations.items() if k != event.allocation_id}
        return _moved(replace(state, allocations=rest), at, event.amount.amount)
    if isinstance(event, PaymentReversed):
        return _moved(replace(state, reversed=True), at, -state.unapplied.amount)
    if isinstance(event, RefundIssued):
        before = state.refunded or Money.zero(event.amount.currency)
        return _moved(replace(state, refunded=before + event.amount), at, -event.amount.amount)
    return state


def with_allocation(
    state: Payment, event: PaymentAllocated, customer_id: str | None, at: datetime = EPOCH
) -> Payment:
    """The payment after an allocation; an unidentified payer is now the invoice's customer."""
    live = LiveAllocation(event.invoice_id, event.amount, event.discount, at)
    moved = _moved(state, at, -event.amount.amount)
    return replace(moved, allocations={**state.allocations, event.allocation_id: live},
                   customer_id=state.customer_id or customer_id)


def _moved(state: Payment, at: datetime, delta: Decimal) -> Payment:
    return replace(state, moves=(*state.moves, Moved(at, delta)))


def replay(history: Sequence[Envelope]) -> Payment | None:
    state: Payment | None = None
    for envelope in history:
        state = evolve(state, envelope)
    return state


def _not_before(at: datetime, earliest: datetime, rule: str, what: str) -> None:
    if at < earliest:
        raise InvalidRequest(rule, f"dated {at.isoformat()}, before {what} "
                             f"({earliest.isoformat()})", "occurred_at")


def _must_be_live(payment: Payment) -> None:
    if payment.reversed:
        raise StateConflict("payment_reversed", f"payment {payment.payment_id} was reversed")


def _reversal(
    payment: Payment, allocation_id: str, live: LiveAllocation, reason: str, at: datetime
) -> AllocationReversed:
    return AllocationReversed(
        allocation_id=allocation_id, payment_id=payment.payment_id, invoice_id=live.invoice_id,
        amount=live.amount, discount=live.discount, reason=reason, reversed_on=at.date(),
    )
