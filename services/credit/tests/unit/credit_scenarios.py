"""Builders for the events other services publish, as credit receives them, so tests read
"given an invoice of 1,000 EUR due on 1 March, paid 20 days late". Credit notes, write-offs,
recoveries and cancellations reach credit as cash application cleared them (`...Applied`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from ledgerline_events.contract import Envelope, Event, Money, new_envelope
from ledgerline_events.contract.cash_application import (
    AllocationReversed,
    CancellationApplied,
    CreditNoteApplied,
    MatchReason,
    PaymentAllocated,
    RecoveryApplied,
    WriteOffApplied,
)
from ledgerline_events.contract.collections import (
    DisputeOpened,
    DisputeOutcome,
    DisputeReason,
    DisputeResolved,
    PromiseToPayBroken,
)
from ledgerline_events.contract.invoicing import InvoiceIssued, InvoiceLine
from ledgerline_events.contract.sales import (
    Customer,
    OrderCancelled,
    OrderDelivered,
    OrderLine,
    OrderPlaced,
    PaymentTerms,
    TermsKind,
)

CUSTOMER = "C-1001"
ISSUED = date(2026, 3, 1)
DUE = date(2026, 3, 31)
AT = datetime(2026, 3, 1, 9, tzinfo=UTC)
TERMS = PaymentTerms(kind=TermsKind.NET, net_days=30)


def eur(amount: str | int) -> Money:
    return Money.of(Decimal(amount), "EUR")


def wrap(payload: Event, customer: str = CUSTOMER, aggregate: str = "agg") -> Envelope:
    return new_envelope(payload, aggregate_id=aggregate, aggregate_version=1, customer_id=customer,
                        occurred_at=AT, producer="test")


def invoice(invoice_id: str, gross: str, due: date = DUE, customer: str = CUSTOMER,
            order_id: str | None = None, currency: str = "EUR") -> Envelope:
    total = Money.of(gross, currency)
    line = InvoiceLine(description="goods", quantity=Decimal(1), unit_price=total.amount,
                       tax_rate=Decimal(0), net=total.amount, tax=Decimal(0))
    return wrap(InvoiceIssued(
        invoice_id=invoice_id, invoice_number=f"INV-{invoice_id}",
        customer=Customer(customer_id=customer, name="Acme"), sales_order_id=order_id,
        currency=currency, issue_date=ISSUED, due_date=due, payment_terms=TERMS, lines=[line],
        net_total=total, tax_total=Money.zero(currency), gross_total=total,
    ), customer)


def allocated(allocation_id: str, invoice_id: str, amount: str, on: date = DUE,
              discount: str | None = None) -> Envelope:
    return wrap(PaymentAllocated(
        allocation_id=allocation_id, payment_id=f"pay-{allocation_id}", invoice_id=invoice_id,
        amount=eur(amount), discount=eur(discount) if discount else None,
        match_reason=MatchReason.REMITTANCE_REFERENCE, allocated_on=on,
    ))


def reversed_allocation(allocation_id: str, invoice_id: str, amount: str) -> Envelope:
    return wrap(AllocationReversed(
        allocation_id=allocation_id, payment_id=f"pay-{allocation_id}", invoice_id=invoice_id,
        amount=eur(amount), reason="bounced", reversed_on=DUE,
    ))


def credit_note(note_id: str, invoice_id: str, amount: str) -> Envelope:
    return wrap(CreditNoteApplied(
        credit_note_id=note_id, credit_note_number="CN-1", invoice_id=invoice_id,
        credit_id=f"CR-{note_id}",
        amount=eur(amount), applied=eur(amount), to_account=eur(0), applied_on=ISSUED,
    ))


def cancelled(invoice_id: str, amount: str) -> Envelope:
    return wrap(CancellationApplied(invoice_id=invoice_id, amount=eur(amount),
                                    applied=eur(amount), applied_on=ISSUED))


def written_off(write_off_id: str, invoice_id: str, amount: str) -> Envelope:
    return wrap(WriteOffApplied(write_off_id=write_off_id, invoice_id=invoice_id,
                                amount=eur(amount), applied=eur(amount), applied_on=DUE))


def recovered(recovery_id: str, write_off_id: str, invoice_id: str, amount: str) -> Envelope:
    return wrap(RecoveryApplied(recovery_id=recovery_id, write_off_id=write_off_id,
                                invoice_id=invoice_id, amount=eur(amount), applied=eur(amount),
                                applied_on=DUE))


def order_placed(order_id: str, amount: str, customer: str = CUSTOMER) -> Envelope:
    return wrap(OrderPlaced(order_id=order_id, customer=Customer(customer_id=customer, name="A"),
                            amount=eur(amount), placed_on=ISSUED), customer)


def order_delivered(order_id: str, customer: str = CUSTOMER) -> Envelope:
    line = OrderLine(sku="X", description="goods", quantity=Decimal(1), unit_price=Decimal(1),
                     tax_rate=Decimal(0))
    return wrap(OrderDelivered(order_id=order_id, customer=Customer(customer_id=customer, name="A"),
                               currency="EUR", lines=[line], payment_terms=TERMS,
                               delivered_on=ISSUED), customer)


def order_cancelled(order_id: str, customer: str = CUSTOMER) -> Envelope:
    return wrap(OrderCancelled(order_id=order_id, customer_id=customer), customer)


def dispute_opened(dispute_id: str, invoice_id: str, amount: str) -> Envelope:
    return wrap(DisputeOpened(dispute_id=dispute_id, invoice_id=invoice_id, amount=eur(amount),
                              reason=DisputeReason.QUALITY_COMPLAINT, opened_on=ISSUED))


def dispute_resolved(dispute_id: str, invoice_id: str) -> Envelope:
    return wrap(DisputeResolved(dispute_id=dispute_id, invoice_id=invoice_id,
                                outcome=DisputeOutcome.CUSTOMER_LIABLE, resolved_on=DUE))


def promise_broken(promise_id: str) -> Envelope:
    return wrap(PromiseToPayBroken(promise_id=promise_id, broken_on=DUE, amount_short=eur(10)))
