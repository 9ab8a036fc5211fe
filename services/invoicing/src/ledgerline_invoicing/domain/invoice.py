"""The invoice aggregate: issuing, crediting and cancelling one invoice.

Commands are orders; `decide_*` functions check the rules against the invoice's state and
return the contract events to record; `evolve` folds an event into the state. Facts owned by
other services (cash allocated to the invoice) come in as arguments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from ledgerline_events.contract.base import Event
from ledgerline_events.contract.invoicing import (
    CreditNoteIssued,
    InvoiceCancelled,
    InvoiceIssued,
)
from ledgerline_events.contract.money import MINOR_UNITS, Money, quantize
from ledgerline_events.contract.parties import Buyer, OrderReference
from ledgerline_events.contract.refusals import InvalidRequest, StateConflict
from ledgerline_events.contract.sales import Customer, PaymentTerms, ProofOfDelivery

from .errors import InvoiceNotFound
from .pricing import LineItem, invoice_totals, price_lines
from .terms import discount_offered, due_date


@dataclass(frozen=True)
class Invoice:
    """What the invoicing service knows about one invoice from its own events."""

    invoice_id: str
    invoice_number: str
    customer_id: str
    currency: str
    issue_date: date
    gross_total: Money
    credited: Money
    cancelled: bool
    version: int

    def remaining(self, settled: Money) -> Money:
        """Still owed: gross - credited - settled by cash (nothing once cancelled)."""
        if self.cancelled:
            return Money.zero(self.currency)
        return self.gross_total - self.credited - settled


@dataclass(frozen=True)
class IssueInvoice:
    """Bill a customer for delivered goods or services (from a sales event or by hand)."""

    invoice_id: str
    customer: Customer
    currency: str
    lines: tuple[LineItem, ...]
    payment_terms: PaymentTerms
    issue_date: date
    series: str = "INV"
    sales_order_id: str | None = None
    delivered_on: date | None = None  # the delivery billed, and what proves it
    proof_of_delivery: ProofOfDelivery | None = None
    buyer: Buyer | None = None  # the buyer's legal identity, for the e-invoice
    order: OrderReference | None = None  # the buyer's purchase order


@dataclass(frozen=True)
class IssueCreditNote:
    """Reduce what is owed on an invoice; `amount` None credits everything still remaining."""

    invoice_id: str
    credit_note_id: str
    amount: Money | None
    reason: str
    issue_date: date
    dispute_id: str | None = None


@dataclass(frozen=True)
class CancelInvoice:
    """Withdraw an invoice that nobody has paid or credited yet."""

    invoice_id: str
    reason: str
    cancelled_on: date


def decide_issue(command: IssueInvoice, invoice_number: str) -> list[Event]:
    """Price the lines, work out the due date, and issue the invoice under its number."""
    lines = price_lines(list(command.lines), command.currency)
    totals = invoice_totals(lines, command.currency)
    if totals.gross.amount <= 0:
        raise InvalidRequest("amount_not_positive", "an invoice must be for a positive amount", "lines")
    return [
        InvoiceIssued(
            invoice_id=command.invoice_id,
            invoice_number=invoice_number,
            customer=command.customer,
            sales_order_id=command.sales_order_id,
            currency=command.currency,
            issue_date=command.issue_date,
            due_date=due_date(command.payment_terms, command.issue_date),
            payment_terms=command.payment_terms,
            lines=lines,
            net_total=totals.net,
            tax_total=totals.tax,
            gross_total=totals.gross,
            early_payment_discount=discount_offered(command.payment_terms, command.issue_date,
                                                    totals.gross),
            delivered_on=command.delivered_on, proof_of_delivery=command.proof_of_delivery,
            buyer=command.buyer, order=command.order,
        )
    ]


def credit_note_amount(invoice: Invoice, command: IssueCreditNote, settled: Money) -> Money:
    """The amount to credit: positive, in the invoice's currency and minor unit, and never more
    than was invoiced and not credited yet. It may exceed what is still open (returned goods
    already paid for): cash application's clearing then puts the excess on the customer's
    account. Without an amount, what remains open as far as we know (`settled`)."""
    if invoice.cancelled:
        raise StateConflict("invoice_cancelled", "a cancelled invoice cannot be credited", "invoice_id")
    amount = command.amount or invoice.remaining(settled)
    if amount.currency != invoice.currency:
        raise InvalidRequest("currency_mismatch",
                             f"a credit note is in its invoice's currency {invoice.currency}",
                             "amount.currency")
    if amount.amount != quantize(amount.amount, amount.currency):
        raise InvalidRequest("too_many_decimals",
                             f"at most {MINOR_UNITS[amount.currency]} decimals in {amount.currency}",
                             "amount.amount")
    if command.amount is not None and amount.amount <= 0:
        raise InvalidRequest("amount_not_positive", "a credit note amount must be positive", "amount.amount")
    if amount.amount <= 0:
        raise StateConflict("nothing_to_credit", "nothing remains to credit on the invoice", "amount.amount")
    creditable = invoice.gross_total - invoice.credited
    if amount.amount > creditable.amount:
        raise StateConflict(
            "exceeds_creditable",
            f"a credit note cannot exceed what was invoiced and not credited yet {creditable}",
            "amount.amount")
    return amount


def decide_credit_note(
    invoice: Invoice | None, command: IssueCreditNote, settled: Money, credit_note_number: str
) -> list[Event]:
    """Credit part or all of what remains on an invoice, with a reason."""
    if invoice is None:
        raise InvoiceNotFound(command.invoice_id)
    if not command.reason.strip():
        raise InvalidRequest("reason_missing", "a credit note states its reason", "reason")
    if command.issue_date < invoice.issue_date:
        raise InvalidRequest("before_invoice", "a credit note cannot predate its invoice", "issue_date")
    amount = credit_note_amount(invoice, command, settled)
    return [
        CreditNoteIssued(
            credit_note_id=command.credit_note_id,
            credit_note_number=credit_note_number,
            invoice_id=invoice.invoice_id,
            amount=amount,
            reason=command.reason.strip(),
            issue_date=command.issue_date,
            dispute_id=command.dispute_id,
        )
    ]


def decide_cancel(invoice: Invoice | None, command: CancelInvoice, settled: Money) -> list[Event]:
    """Cancel an invoice, allowed only while nothing is allocated to it or credited on it."""
    if invoice is None:
        raise InvoiceNotFound(command.invoice_id)
    if not command.reason.strip():
        raise InvalidRequest("reason_missing", "a cancellation states its reason", "reason")
    if command.cancelled_on < invoice.issue_date:
        raise InvalidRequest("before_invoice", "a cancellation cannot predate its invoice", "cancelled_on")
    if invoice.cancelled:
        raise StateConflict("already_cancelled", "the invoice is already cancelled", "invoice_id")
    if not invoice.credited.is_zero:
        raise StateConflict("credited", "an invoice with a credit note cannot be cancelled", "invoice_id")
    if not settled.is_zero:
        raise StateConflict("paid", "an invoice with payments allocated to it cannot be cancelled",
                            "invoice_id")
    return [
        InvoiceCancelled(
            invoice_id=invoice.invoice_id,
            amount=invoice.gross_total,
            reason=command.reason.strip(),
            cancelled_on=command.cancelled_on,
        )
    ]


def evolve(invoice: Invoice | None, event: Event) -> Invoice | None:
    """Fold one of the invoice's own events into its state."""
    if isinstance(event, InvoiceIssued):
        return Invoice(
            invoice_id=event.invoice_id,
            invoice_number=event.invoice_number,
            customer_id=event.customer.customer_id,
            currency=event.currency,
            issue_date=event.issue_date,
            gross_total=event.gross_total,
            credited=Money.zero(event.currency),
            cancelled=False,
            version=1,
        )
    if invoice is None:
        return None
    if isinstance(event, CreditNoteIssued):
        credited = invoice.credited + event.amount
        return replace(invoice, credited=credited, version=invoice.version + 1)
    if isinstance(event, InvoiceCancelled):
        return replace(invoice, cancelled=True, version=invoice.version + 1)
    return invoice


def replay(events: Iterable[Event]) -> Invoice | None:
    """The invoice's state after all its events, in order (None if never issued)."""
    invoice: Invoice | None = None
    for event in events:
        invoice = evolve(invoice, event)
    return invoice
