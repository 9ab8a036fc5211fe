"""What a legal e-invoice says, worked out from the events alone (an invoice's InvoiceIssued, a
credit note's CreditNoteIssued with its invoice's): the parties, the lines, the VAT breakdown per
rate and the totals, each figure equal to the event's to the cent. The formats (cii.py for
Factur-X, ubl.py, fatturapa.py) only write these facts down, each in its own syntax; which
format a customer gets is `format_for`.

A credit note in the log carries its gross amount only; on the e-invoice it credits the
invoice's VAT rates in proportion to the gross invoiced at each rate (`credited_lines`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from ledgerline_events.contract.creditor import Creditor
from ledgerline_events.contract.invoicing import CreditNoteIssued, EInvoiceFormat, InvoiceIssued
from ledgerline_events.contract.money import MINOR_UNITS
from ledgerline_events.contract.parties import Address, Buyer, OrderReference
from ledgerline_events.contract.sales import PaymentTerms, TermsKind

DEFAULT_FORMATS: Mapping[str, EInvoiceFormat] = {"FR": EInvoiceFormat.FACTUR_X,
                                                 "IT": EInvoiceFormat.FATTURAPA}


def format_for(country: str, formats: Mapping[str, EInvoiceFormat] = DEFAULT_FORMATS
               ) -> EInvoiceFormat:
    """The e-invoice a buyer in `country` can take in: by country, UBL otherwise."""
    return formats.get(country, EInvoiceFormat.UBL)


class DocumentKind(StrEnum):
    INVOICE = "invoice"  # UNTDID 1001: 380; FatturaPA TD01
    CREDIT_NOTE = "credit_note"  # 381; TD04


@dataclass(frozen=True)
class Line:
    position: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    net: Decimal


@dataclass(frozen=True)
class VatRate:
    """One line of the VAT breakdown: what is taxed at `rate`, and the tax."""

    rate: Decimal
    taxable: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Seller:
    creditor: Creditor
    address: Address
    vat_id: str
    company_id: str
    regime_fiscale: str  # Italy: the seller's tax regime (RF01: ordinary)
    legal_notes: tuple[str, ...]  # mentions the law asks every invoice to carry


@dataclass(frozen=True)
class EInvoice:
    kind: DocumentKind
    number: str
    issue_date: date
    due_date: date
    currency: str
    seller: Seller
    buyer: Buyer
    order: OrderReference | None
    lines: tuple[Line, ...]
    vat: tuple[VatRate, ...]
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    terms: str  # the payment terms in words
    early_discount: tuple[Decimal, date] | None  # (amount, until)
    delivered_on: date | None
    delivery_reference: str | None  # the proof of delivery (despatch advice)
    invoice_reference: tuple[str, date] | None  # a credit note's invoice (number, issue date)
    note: str = ""


def buyer_of(issued: InvoiceIssued) -> Buyer:
    """The buyer as the sale named it; without its legal identity, its name and country."""
    if issued.buyer is not None:
        return issued.buyer
    customer = issued.customer
    return Buyer(legal_name=customer.name,
                 address=Address(lines=[customer.name], city="-", country=customer.country))


def invoice_facts(issued: InvoiceIssued, seller: Seller) -> EInvoice:
    lines = tuple(Line(i, line.description, line.quantity, line.unit_price, line.tax_rate,
                       line.net) for i, line in enumerate(issued.lines, start=1))
    discount = issued.early_payment_discount
    return EInvoice(
        DocumentKind.INVOICE, issued.invoice_number, issued.issue_date, issued.due_date,
        issued.currency, seller, buyer_of(issued), issued.order, lines,
        vat_breakdown(issued), issued.net_total.amount, issued.tax_total.amount,
        issued.gross_total.amount, terms_in_words(issued.payment_terms, issued.due_date),
        (discount.amount.amount, discount.until) if discount else None, issued.delivered_on,
        issued.proof_of_delivery.reference if issued.proof_of_delivery else None, None)


def vat_breakdown(issued: InvoiceIssued) -> tuple[VatRate, ...]:
    """Per rate: the lines' nets and taxes as issued (each line rounded, so the breakdown adds up
    to the invoice's totals to the cent)."""
    rates: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in issued.lines:
        taxable, tax = rates.get(line.tax_rate, (Decimal(0), Decimal(0)))
        rates[line.tax_rate] = (taxable + line.net, tax + line.tax)
    return tuple(VatRate(rate, *rates[rate]) for rate in sorted(rates))


def credit_note_facts(note: CreditNoteIssued, issued: InvoiceIssued, seller: Seller) -> EInvoice:
    vat = credited_lines(note.amount.amount, vat_breakdown(issued), issued.currency)
    lines = tuple(Line(i, f"{note.reason} ({issued.invoice_number})", Decimal(1), r.taxable,
                       r.rate, r.taxable) for i, r in enumerate(vat, start=1))
    return EInvoice(
        DocumentKind.CREDIT_NOTE, note.credit_note_number, note.issue_date, note.issue_date,
        issued.currency, seller, buyer_of(issued), issued.order, lines, vat,
        sum((r.taxable for r in vat), Decimal(0)), sum((r.tax for r in vat), Decimal(0)),
        note.amount.amount, "", None, None, None, (issued.invoice_number, issued.issue_date),
        note.reason)


def credited_lines(gross: Decimal, invoiced: tuple[VatRate, ...], currency: str
                   ) -> tuple[VatRate, ...]:
    """The credit's gross spread over the invoice's rates in proportion to the gross invoiced at
    each (the last rate takes what rounding left), then split into net and tax at that rate."""
    unit = Decimal(1).scaleb(-MINOR_UNITS.get(currency, 2))
    total = sum((r.taxable + r.tax for r in invoiced), Decimal(0))
    shares, left = [], gross
    for i, rate in enumerate(invoiced):
        last = i == len(invoiced) - 1
        share = left if last else ((gross * (rate.taxable + rate.tax) / total)
                                   .quantize(unit, ROUND_HALF_UP))
        left -= share
        net = (share * 100 / (100 + rate.rate)).quantize(unit, ROUND_HALF_UP)
        shares.append(VatRate(rate.rate, net, share - net))
    return tuple(r for r in shares if r.taxable or r.tax)


def terms_in_words(terms: PaymentTerms, due: date) -> str:
    words = {TermsKind.NET: f"net {terms.net_days} days",
             TermsKind.END_OF_MONTH: f"{terms.net_days} days end of month",
             TermsKind.EARLY_PAYMENT_DISCOUNT: f"{terms.discount_percent} % discount within "
                                               f"{terms.discount_days} days, net {terms.net_days} days"}
    return f"{words[terms.kind]}; due {due.isoformat()}"
