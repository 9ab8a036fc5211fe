"""An e-invoice (e_invoice.py) as UN/CEFACT Cross Industry Invoice XML under the EN 16931
profile: the XML a Factur-X PDF/A-3 carries. Element order follows the schema (a sequence)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from ledgerline_events.contract.parties import Address

from .e_invoice import DocumentKind, EInvoice, Line, VatRate
from .xml_writing import Writer, amount

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
EN16931 = "urn:cen.eu:en16931:2017"
TYPE_CODES = {DocumentKind.INVOICE: "380", DocumentKind.CREDIT_NOTE: "381"}
W = Writer({"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT})


def cii_xml(doc: EInvoice) -> bytes:
    root = W.root("rsm:CrossIndustryInvoice")
    W.sub(W.sub(W.sub(root, "rsm:ExchangedDocumentContext"),
                "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)
    header = W.sub(root, "rsm:ExchangedDocument")
    W.sub(header, "ram:ID", doc.number)
    W.sub(header, "ram:TypeCode", TYPE_CODES[doc.kind])
    _date(W.sub(header, "ram:IssueDateTime"), doc.issue_date)
    for text in (*doc.seller.legal_notes, doc.note):
        if text:
            W.sub(W.sub(header, "ram:IncludedNote"), "ram:Content", text)
    trade = W.sub(root, "rsm:SupplyChainTradeTransaction")
    for line in doc.lines:
        _line(trade, line)
    _agreement(W.sub(trade, "ram:ApplicableHeaderTradeAgreement"), doc)
    _delivery(W.sub(trade, "ram:ApplicableHeaderTradeDelivery"), doc)
    _settlement(W.sub(trade, "ram:ApplicableHeaderTradeSettlement"), doc)
    return W.document(root)


def _date(parent: etree._Element, day: date, tag: str = "udt:DateTimeString") -> None:
    W.sub(parent, tag, day.strftime("%Y%m%d"), format="102")


def _line(trade: etree._Element, line: Line) -> None:
    item = W.sub(trade, "ram:IncludedSupplyChainTradeLineItem")
    W.sub(W.sub(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(line.position))
    W.sub(W.sub(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.description)
    price = W.sub(W.sub(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
    W.sub(price, "ram:ChargeAmount", amount(line.unit_price))
    W.sub(W.sub(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity",
          amount(line.quantity), unitCode="C62")
    settlement = W.sub(item, "ram:SpecifiedLineTradeSettlement")
    _tax(settlement, line.tax_rate)
    W.sub(W.sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
          "ram:LineTotalAmount", amount(line.net))


def category(rate: Decimal) -> str:
    """EN 16931 VAT category: standard rated, or zero rated."""
    return "S" if rate > 0 else "Z"


def _tax(parent: etree._Element, rate: Decimal, breakdown: VatRate | None = None) -> None:
    tax = W.sub(parent, "ram:ApplicableTradeTax")
    if breakdown:
        W.sub(tax, "ram:CalculatedAmount", amount(breakdown.tax))
    W.sub(tax, "ram:TypeCode", "VAT")
    if breakdown:
        W.sub(tax, "ram:BasisAmount", amount(breakdown.taxable))
    W.sub(tax, "ram:CategoryCode", category(rate))
    W.sub(tax, "ram:RateApplicablePercent", amount(rate))


def _party(parent: etree._Element, tag: str, name: str, address: Address, vat_id: str | None,
           company_id: str | None) -> None:
    party = W.sub(parent, tag)
    W.sub(party, "ram:Name", name)
    if company_id:
        W.sub(W.sub(party, "ram:SpecifiedLegalOrganization"), "ram:ID", company_id)
    postal = W.sub(party, "ram:PostalTradeAddress")
    if address.postcode:
        W.sub(postal, "ram:PostcodeCode", address.postcode)
    for line_tag, text in zip(("ram:LineOne", "ram:LineTwo", "ram:LineThree"), address.lines,
                              strict=False):
        W.sub(postal, line_tag, text)
    W.sub(postal, "ram:CityName", address.city)
    W.sub(postal, "ram:CountryID", address.country)
    if vat_id:
        W.sub(W.sub(party, "ram:SpecifiedTaxRegistration"), "ram:ID", vat_id, schemeID="VA")


def _agreement(agreement: etree._Element, doc: EInvoice) -> None:
    if doc.order:
        W.sub(agreement, "ram:BuyerReference", doc.order.purchase_order)
    seller = doc.seller
    _party(agreement, "ram:SellerTradeParty", seller.creditor.name, seller.address,
           seller.vat_id, seller.company_id)
    buyer = doc.buyer
    _party(agreement, "ram:BuyerTradeParty", buyer.legal_name, buyer.address, buyer.vat_id,
           buyer.company_id)
    if doc.order:
        W.sub(W.sub(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID",
              doc.order.purchase_order)


def _delivery(delivery: etree._Element, doc: EInvoice) -> None:
    if doc.delivered_on:
        _date(W.sub(W.sub(delivery, "ram:ActualDeliverySupplyChainEvent"),
                    "ram:OccurrenceDateTime"), doc.delivered_on)
    if doc.delivery_reference:
        W.sub(W.sub(delivery, "ram:DespatchAdviceReferencedDocument"), "ram:IssuerAssignedID",
              doc.delivery_reference)


def _settlement(settlement: etree._Element, doc: EInvoice) -> None:
    W.sub(settlement, "ram:PaymentReference", doc.number)
    W.sub(settlement, "ram:InvoiceCurrencyCode", doc.currency)
    means = W.sub(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    W.sub(means, "ram:TypeCode", "58")  # SEPA credit transfer
    W.sub(W.sub(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID",
          doc.seller.creditor.iban)
    W.sub(W.sub(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID",
          doc.seller.creditor.bic)
    for rate in doc.vat:
        _tax(settlement, rate.rate, rate)
    if doc.kind is DocumentKind.INVOICE:
        terms = W.sub(settlement, "ram:SpecifiedTradePaymentTerms")
        W.sub(terms, "ram:Description", doc.terms)
        _date(W.sub(terms, "ram:DueDateDateTime"), doc.due_date)
    totals = W.sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    W.sub(totals, "ram:LineTotalAmount", amount(doc.net_total))
    W.sub(totals, "ram:TaxBasisTotalAmount", amount(doc.net_total))
    W.sub(totals, "ram:TaxTotalAmount", amount(doc.tax_total), currencyID=doc.currency)
    W.sub(totals, "ram:GrandTotalAmount", amount(doc.gross_total))
    W.sub(totals, "ram:DuePayableAmount", amount(doc.gross_total))
    if doc.invoice_reference:
        number, issued = doc.invoice_reference
        referenced = W.sub(settlement, "ram:InvoiceReferencedDocument")
        W.sub(referenced, "ram:IssuerAssignedID", number)
        _date(W.sub(referenced, "ram:FormattedIssueDateTime"), issued, "qdt:DateTimeString")
