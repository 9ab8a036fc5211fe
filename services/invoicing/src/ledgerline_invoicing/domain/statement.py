"""Customer statement: every movement on the customer's account in one currency over a
period, between an opening and a closing balance.

A movement's amount is signed from the customer's side: positive raises what they owe
(invoice, reversed allocation, recovered write-off), negative lowers it (credit note,
cancellation, allocated payment, granted discount, write-off). Credit notes, cancellations,
write-offs and recoveries count for what cash application's clearing applied of them, so the
closing balance is what every other service shows as open."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ledgerline_events.contract.base import Event
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    CancellationApplied,
    CreditNoteApplied,
    PaymentAllocated,
    RecoveryApplied,
    WriteOffApplied,
)
from ledgerline_events.contract.invoicing import InvoiceIssued
from ledgerline_events.contract.money import Money


class MovementKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    CANCELLATION = "cancellation"
    PAYMENT = "payment"
    DISCOUNT = "early_payment_discount"
    PAYMENT_REVERSED = "payment_reversed"
    DISCOUNT_REVERSED = "early_payment_discount_reversed"
    WRITE_OFF = "write_off"
    RECOVERY = "write_off_recovered"


@dataclass(frozen=True)
class Movement:
    """One line of the customer's account. `source_id` identifies the document or allocation
    it comes from, so the same fact is never counted twice."""

    on: date
    kind: MovementKind
    invoice_id: str
    reference: str
    source_id: str
    amount: Money


@dataclass(frozen=True)
class StatementLine:
    movement: Movement
    balance: Money


@dataclass(frozen=True)
class InterestAccrued:
    """Late-payment interest and indemnity an invoice earned by the statement's last day that
    no interest note claimed yet (collections works it out): shown beside the balance, not in
    it, until a note claims it."""

    invoice_id: str
    invoice_number: str
    days_accrued: int
    interest: Money
    indemnity: Money


@dataclass(frozen=True)
class Statement:
    currency: str
    period_from: date
    period_to: date
    opening_balance: Money
    lines: tuple[StatementLine, ...]
    closing_balance: Money
    # None: collections could not say now; the statement says so rather than show nothing.
    interest_accrued: tuple[InterestAccrued, ...] | None = None

    @property
    def interest_total(self) -> Money:
        return Money(amount=sum((i.interest.amount + i.indemnity.amount
                                 for i in self.interest_accrued or ()), Decimal(0)),
                     currency=self.currency)

    def with_interest(self, accrued: Iterable[InterestAccrued] | None) -> Statement:
        """This statement with the interest accrued in its currency (None: not known)."""
        if accrued is None:
            return replace(self, interest_accrued=None)
        return replace(self, interest_accrued=tuple(
            i for i in accrued if i.interest.currency == self.currency))


def _allocation_movements(event: PaymentAllocated | AllocationReversed) -> list[Movement]:
    undo = isinstance(event, AllocationReversed)
    on = event.reversed_on if isinstance(event, AllocationReversed) else event.allocated_on
    sign = 1 if undo else -1
    kinds = (
        (MovementKind.PAYMENT_REVERSED, MovementKind.DISCOUNT_REVERSED)
        if undo
        else (MovementKind.PAYMENT, MovementKind.DISCOUNT)
    )
    source = f"{event.allocation_id}:{'reversed' if undo else 'allocated'}"
    found = [Movement(on, kinds[0], event.invoice_id, event.payment_id, source,
                      _signed(event.amount, sign))]
    if event.discount is not None and not event.discount.is_zero:
        found.append(Movement(on, kinds[1], event.invoice_id, event.payment_id,
                              source + ":discount", _signed(event.discount, sign)))
    return found


def _signed(amount: Money, sign: int) -> Money:
    return amount if sign > 0 else -amount


def movements_from(event: Event) -> list[Movement]:
    """The account movements a fact from any service makes (none for unrelated events)."""
    if isinstance(event, InvoiceIssued):
        return [Movement(event.issue_date, MovementKind.INVOICE, event.invoice_id,
                         event.invoice_number, event.invoice_id, event.gross_total)]
    if isinstance(event, CreditNoteApplied):
        return [Movement(event.applied_on, MovementKind.CREDIT_NOTE, event.invoice_id,
                         event.credit_note_number, event.credit_note_id, -event.applied)]
    if isinstance(event, CancellationApplied):
        return [Movement(event.applied_on, MovementKind.CANCELLATION, event.invoice_id,
                         event.invoice_id, f"{event.invoice_id}:cancelled", -event.applied)]
    if isinstance(event, PaymentAllocated | AllocationReversed):
        return _allocation_movements(event)
    if isinstance(event, WriteOffApplied):
        return [Movement(event.applied_on, MovementKind.WRITE_OFF, event.invoice_id,
                         event.write_off_id, event.write_off_id, -event.applied)]
    if isinstance(event, RecoveryApplied):
        return [Movement(event.applied_on, MovementKind.RECOVERY, event.invoice_id,
                         event.recovery_id, event.recovery_id, event.applied)]
    return []


def statement_order(movement: Movement) -> tuple[date, int, str, str]:
    """Date first; on one day, documents before cash, each in a fixed order, so every replay
    prints the same statement whatever order the services' events arrived in."""
    return (movement.on, list(MovementKind).index(movement.kind), movement.reference,
            movement.source_id)


def customer_statement(
    movements: Iterable[Movement], currency: str, period_from: date, period_to: date
) -> Statement:
    """Opening balance = all movements before the period; then each movement in the period
    with the running balance; closing balance = opening + movements in the period."""
    if period_to < period_from:
        raise ValueError("the statement period ends before it starts")
    ordered = sorted((m for m in movements if m.amount.currency == currency), key=statement_order)
    opening = sum((m.amount.amount for m in ordered if m.on < period_from), Decimal(0))
    balance = opening
    lines: list[StatementLine] = []
    for movement in ordered:
        if period_from <= movement.on <= period_to:
            balance += movement.amount.amount
            lines.append(StatementLine(movement, Money(amount=balance, currency=currency)))
    return Statement(
        currency=currency,
        period_from=period_from,
        period_to=period_to,
        opening_balance=Money(amount=opening, currency=currency),
        lines=tuple(lines),
        closing_balance=Money(amount=balance, currency=currency),
    )
