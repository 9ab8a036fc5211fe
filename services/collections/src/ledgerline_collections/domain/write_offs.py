"""Bad debt: writing off what cannot be collected, and recovering it if it later is.

A write-off is full (the whole open amount) or partial, never more than the invoice's open
amount, always with a reason and an approver (the signed-in caller), and never above the
approval limit of the person asking, counting what was already written off on the same
customer (so on the same invoice too): by the caller, or by anyone when the company says so.
Splitting a large write-off into small ones therefore gains nothing. Above the company's
four-eyes threshold a write-off is only requested; a second person, whose own limit covers
it, approves it. A recovery never exceeds what is still written off (written off minus
earlier recoveries).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from ledgerline_events.contract import Envelope, Event, Money
from ledgerline_events.contract.collections import (
    DebtWrittenOff,
    WriteOffRequested,
    WrittenOffDebtRecovered,
)
from ledgerline_events.contract.refusals import InvalidRequest, NotFound, NotPermitted, StateConflict


@dataclass(frozen=True)
class WriteOffState:
    write_off_id: str
    invoice_id: str
    customer_id: str
    amount: Money
    recovered: Decimal = Decimal(0)

    @property
    def still_written_off(self) -> Money:
        return Money.of(self.amount.amount - self.recovered, self.amount.currency)


@dataclass(frozen=True)
class ApprovalLimit:
    """The most one person may write off at once: `amount` in `currency`, or the same amount
    in any currency when `currency` is None."""

    amount: Decimal
    currency: str | None = None


@dataclass(frozen=True)
class WrittenOffBefore:
    """What counts against an approval limit: the total already written off, in the new
    write-off's currency, on the same invoice and on the same customer (which includes it)."""

    on_invoice: Decimal = Decimal(0)
    on_customer: Decimal = Decimal(0)


@dataclass(frozen=True)
class WriteOffDebt:
    """Command: write off `amount` of an invoice (None: everything still open), asked by
    `approver` with `approval_limit` (None: no limit), `before` counting against it."""

    write_off_id: str
    invoice_id: str
    amount: Money | None
    reason: str
    approver: str
    approval_limit: ApprovalLimit | None = None
    before: WrittenOffBefore = WrittenOffBefore()


@dataclass(frozen=True)
class ApproveWriteOff:
    """Command: the second person approves a requested write-off."""

    write_off_id: str
    approver: str
    approval_limit: ApprovalLimit | None = None


@dataclass(frozen=True)
class RecoverWrittenOffDebt:
    """Command: `amount` of a written-off debt turned out collectible."""

    recovery_id: str
    write_off_id: str
    amount: Money


def decide_write_off(
    existing: WriteOffState | None, cmd: WriteOffDebt, open_amount: Money, today: date,
    second_approval_above: Decimal | None = None,
) -> list[Event]:
    """Write off part or all of what is open; never more, never nothing. Above
    `second_approval_above` (four eyes) the write-off is requested, not yet made."""
    if existing is not None:
        raise StateConflict("write_off_unique", "write-off already recorded", "write_off_id")
    amount = cmd.amount if cmd.amount is not None else open_amount
    if amount.currency != open_amount.currency:
        raise InvalidRequest("invoice_currency", "use the invoice currency", "amount.currency")
    if cmd.amount is not None and amount.amount <= 0:
        raise InvalidRequest("must_be_positive", "write off a positive amount", "amount")
    if open_amount.amount <= 0:
        raise StateConflict("invoice_open", "nothing is open on this invoice", "invoice_id")
    if amount.amount > open_amount.amount:
        raise StateConflict("not_above_open_amount", f"the invoice has only {open_amount} open", "amount")
    within_approval_limit(amount, cmd.approval_limit, cmd.before)
    if second_approval_above is not None and amount.amount > second_approval_above:
        return [WriteOffRequested(write_off_id=cmd.write_off_id, invoice_id=cmd.invoice_id,
                                  amount=amount, reason=cmd.reason, requested_by=cmd.approver,
                                  requested_on=today)]
    return [
        DebtWrittenOff(
            write_off_id=cmd.write_off_id,
            invoice_id=cmd.invoice_id,
            amount=amount,
            reason=cmd.reason,
            approver=cmd.approver,
            written_off_on=today,
        )
    ]


def within_approval_limit(
    amount: Money, limit: ApprovalLimit | None, before: WrittenOffBefore = WrittenOffBefore(),
) -> None:
    """A write-off above the asker's approval limit needs someone with a higher one; what
    was written off before on the same invoice and customer counts towards it."""
    if limit is None:
        return
    if limit.currency not in (None, amount.currency):
        raise NotPermitted("approval_limit",
                           f"your approval limit is in {limit.currency}, not {amount.currency}", "amount")
    if amount.amount > limit.amount:
        raise NotPermitted("approval_limit", f"{amount} is above your approval limit of {limit.amount}",
                           "amount")
    counted = max(before.on_invoice, before.on_customer)
    if amount.amount + counted > limit.amount:
        raise NotPermitted(
            "approval_limit",
            f"{amount} with {counted} {amount.currency} already written off on this customer "
            f"({before.on_invoice} on this invoice) is above your approval limit of "
            f"{limit.amount}", "amount")


def decide_second_approval(
    ledger: InvoiceWriteOffs, cmd: ApproveWriteOff, open_amount: Money, today: date
) -> list[Event]:
    """A second person, not the one who asked and within their own limit, approves a
    requested write-off of what is still open: it is then made."""
    request = ledger.requested.get(cmd.write_off_id)
    if request is None:
        if cmd.write_off_id in ledger.write_offs:
            raise StateConflict("already_written_off", "already approved", "write_off_id")
        raise NotFound("write_off_requested", f"no write-off {cmd.write_off_id} awaits approval",
                       "write_off_id")
    if cmd.approver == request.requested_by:
        raise NotPermitted("four_eyes", "a second person must approve the write-off they did not ask for",
                           "write_off_id")
    if request.amount.amount > open_amount.amount:
        raise StateConflict("not_above_open_amount", f"the invoice has only {open_amount} open now", "amount")
    within_approval_limit(request.amount, cmd.approval_limit)
    return [DebtWrittenOff(write_off_id=request.write_off_id, invoice_id=request.invoice_id,
                           amount=request.amount, reason=request.reason, approver=cmd.approver,
                           written_off_on=today)]


def decide_recovery(
    state: WriteOffState | None, cmd: RecoverWrittenOffDebt, today: date
) -> list[Event]:
    """Recover at most what is still written off, in the write-off's currency."""
    if state is None:
        raise NotFound("write_off_exists", f"no write-off {cmd.write_off_id}", "write_off_id")
    if cmd.amount.currency != state.amount.currency:
        raise InvalidRequest("write_off_currency", "use the write-off currency", "amount.currency")
    if cmd.amount.amount <= 0:
        raise InvalidRequest("must_be_positive", "recover a positive amount", "amount")
    if cmd.amount.amount > state.still_written_off.amount:
        raise StateConflict("not_above_written_off", f"only {state.still_written_off} is still written off",
                            "amount")
    return [
        WrittenOffDebtRecovered(
            recovery_id=cmd.recovery_id,
            write_off_id=state.write_off_id,
            invoice_id=state.invoice_id,
            amount=cmd.amount,
            recovered_on=today,
        )
    ]


@dataclass(frozen=True)
class InvoiceWriteOffs:
    """Every write-off of one invoice and its recoveries: one aggregate, so two collectors
    writing off the same invoice at once cannot together exceed its open amount."""

    invoice_id: str
    write_offs: Mapping[str, WriteOffState] = field(default_factory=dict)
    requested: Mapping[str, WriteOffRequested] = field(default_factory=dict)  # awaiting approval

    @property
    def net_written_off(self) -> Decimal:
        """Written off minus recovered: what the write-offs still remove from the invoice."""
        return sum((w.still_written_off.amount for w in self.write_offs.values()), Decimal(0))


def replay_invoice_write_offs(invoice_id: str, history: Sequence[Envelope]) -> InvoiceWriteOffs:
    """The invoice's write-offs (amount and what was recovered since) from their events."""
    found: dict[str, WriteOffState] = {}
    requested: dict[str, WriteOffRequested] = {}
    for envelope in history:
        event = envelope.payload
        if isinstance(event, WriteOffRequested):
            requested[event.write_off_id] = event
        elif isinstance(event, DebtWrittenOff):
            requested.pop(event.write_off_id, None)
            found[event.write_off_id] = WriteOffState(
                write_off_id=event.write_off_id,
                invoice_id=event.invoice_id,
                customer_id=envelope.customer_id or "",
                amount=event.amount,
            )
        elif isinstance(event, WrittenOffDebtRecovered) and event.write_off_id in found:
            state = found[event.write_off_id]
            found[event.write_off_id] = replace(
                state, recovered=state.recovered + event.amount.amount
            )
    return InvoiceWriteOffs(invoice_id, found, requested)
