"""Recording a payment and applying it automatically, as one decision."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ledgerline_events.contract import Event
from ledgerline_events.contract.cash_application import PaymentAllocated

from .clearing import Moved
from .matching import MatchingSettings, MatchResult, OpenInvoice, PaymentToMatch, match_payment
from .payment import Allocate, Payment, ReceivePayment, allocate, receive_payment, with_allocation


@dataclass(frozen=True)
class Applied:
    """The events with their business instants: the payment's, and for each allocation the
    later of the payment's and its invoice's issue."""

    dated: list[tuple[Event, datetime]]
    match: MatchResult

    @property
    def events(self) -> list[Event]:
        return [event for event, _ in self.dated]


def receive_and_apply(
    cmd: ReceivePayment,
    customer_id: str | None,
    invoices: list[OpenInvoice],
    settings: MatchingSettings,
    at: datetime,
    new_allocation_id: Callable[[], str],
) -> Applied:
    """PaymentReceived at `at`, then one PaymentAllocated per allocation the matching engine
    proposes (each checked by the same rules as a manual allocation). `invoices` carry what
    each can take at its allocation's instant."""
    dated: list[tuple[Event, datetime]] = [(e, at) for e in receive_payment(None, cmd)]
    state = Payment(cmd.payment_id, customer_id, cmd.amount, cmd.received_on, cmd.payer,
                    at=at, moves=(Moved(at, cmd.amount.amount),))
    result = match_payment(
        PaymentToMatch(cmd.amount, cmd.received_on, customer_id, cmd.remittance),
        invoices, settings,
    )
    by_id = {i.invoice_id: i for i in invoices}
    for proposal in result.allocations:
        invoice = by_id[proposal.invoice_id]
        allocated_at = max(at, invoice.issued_at)
        decided = allocate(state, Allocate(
            allocation_id=new_allocation_id(), invoice_id=invoice.invoice_id,
            invoice_customer_id=customer_id or "", invoice_currency=invoice.open_amount.currency,
            invoice_open_amount=invoice.open_amount, amount=proposal.amount,
            reason=proposal.reason, explanation=proposal.explanation, discount=proposal.discount,
            invoice_issued_at=invoice.issued_at,
        ), allocated_at)
        allocated = decided[0]
        assert isinstance(allocated, PaymentAllocated)
        state = with_allocation(state, allocated, customer_id, allocated_at)
        dated += [(e, allocated_at) for e in decided]
    return Applied(dated, result)
