"""An e-invoice (e_invoice.py) as FatturaPA 1.2 XML between private parties (FPR12): TD01 for an
invoice, TD04 for a credit note, as the Italian exchange system (SDI) takes it. Texts are kept
to the Latin characters the schema allows, amounts to their patterns (two decimals; rates
"22.00"). Element order follows the schema (a sequence)."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

from lxml import etree

from ledgerline_events.contract.parties import Address

from .e_invoice import DocumentKind, EInvoice, Seller
from .xml_writing import Writer

NS = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
W = Writer({"p": NS})
TIPO = {DocumentKind.INVOICE: "TD01", DocumentKind.CREDIT_NOTE: "TD04"}
NO_CODE = "0000000"  # no SDI code: delivered to the PEC, or left in the buyer's tax drawer
ABROAD = "XXXXXXX"  # a buyer outside Italy
ZERO_RATED = "N2.2"
FISCAL_CODE = re.compile(r"[A-Z0-9]{11,16}")
BIC = re.compile(r"[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?")  # a 0 % line: not subject to VAT (other cases)


def fatturapa_xml(doc: EInvoice) -> bytes:
    root = W.root("p:FatturaElettronica", versione="FPR12")
    header = W.sub(root, "FatturaElettronicaHeader")
    _transmission(W.sub(header, "DatiTrasmissione"), doc)
    _seller(W.sub(header, "CedentePrestatore"), doc.seller)
    _buyer(W.sub(header, "CessionarioCommittente"), doc)
    body = W.sub(root, "FatturaElettronicaBody")
    _general(W.sub(body, "DatiGenerali"), doc)
    _goods(W.sub(body, "DatiBeniServizi"), doc)
    if doc.kind is DocumentKind.INVOICE:
        _payment(W.sub(body, "DatiPagamento"), doc)
    return W.document(root)


def latin(text: str, length: int) -> str:
    """The text in the schema's Latin-1 alphabet (others become '?'), at most `length`."""
    return text.encode("latin-1", errors="replace").decode("latin-1")[:length] or "-"


def two(value: Decimal) -> str:
    return f"{value:.2f}"


def _tax_id(parent: etree._Element, vat_id: str, tag: str = "IdFiscaleIVA") -> None:
    tax_id = W.sub(parent, tag)
    W.sub(tax_id, "IdPaese", vat_id[:2])
    W.sub(tax_id, "IdCodice", vat_id[2:30])


def _transmission(data: etree._Element, doc: EInvoice) -> None:
    _tax_id(data, doc.seller.vat_id, "IdTrasmittente")  # we send our own invoices
    W.sub(data, "ProgressivoInvio", progressive(doc.number))
    W.sub(data, "FormatoTrasmissione", "FPR12")
    buyer = doc.buyer
    code = buyer.sdi_code or (NO_CODE if buyer.address.country == "IT" else ABROAD)
    W.sub(data, "CodiceDestinatario", code)
    if buyer.pec and not buyer.sdi_code:
        W.sub(data, "PECDestinatario", buyer.pec)


def progressive(number: str) -> str:
    """The transmission's own number (ten letters or digits), the same for the same document."""
    return hashlib.sha256(number.encode()).hexdigest()[:10].upper()


def _address(parent: etree._Element, address: Address) -> None:
    seat = W.sub(parent, "Sede")
    W.sub(seat, "Indirizzo", latin(", ".join(address.lines), 60))
    postcode = address.postcode.replace(" ", "")
    W.sub(seat, "CAP", postcode if postcode.isdigit() and len(postcode) == 5 else "00000")
    W.sub(seat, "Comune", latin(address.city, 60))
    W.sub(seat, "Nazione", address.country)


def _seller(party: etree._Element, seller: Seller) -> None:
    data = W.sub(party, "DatiAnagrafici")
    _tax_id(data, seller.vat_id)
    W.sub(W.sub(data, "Anagrafica"), "Denominazione", latin(seller.creditor.name, 80))
    W.sub(data, "RegimeFiscale", seller.regime_fiscale)
    _address(party, seller.address)


def _buyer(party: etree._Element, doc: EInvoice) -> None:
    buyer = doc.buyer
    data = W.sub(party, "DatiAnagrafici")
    fiscal_code = codice_fiscale(buyer.company_id) if buyer.address.country == "IT" else None
    if buyer.vat_id:
        _tax_id(data, buyer.vat_id)
    if fiscal_code:
        W.sub(data, "CodiceFiscale", fiscal_code)
    if not buyer.vat_id and not fiscal_code:
        _tax_id(data, f"{buyer.address.country}99999999999")  # a buyer without a tax id
    W.sub(W.sub(data, "Anagrafica"), "Denominazione", latin(buyer.legal_name, 80))
    _address(party, buyer.address)


def _general(general: etree._Element, doc: EInvoice) -> None:
    document = W.sub(general, "DatiGeneraliDocumento")
    W.sub(document, "TipoDocumento", TIPO[doc.kind])
    W.sub(document, "Divisa", doc.currency)
    W.sub(document, "Data", doc.issue_date.isoformat())
    W.sub(document, "Numero", latin(doc.number, 20))
    W.sub(document, "ImportoTotaleDocumento", two(doc.gross_total))
    for text in (*doc.seller.legal_notes, doc.note):
        if text:
            W.sub(document, "Causale", latin(text, 200))
    if doc.order:
        order = W.sub(general, "DatiOrdineAcquisto")
        W.sub(order, "IdDocumento", latin(doc.order.purchase_order, 20))
        if doc.order.ordered_on:
            W.sub(order, "Data", doc.order.ordered_on.isoformat())
    if doc.invoice_reference:
        linked = W.sub(general, "DatiFattureCollegate")
        W.sub(linked, "IdDocumento", latin(doc.invoice_reference[0], 20))
        W.sub(linked, "Data", doc.invoice_reference[1].isoformat())
    if doc.delivery_reference and doc.delivered_on:
        transport = W.sub(general, "DatiDDT")
        W.sub(transport, "NumeroDDT", latin(doc.delivery_reference, 20))
        W.sub(transport, "DataDDT", doc.delivered_on.isoformat())


def _goods(goods: etree._Element, doc: EInvoice) -> None:
    for line in doc.lines:
        detail = W.sub(goods, "DettaglioLinee")
        W.sub(detail, "NumeroLinea", str(line.position))
        W.sub(detail, "Descrizione", latin(line.description, 1000))
        W.sub(detail, "Quantita", _decimals(line.quantity, 2, 8))
        W.sub(detail, "PrezzoUnitario", _decimals(line.unit_price, 2, 8))
        W.sub(detail, "PrezzoTotale", _decimals(line.net, 2, 8))
        W.sub(detail, "AliquotaIVA", two(line.tax_rate))
        if not line.tax_rate:
            W.sub(detail, "Natura", ZERO_RATED)
    for rate in doc.vat:
        summary = W.sub(goods, "DatiRiepilogo")
        W.sub(summary, "AliquotaIVA", two(rate.rate))
        if not rate.rate:
            W.sub(summary, "Natura", ZERO_RATED)
        W.sub(summary, "ImponibileImporto", two(rate.taxable))
        W.sub(summary, "Imposta", two(rate.tax))
        W.sub(summary, "EsigibilitaIVA", "I")  # VAT due at once


def codice_fiscale(company_id: str | None) -> str | None:
    """An Italian fiscal code (11 digits for a company, 16 characters for a person), or None
    when the company id is none of those (the schema would refuse it)."""
    code = (company_id or "").replace(" ", "").upper()
    return code if FISCAL_CODE.fullmatch(code) else None


def _decimals(value: Decimal, least: int, most: int) -> str:
    """`value` with at least `least` and at most `most` decimals (the schema's patterns)."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) else 0
    return f"{value:.{min(max(places, least), most)}f}"


def _payment(payment: etree._Element, doc: EInvoice) -> None:
    W.sub(payment, "CondizioniPagamento", "TP02")  # paid in full at once
    detail = W.sub(payment, "DettaglioPagamento")
    W.sub(detail, "Beneficiario", latin(doc.seller.creditor.account_holder, 200))
    W.sub(detail, "ModalitaPagamento", "MP05")  # bank transfer
    W.sub(detail, "DataScadenzaPagamento", doc.due_date.isoformat())
    W.sub(detail, "ImportoPagamento", two(doc.gross_total))
    W.sub(detail, "IBAN", doc.seller.creditor.iban)
    if BIC.fullmatch(doc.seller.creditor.bic):  # optional; the schema takes only a true BIC
        W.sub(detail, "BIC", doc.seller.creditor.bic)
    if doc.early_discount:
        discount, until = doc.early_discount
        W.sub(detail, "ScontoPagamentoAnticipato", two(discount))
        W.sub(detail, "DataLimitePagamentoAnticipato", until.isoformat())
