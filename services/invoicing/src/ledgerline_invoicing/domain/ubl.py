"""An e-invoice (e_invoice.py) as OASIS UBL 2.1 under EN 16931 (the Peppol BIS billing
customization): an Invoice or a CreditNote. Element order follows the schema (a sequence)."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from ledgerline_events.contract.parties import Address

from .cii import category
from .e_invoice import DocumentKind, EInvoice, Line
from .xml_writing import Writer, amount

INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


def ubl_xml(doc: EInvoice) -> bytes:
    invoice = doc.kind is DocumentKind.INVOICE
    w = Writer({None: INVOICE if invoice else CREDIT_NOTE, "cac": CAC, "cbc": CBC})
    root = w.root("Invoice" if invoice else "CreditNote")
    for tag, text in (("cbc:CustomizationID", CUSTOMIZATION), ("cbc:ProfileID", PROFILE),
                      ("cbc:ID", doc.number), ("cbc:IssueDate", doc.issue_date.isoformat())):
        w.sub(root, tag, text)
    if invoice:
        w.sub(root, "cbc:DueDate", doc.due_date.isoformat())
    w.sub(root, "cbc:InvoiceTypeCode" if invoice else "cbc:CreditNoteTypeCode",
          "380" if invoice else "381")
    for text in (*doc.seller.legal_notes, doc.note):
        if text:
            w.sub(root, "cbc:Note", text)
    w.sub(root, "cbc:DocumentCurrencyCode", doc.currency)
    if doc.order:
        w.sub(root, "cbc:BuyerReference", doc.order.purchase_order)
        order = w.sub(root, "cac:OrderReference")
        w.sub(order, "cbc:ID", doc.order.purchase_order)
        if doc.order.ordered_on:
            w.sub(order, "cbc:IssueDate", doc.order.ordered_on.isoformat())
    if doc.invoice_reference:
        referenced = w.sub(w.sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        w.sub(referenced, "cbc:ID", doc.invoice_reference[0])
        w.sub(referenced, "cbc:IssueDate", doc.invoice_reference[1].isoformat())
    if doc.delivery_reference:
        w.sub(w.sub(root, "cac:DespatchDocumentReference"), "cbc:ID", doc.delivery_reference)
    seller, buyer = doc.seller, doc.buyer
    _party(w, w.sub(root, "cac:AccountingSupplierParty"), seller.creditor.name, seller.address,
           seller.vat_id, seller.company_id)
    _party(w, w.sub(root, "cac:AccountingCustomerParty"), buyer.legal_name, buyer.address,
           buyer.vat_id, buyer.company_id)
    if doc.delivered_on:
        w.sub(w.sub(root, "cac:Delivery"), "cbc:ActualDeliveryDate", doc.delivered_on.isoformat())
    _payment(w, root, doc)
    _totals(w, root, doc)
    for line in doc.lines:
        _line(w, root, line, doc.currency, invoice)
    return w.document(root)


def _party(w: Writer, parent: etree._Element, name: str, address: Address, vat_id: str | None,
           company_id: str | None) -> None:
    party = w.sub(parent, "cac:Party")
    w.sub(w.sub(party, "cac:PartyName"), "cbc:Name", name)
    postal = w.sub(party, "cac:PostalAddress")
    w.sub(postal, "cbc:StreetName", address.lines[0])
    if len(address.lines) > 1:
        w.sub(postal, "cbc:AdditionalStreetName", address.lines[1])
    w.sub(postal, "cbc:CityName", address.city)
    if address.postcode:
        w.sub(postal, "cbc:PostalZone", address.postcode)
    w.sub(w.sub(postal, "cac:Country"), "cbc:IdentificationCode", address.country)
    if vat_id:
        scheme = w.sub(party, "cac:PartyTaxScheme")
        w.sub(scheme, "cbc:CompanyID", vat_id)
        w.sub(w.sub(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = w.sub(party, "cac:PartyLegalEntity")
    w.sub(legal, "cbc:RegistrationName", name)
    if company_id:
        w.sub(legal, "cbc:CompanyID", company_id)


def _payment(w: Writer, root: etree._Element, doc: EInvoice) -> None:
    means = w.sub(root, "cac:PaymentMeans")
    w.sub(means, "cbc:PaymentMeansCode", "58")  # SEPA credit transfer
    w.sub(means, "cbc:PaymentID", doc.number)
    account = w.sub(means, "cac:PayeeFinancialAccount")
    w.sub(account, "cbc:ID", doc.seller.creditor.iban)
    w.sub(account, "cbc:Name", doc.seller.creditor.account_holder)
    w.sub(w.sub(account, "cac:FinancialInstitutionBranch"), "cbc:ID", doc.seller.creditor.bic)
    if doc.terms:
        w.sub(w.sub(root, "cac:PaymentTerms"), "cbc:Note", doc.terms)


def _totals(w: Writer, root: etree._Element, doc: EInvoice) -> None:
    tax = w.sub(root, "cac:TaxTotal")
    w.sub(tax, "cbc:TaxAmount", amount(doc.tax_total), currencyID=doc.currency)
    for rate in doc.vat:
        subtotal = w.sub(tax, "cac:TaxSubtotal")
        w.sub(subtotal, "cbc:TaxableAmount", amount(rate.taxable), currencyID=doc.currency)
        w.sub(subtotal, "cbc:TaxAmount", amount(rate.tax), currencyID=doc.currency)
        _category(w, subtotal, "cac:TaxCategory", rate.rate)
    totals = w.sub(root, "cac:LegalMonetaryTotal")
    for tag, value in (("cbc:LineExtensionAmount", doc.net_total),
                       ("cbc:TaxExclusiveAmount", doc.net_total),
                       ("cbc:TaxInclusiveAmount", doc.gross_total),
                       ("cbc:PayableAmount", doc.gross_total)):
        w.sub(totals, tag, amount(value), currencyID=doc.currency)


def _category(w: Writer, parent: etree._Element, tag: str, rate: Decimal) -> None:
    cat = w.sub(parent, tag)
    w.sub(cat, "cbc:ID", category(rate))
    w.sub(cat, "cbc:Percent", amount(rate))
    w.sub(w.sub(cat, "cac:TaxScheme"), "cbc:ID", "VAT")


def _line(w: Writer, root: etree._Element, line: Line, currency: str, invoice: bool) -> None:
    item_line = w.sub(root, "cac:InvoiceLine" if invoice else "cac:CreditNoteLine")
    w.sub(item_line, "cbc:ID", str(line.position))
    w.sub(item_line, "cbc:InvoicedQuantity" if invoice else "cbc:CreditedQuantity",
          amount(line.quantity), unitCode="C62")
    w.sub(item_line, "cbc:LineExtensionAmount", amount(line.net), currencyID=currency)
    item = w.sub(item_line, "cac:Item")
    w.sub(item, "cbc:Name", line.description[:200])
    _category(w, item, "cac:ClassifiedTaxCategory", line.tax_rate)
    w.sub(w.sub(item_line, "cac:Price"), "cbc:PriceAmount", amount(line.unit_price),
          currencyID=currency)
