"""Recording a payment and applying it automatically, as one decision."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ledgerline_events.contract import Event
from ledgerline_events.contract.cash_application import PaymentAllocated

from .matching import MatchingSettings, MatchResult, OpenInvoice, PaymentToMatch, match_payment
from .payment import Allocate, Payment, ReceivePayment, allocate, receive_payment, with_allocation


@dataclass(frozen=True)
class Applied:
    events: list[Event]
    match: MatchResult


def receive_and_apply(
    cmd: ReceivePayment,
    customer_id: str | None,
    invoices: list[OpenInvoice],
    settings: MatchingSettings,
    today: date,
    new_allocation_id: Callable[[], str],
) -> Applied:
    """PaymentReceived, then one PaymentAllocated per allocation the matching engine proposes
    (each checked by the same rules as a manual allocation)."""
    events = receive_payment(None, cmd)
    state = Payment(cmd.payment_id, customer_id, cmd.amount, cmd.received_on, cmd.payer_account)
    result = match_payment(
        PaymentToMatch(cmd.amount, cmd.received_on, customer_id, cmd.remittance),
        invoices, settings,
    )
    by_id = {i.invoice_id: i for i in invoices}
    for proposal in result.allocations:
        invoice = by_id[proposal.invoice_id]
        decided = allocate(state, Allocate(
            allocation_id=new_allocation_id(), invoice_id=invoice.invoice_id,
            invoice_customer_id=customer_id or "", invoice_currency=invoice.open_amount.currency,
            invoice_open_amount=invoice.open_amount, amount=proposal.amount,
            reason=proposal.reason, explanation=proposal.explanation, discount=proposal.discount,
        ), today)
        allocated = decided[0]
        assert isinstance(allocated, PaymentAllocated)
        state = with_allocation(state, allocated, customer_id)
        events += decided
    return Applied(events, result)
