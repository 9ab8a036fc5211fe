"""Refusals of the invoicing rules are the shared ones (ledgerline_events.contract.refusals);
this one names the invoice a command was about."""

from __future__ import annotations

from ledgerline_events.contract.refusals import NotFound


class InvoiceNotFound(NotFound):
    """No invoice with this id was ever issued (HTTP 404)."""

    where = "path"

    def __init__(self, invoice_id: str) -> None:
        super().__init__("unknown_invoice", f"invoice {invoice_id} does not exist", "invoice_id")
        self.invoice_id = invoice_id
