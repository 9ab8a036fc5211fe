"""Why the invoicing rules refused a command, naming the field and the rule broken."""

from __future__ import annotations


class InvoicingRuleBroken(Exception):
    """A command broke a business rule. `field` names the offending input (dotted path),
    `rule` states the rule in words a finance user recognises."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class InvalidInvoiceInput(InvoicingRuleBroken):
    """The input itself is wrong whatever the invoice's state (HTTP 422)."""


class InvoiceStateConflict(InvoicingRuleBroken):
    """The input is well formed but the invoice's current state forbids it (HTTP 409)."""


class InvoiceNotFound(Exception):
    """No invoice with this id was ever issued."""

    def __init__(self, invoice_id: str) -> None:
        super().__init__(f"invoice {invoice_id} does not exist")
        self.invoice_id = invoice_id
