"""Contract-encoded events other services would publish, for the integration tests."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ledgerline_events.contract import Envelope, Money, new_envelope
from ledgerline_events.contract.cash_application import (
    MatchReason,
    PaymentAllocated,
    RecoveryApplied,
    WriteOffApplied,
)
from ledgerline_events.contract.invoicing import InvoiceIssued, InvoiceLine
from ledgerline_events.contract.sales import (
    Customer,
    Language,
    PaymentTerms,
    ProofOfDelivery,
    TermsKind,
)


def invoice_issued(
    invoice_id: str, customer: str, gross: str, due: date, at: datetime,
    currency: str = "EUR", language: Language = Language.EN,
    proof: ProofOfDelivery | None = None, country: str = "GB",
) -> Envelope:
    amount = Money.of(gross, currency)
    payload = InvoiceIssued(
        invoice_id=invoice_id, invoice_number=f"INV-{invoice_id}",
        customer=Customer(customer_id=customer, name=f"{customer} Ltd", language=language,
                          country=country),
        currency=currency, issue_date=at.date(), due_date=due,
        payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=(due - at.date()).days),
        lines=[InvoiceLine(description="Goods", quantity=Decimal(1), unit_price=amount.amount,
                           tax_rate=Decimal(0), net=amount.amount, tax=Decimal(0))],
        net_total=amount, tax_total=Money.zero(currency), gross_total=amount,
        delivered_on=at.date() if proof else None, proof_of_delivery=proof,
    )
    return new_envelope(payload, aggregate_id=invoice_id, aggregate_version=1,
                        customer_id=customer, occurred_at=at, producer="invoicing")


def allocated(
    allocation_id: str, invoice_id: str, customer: str, amount: str, at: datetime,
    currency: str = "EUR",
) -> Envelope:
    payload = PaymentAllocated(
        allocation_id=allocation_id, payment_id=f"pay-{allocation_id}", invoice_id=invoice_id,
        amount=Money.of(amount, currency), match_reason=MatchReason.MANUAL,
        allocated_on=at.date(),
    )
    return new_envelope(payload, aggregate_id=f"pay-{allocation_id}", aggregate_version=1,
                        customer_id=customer, occurred_at=at, producer="cash-application")


def write_off_applied(
    write_off_id: str, invoice_id: str, customer: str, amount: str, at: datetime,
    currency: str = "EUR",
) -> Envelope:
    """Cash application's clearing of collections' write-off (what moves the open amount)."""
    payload = WriteOffApplied(
        write_off_id=write_off_id, invoice_id=invoice_id, amount=Money.of(amount, currency),
        applied=Money.of(amount, currency), applied_on=at.date(),
    )
    return new_envelope(payload, aggregate_id=invoice_id, aggregate_version=1,
                        customer_id=customer, occurred_at=at, producer="cash-application")


def recovery_applied(
    recovery_id: str, write_off_id: str, invoice_id: str, customer: str, amount: str,
    at: datetime, currency: str = "EUR",
) -> Envelope:
    payload = RecoveryApplied(
        recovery_id=recovery_id, write_off_id=write_off_id, invoice_id=invoice_id,
        amount=Money.of(amount, currency), applied=Money.of(amount, currency),
        applied_on=at.date(),
    )
    return new_envelope(payload, aggregate_id=invoice_id, aggregate_version=1,
                        customer_id=customer, occurred_at=at, producer="cash-application")
