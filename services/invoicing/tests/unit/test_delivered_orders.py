"""A delivered order is billed on its delivery day, and its proof of delivery is kept with the
invoice ("we never got the goods" is answered with it)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledgerline_events.contract.invoicing import InvoiceIssued
from ledgerline_events.contract.sales import (
    Customer,
    OrderDelivered,
    OrderLine,
    PaymentTerms,
    ProofOfDelivery,
    TermsKind,
)
from ledgerline_invoicing.domain.deliveries import invoice_delivered_order
from ledgerline_invoicing.domain.invoice import decide_issue

PROOF = ProofOfDelivery(carrier="GLS", reference="ZW5HKXK3", document_url=None)


def test_the_invoice_of_a_delivered_order_carries_its_delivery_and_proof() -> None:
    order = OrderDelivered(
        order_id="SO-9", customer=Customer(customer_id="C-1", name="Acme"), currency="EUR",
        lines=[OrderLine(sku="S-1", description="Bolts", quantity=Decimal(10),
                         unit_price=Decimal("2.50"), tax_rate=Decimal(20))],
        payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=30),
        delivered_on=date(2026, 3, 2), proof_of_delivery=PROOF)
    [issued] = decide_issue(invoice_delivered_order(order), "INV-2026-000009")
    assert isinstance(issued, InvoiceIssued)
    assert (issued.delivered_on, issued.proof_of_delivery, issued.issue_date) == (
        date(2026, 3, 2), PROOF, date(2026, 3, 2))
