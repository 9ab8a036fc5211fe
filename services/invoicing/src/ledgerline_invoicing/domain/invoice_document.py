"""The invoice as a document: what was issued, in the customer's language (en, fr, it; others
in English): number, dates, who is billed and for which order, every line explained (quantity,
unit price, tax rate, net), the totals, the payment terms and where to pay. Only facts fixed
at issue: a copy sent months later reads exactly as the original (payments are not on it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ledgerline_events.contract.creditor import Creditor
from ledgerline_events.contract.invoicing import InvoiceIssued
from ledgerline_events.contract.money import quantize
from ledgerline_events.contract.sales import Language, PaymentTerms, TermsKind

LABELS: dict[Language, dict[str, str]] = {
    Language.EN: {"title": "INVOICE", "date": "Issue date", "due": "Due date", "to": "Bill to",
                  "customer": "customer", "order": "Your order", "line": "Description",
                  "qty": "Qty", "price": "Unit price", "tax": "Tax %", "net": "Net",
                  "net_total": "Net total", "tax_total": "Tax", "gross": "Total due",
                  "terms": "Payment terms", "pay": "Pay by transfer to"},
    Language.FR: {"title": "FACTURE", "date": "Date", "due": "Échéance", "to": "Facturé à",
                  "customer": "client", "order": "Votre commande", "line": "Désignation",
                  "qty": "Qté", "price": "Prix unit.", "tax": "TVA %", "net": "HT",
                  "net_total": "Total HT", "tax_total": "TVA", "gross": "Total TTC",
                  "terms": "Conditions de paiement", "pay": "Règlement par virement à"},
    Language.IT: {"title": "FATTURA", "date": "Data", "due": "Scadenza", "to": "Intestata a",
                  "customer": "cliente", "order": "Vostro ordine", "line": "Descrizione",
                  "qty": "Qtà", "price": "Prezzo unit.", "tax": "IVA %", "net": "Imponibile",
                  "net_total": "Totale imponibile", "tax_total": "IVA", "gross": "Totale",
                  "terms": "Condizioni di pagamento", "pay": "Pagamento con bonifico a"},
}
TERMS = {
    Language.EN: ("net {n} days", "{n} days end of month", "{p} % discount within {d} days, net {n} days"),
    Language.FR: ("{n} jours net", "{n} jours fin de mois", "escompte {p} % à {d} jours, net à {n} jours"),
    Language.IT: ("{n} giorni data fattura", "{n} giorni fine mese",
                  "sconto {p} % entro {d} giorni, netto {n} giorni"),
}


@dataclass(frozen=True)
class IssuedInvoice:
    invoice_id: str
    invoice_number: str
    customer_id: str
    customer_name: str
    sales_order_id: str | None
    currency: str
    issue_date: date
    due_date: date
    language: Language
    payment_terms: PaymentTerms
    lines: list[dict[str, Any]]  # description, quantity, unit_price, tax_rate, net (decimals)
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal


def issued_from(event: InvoiceIssued) -> IssuedInvoice:
    """The document's facts straight from the event (as the register keeps them)."""
    return IssuedInvoice(
        event.invoice_id, event.invoice_number, event.customer.customer_id, event.customer.name,
        event.sales_order_id, event.currency, event.issue_date, event.due_date,
        event.customer.language, event.payment_terms,
        [line.model_dump(mode="json") for line in event.lines], event.net_total.amount,
        event.tax_total.amount, event.gross_total.amount)


def invoice_text(invoice: IssuedInvoice, creditor: Creditor) -> str:
    lang = invoice.language if invoice.language in LABELS else Language.EN
    t, money = LABELS[lang], money_in(lang, invoice.currency)
    head = [creditor.name, "", f"{t['title']} {invoice.invoice_number}",
            f"{t['date']}: {localized_day(invoice.issue_date, lang)}    "
            f"{t['due']}: {localized_day(invoice.due_date, lang)}",
            "", f"{t['to']}: {invoice.customer_name} ({t['customer']} {invoice.customer_id})"]
    if invoice.sales_order_id:
        head.append(f"{t['order']}: {invoice.sales_order_id}")
    table = [f"{t['line']:<38} {t['qty']:>8} {t['price']:>14} {t['tax']:>6} {t['net']:>16}"]
    for line in invoice.lines:
        table.append(f"{str(line['description'])[:38]:<38} {_number(line['quantity'], lang):>8} "
                     f"{money(line['unit_price']):>14} {_number(line['tax_rate'], lang):>6} "
                     f"{money(line['net']):>16}")
    totals = [f"{t['net_total']:>70} {money(invoice.net_total):>16}",
              f"{t['tax_total']:>70} {money(invoice.tax_total):>16}",
              f"{t['gross']:>70} {money(invoice.gross_total):>16}"]
    pay = [f"{t['terms']}: {terms_text(invoice.payment_terms, lang)}",
           f"{t['pay']} {creditor.account_holder}, {creditor.bank_name}, IBAN {creditor.iban}, "
           f"BIC {creditor.bic} ({invoice.invoice_number})"]
    return "\n".join([*head, "", *table, "", *totals, "", *pay]) + "\n"


def terms_text(terms: PaymentTerms, lang: Language) -> str:
    net, end_of_month, discount = TERMS[lang]
    if terms.kind is TermsKind.END_OF_MONTH:
        return end_of_month.format(n=terms.net_days)
    if terms.kind is TermsKind.EARLY_PAYMENT_DISCOUNT:
        return discount.format(n=terms.net_days, d=terms.discount_days,
                               p=_number(terms.discount_percent or 0, lang))
    return net.format(n=terms.net_days)


def money_in(lang: Language, currency: str) -> Callable[[Any], str]:
    def money(amount: Any) -> str:
        text = f"{quantize(Decimal(str(amount)), currency):,}"
        return f"{_localized(text, lang)} {currency}"
    return money


def _number(value: Any, lang: Language) -> str:
    return _localized(f"{Decimal(str(value)).normalize():f}", lang)


def _localized(text: str, lang: Language) -> str:
    if lang is Language.FR:
        return text.replace(",", " ").replace(".", ",")
    if lang is Language.IT:
        return text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def localized_day(day: date, lang: Language) -> str:
    return day.isoformat() if lang is Language.EN else day.strftime("%d/%m/%Y")


CREDIT_NOTE_LABELS = {
    Language.EN: ("CREDIT NOTE", "for invoice", "of", "Reason", "Amount credited"),
    Language.FR: ("AVOIR", "sur la facture", "du", "Motif", "Montant de l'avoir"),
    Language.IT: ("NOTA DI CREDITO", "sulla fattura", "del", "Motivo", "Importo accreditato"),
}


@dataclass(frozen=True)
class IssuedCreditNote:
    credit_note_number: str
    issue_date: date
    amount: Decimal
    reason: str
    invoice: IssuedInvoice  # the invoice it credits, as issued


def credit_note_text(note: IssuedCreditNote, creditor: Creditor) -> str:
    """A credit note as a document: what it credits, why and how much, in the language of the
    invoice it credits."""
    invoice = note.invoice
    lang = invoice.language if invoice.language in LABELS else Language.EN
    title, on_invoice, of, reason, credited = CREDIT_NOTE_LABELS[lang]
    t, money = LABELS[lang], money_in(lang, invoice.currency)
    return "\n".join([
        creditor.name, "", f"{title} {note.credit_note_number}",
        f"{t['date']}: {localized_day(note.issue_date, lang)}", "",
        f"{t['to']}: {invoice.customer_name} ({t['customer']} {invoice.customer_id})",
        f"{on_invoice} {invoice.invoice_number} {of} {localized_day(invoice.issue_date, lang)}"
        f" ({money(invoice.gross_total)})", "",
        f"{reason}: {note.reason}", f"{credited:>60} {money(note.amount):>18}",
    ]) + "\n"
