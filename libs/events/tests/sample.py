"""A small projection used to test the runtime: open amount per invoice, fed by two topics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg

from ledgerline_events.contract import Envelope, Money, Topics, new_envelope
from ledgerline_events.contract.cash_application import MatchReason, PaymentAllocated
from ledgerline_events.contract.invoicing import InvoiceCancelled, InvoiceIssued, InvoiceLine
from ledgerline_events.contract.sales import Customer, PaymentTerms, TermsKind

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class InvoiceOpenAmounts:
    name = "invoice_open_amounts"

    def topics(self, topics: Topics) -> list[str]:
        return [topics.invoicing, topics.cash_application]

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS invoice_open (invoice_id text PRIMARY KEY, gross numeric,"
            " allocated numeric NOT NULL DEFAULT 0, events int NOT NULL DEFAULT 0)"
        )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        for e in events:
            p = e.payload
            if isinstance(p, InvoiceIssued):
                await conn.execute(
                    "INSERT INTO invoice_open (invoice_id, gross, events) VALUES ($1, $2, 1) "
                    "ON CONFLICT (invoice_id) DO UPDATE SET gross = $2, events = invoice_open.events + 1",
                    p.invoice_id, p.gross_total.amount,
                )
            elif isinstance(p, PaymentAllocated):
                await conn.execute(
                    "INSERT INTO invoice_open (invoice_id, allocated, events) VALUES ($1, $2, 1) "
                    "ON CONFLICT (invoice_id) DO UPDATE SET allocated = invoice_open.allocated + $2,"
                    " events = invoice_open.events + 1",
                    p.invoice_id, p.amount.amount,
                )


def invoice(invoice_id: str, gross: str, customer: str = "C-1", version: int = 1) -> Envelope:
    amount = Money.of(gross, "EUR")
    payload = InvoiceIssued(
        invoice_id=invoice_id, invoice_number=f"INV-{invoice_id}",
        customer=Customer(customer_id=customer, name="Acme"), currency="EUR",
        issue_date=date(2026, 3, 1), due_date=date(2026, 3, 31),
        payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=30),
        lines=[InvoiceLine(description="x", quantity=Decimal(1), unit_price=amount.amount,
                           tax_rate=Decimal(0), net=amount.amount, tax=Decimal(0))],
        net_total=amount, tax_total=Money.zero("EUR"), gross_total=amount,
    )
    return new_envelope(payload, aggregate_id=invoice_id, aggregate_version=version,
                        customer_id=customer, occurred_at=T0, producer="invoicing")


def allocation(allocation_id: str, invoice_id: str, amount: str, customer: str = "C-1") -> Envelope:
    payload = PaymentAllocated(
        allocation_id=allocation_id, payment_id=f"pay-{allocation_id}", invoice_id=invoice_id,
        amount=Money.of(amount, "EUR"), match_reason=MatchReason.MANUAL, allocated_on=date(2026, 3, 5),
    )
    return new_envelope(payload, aggregate_id=f"pay-{allocation_id}", aggregate_version=1,
                        customer_id=customer, occurred_at=T0, producer="cash-application")


def cancellation(invoice_id: str) -> InvoiceCancelled:
    return InvoiceCancelled(invoice_id=invoice_id, amount=Money.of("10", "EUR"), reason="duplicate",
                            cancelled_on=T0.date())
