"""Shared business vocabulary for the invoicing unit tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledgerline_events.contract.base import Event
from ledgerline_events.contract.invoicing import CreditNoteIssued, InvoiceCancelled
from ledgerline_events.contract.money import Money
from ledgerline_events.contract.sales import Customer, PaymentTerms, TermsKind
from ledgerline_invoicing.domain.invoice import IssueInvoice, decide_issue
from ledgerline_invoicing.domain.pricing import LineItem

ACME = Customer(customer_id="C-1001", name="Acme SARL", country="FR")
NET_30 = PaymentTerms(kind=TermsKind.NET, net_days=30)
ISSUED_ON = date(2026, 3, 1)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def invoice_issued(gross_net: str = "100", invoice_id: str = "inv-1",
                   terms: PaymentTerms = NET_30) -> Event:
    """An invoice of one line at 20 % tax: net `gross_net`, gross net x 1.2."""
    command = IssueInvoice(
        invoice_id=invoice_id,
        customer=ACME,
        currency="EUR",
        lines=(LineItem("consulting", Decimal(1), Decimal(gross_net), Decimal(20)),),
        payment_terms=terms,
        issue_date=ISSUED_ON,
    )
    return decide_issue(command, "INV-2026-000001")[0]


def credit_note_issued(amount: str, number: str = "CN-2026-000001") -> Event:
    return CreditNoteIssued(
        credit_note_id=f"cn-{number}", credit_note_number=number, invoice_id="inv-1",
        amount=eur(amount), reason="returned goods", issue_date=ISSUED_ON,
    )


def invoice_cancelled() -> Event:
    return InvoiceCancelled(
        invoice_id="inv-1", amount=eur("120"), reason="issued by mistake", cancelled_on=ISSUED_ON
    )
