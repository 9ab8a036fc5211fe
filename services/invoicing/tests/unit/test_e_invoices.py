"""Legal e-invoices from the events alone: Factur-X CII (France), FatturaPA (Italy) and UBL (the
others), for invoices with several VAT rates and an early-payment discount, and for credit notes;
each document valid against its official schema, and its figures the event's to the cent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from ledgerline_events.contract.creditor import Creditor
from ledgerline_events.contract.invoicing import (
    CreditNoteIssued,
    EarlyPaymentDiscount,
    InvoiceIssued,
    InvoiceLine,
)
from ledgerline_events.contract.money import Money, quantize
from ledgerline_events.contract.parties import Address, Buyer, OrderReference
from ledgerline_events.contract.sales import Customer, PaymentTerms, ProofOfDelivery, TermsKind
from ledgerline_invoicing.domain.cii import cii_xml
from ledgerline_invoicing.domain.e_invoice import (
    EInvoiceFormat,
    Seller,
    VatRate,
    credit_note_facts,
    credited_lines,
    format_for,
    invoice_facts,
)
from ledgerline_invoicing.domain.fatturapa import fatturapa_xml
from ledgerline_invoicing.domain.ubl import ubl_xml

from .official_schemas import invalid_fatturapa, valid_factur_x, valid_ubl

SELLER = Seller(Creditor(name="Ledgerline SAS", iban="FR7630006000011234567890189", bic="AGRIFRPP"),
                Address(lines=["5 avenue de l'Opéra"], postcode="75001", city="Paris", country="FR"),
                "FR32123456789", "123456789", "RF01",
                ("Pénalités de retard : 3 fois le taux d'intérêt légal ; indemnité forfaitaire "
                 "pour frais de recouvrement : 40 EUR",))
BUYERS = {
    "FR": Buyer(legal_name="Dupont SARL", address=Address(lines=["12 rue de la Paix", "Bât. B"],
                postcode="75002", city="Paris", country="FR"), vat_id="FR40303265045",
                company_id="303265045"),
    "IT": Buyer(legal_name="Rossi S.p.A.", address=Address(lines=["Via Torino 38"],
                postcode="00145", city="Roma", country="IT"), vat_id="IT09876543210",
                sdi_code="ABC1234"),
    "DE": Buyer(legal_name="Müller GmbH", address=Address(lines=["Hauptstraße 5"],
                postcode="10115", city="Berlin", country="DE"), vat_id="DE123456789"),
}


def line(description: str, quantity: str, price: str, rate: str) -> InvoiceLine:
    net = quantize(Decimal(quantity) * Decimal(price), "EUR")
    return InvoiceLine(description=description, quantity=Decimal(quantity),
                       unit_price=Decimal(price), tax_rate=Decimal(rate), net=net,
                       tax=quantize(net * Decimal(rate) / 100, "EUR"))


def invoice(country: str, lines: list[InvoiceLine], discount: bool = True) -> InvoiceIssued:
    net = sum((x.net for x in lines), Decimal(0))
    tax = sum((x.tax for x in lines), Decimal(0))
    terms = (PaymentTerms(kind=TermsKind.EARLY_PAYMENT_DISCOUNT, net_days=30, discount_days=10,
                          discount_percent=Decimal(2)) if discount
             else PaymentTerms(kind=TermsKind.NET, net_days=30))
    return InvoiceIssued(
        invoice_id=f"inv-{country}", invoice_number=f"INV-2026-0000{len(lines)}",
        customer=Customer(customer_id=f"C-{country}", name=BUYERS[country].legal_name,
                          country=country),
        currency="EUR", issue_date=date(2026, 10, 1), due_date=date(2026, 10, 31),
        payment_terms=terms, lines=lines, net_total=Money.of(net, "EUR"),
        tax_total=Money.of(tax, "EUR"), gross_total=Money.of(net + tax, "EUR"),
        early_payment_discount=EarlyPaymentDiscount(
            amount=Money.of(quantize((net + tax) * 2 / 100, "EUR"), "EUR"),
            until=date(2026, 10, 11)) if discount else None,
        delivered_on=date(2026, 9, 30),
        proof_of_delivery=ProofOfDelivery(carrier="DHL", reference="JD014600006281230704"),
        buyer=BUYERS[country], order=OrderReference(purchase_order="PO-4711",
                                                    ordered_on=date(2026, 9, 20)))


SEVERAL_RATES = [line("Rouleaux de tissu", "3", "400.00", "20"),
                 line("Livres techniques", "2", "19.99", "5.5"),
                 line("Échantillons", "1", "15.00", "0")]
# Each line's tax rounds to nothing while the rate's total would not: the document follows
# the event (the lines as issued), not a recomputation.
ROUNDING = [line("Vis", "1", "0.09", "5.5")] * 3 + [line("Écrous", "7", "1.13", "22")]


def credit_note(issued: InvoiceIssued, amount: str) -> CreditNoteIssued:
    return CreditNoteIssued(credit_note_id="cn-1", credit_note_number="CN-2026-000001",
                            invoice_id=issued.invoice_id, amount=Money.of(amount, "EUR"),
                            reason="rouleau abîmé", issue_date=date(2026, 10, 5))


def test_each_country_gets_the_format_it_takes_in() -> None:
    assert [format_for(c) for c in ("FR", "IT", "DE", "GB")] == [
        EInvoiceFormat.FACTUR_X, EInvoiceFormat.FATTURAPA, EInvoiceFormat.UBL, EInvoiceFormat.UBL]
    assert format_for("DE", {"DE": EInvoiceFormat.FACTUR_X}) is EInvoiceFormat.FACTUR_X


@pytest.mark.parametrize("lines", [SEVERAL_RATES, ROUNDING], ids=["several-rates", "rounding"])
def test_a_french_invoice_is_factur_x_cii_valid_against_en16931_with_the_events_figures(
    lines: list[InvoiceLine],
) -> None:
    issued = invoice("FR", lines)
    xml = cii_xml(invoice_facts(issued, SELLER))
    assert valid_factur_x(xml)
    assert figures(xml, CII_FIGURES) == event_figures(issued)


@pytest.mark.parametrize("lines", [SEVERAL_RATES, ROUNDING], ids=["several-rates", "rounding"])
def test_an_italian_invoice_is_fatturapa_td01_valid_against_1_2_2_with_the_events_figures(
    lines: list[InvoiceLine],
) -> None:
    issued = invoice("IT", lines)
    xml = fatturapa_xml(invoice_facts(issued, SELLER))
    assert invalid_fatturapa(xml) is None
    assert figures(xml, FATTURAPA_FIGURES) == event_figures(issued, two_places=True)
    assert b"<TipoDocumento>TD01</TipoDocumento>" in xml
    assert b"<ScontoPagamentoAnticipato>" in xml  # the discount term, as FatturaPA says it


@pytest.mark.parametrize("lines", [SEVERAL_RATES, ROUNDING], ids=["several-rates", "rounding"])
def test_an_invoice_elsewhere_is_ubl_valid_against_2_1_with_the_events_figures(
    lines: list[InvoiceLine],
) -> None:
    issued = invoice("DE", lines, discount=False)
    xml = ubl_xml(invoice_facts(issued, SELLER))
    assert valid_ubl(xml, credit_note=False)
    assert figures(xml, UBL_FIGURES) == event_figures(issued)


def test_a_credit_note_spreads_over_the_invoices_rates_and_adds_up_to_the_cent() -> None:
    spread = credited_lines(Decimal("100.00"), (VatRate(Decimal("5.5"), Decimal("39.98"),
                                                        Decimal("2.20")),
                                                VatRate(Decimal(20), Decimal("1200.00"),
                                                        Decimal("240.00"))), "EUR")
    assert spread == (VatRate(Decimal("5.5"), Decimal("2.70"), Decimal("0.15")),
                      VatRate(Decimal(20), Decimal("80.96"), Decimal("16.19")))
    assert sum(r.taxable + r.tax for r in spread) == Decimal("100.00")


@pytest.mark.parametrize(("country", "write", "valid"), [
    ("FR", cii_xml, lambda xml: valid_factur_x(xml)),
    ("IT", fatturapa_xml, lambda xml: invalid_fatturapa(xml) is None),
    ("DE", ubl_xml, lambda xml: valid_ubl(xml, credit_note=True)),
], ids=["factur-x", "fatturapa-td04", "ubl"])
def test_a_credit_note_is_valid_in_each_format_and_names_its_invoice(
    country: str, write: Callable[..., bytes], valid: Callable[[bytes], bool],
) -> None:
    issued = invoice(country, SEVERAL_RATES)
    facts = credit_note_facts(credit_note(issued, "250.00"), issued, SELLER)
    xml = write(facts)
    assert valid(xml)
    assert facts.gross_total == Decimal("250.00") == facts.net_total + facts.tax_total
    assert issued.invoice_number.encode() in xml and b"CN-2026-000001" in xml


def test_an_italian_company_id_that_is_no_fiscal_code_is_left_out_not_refused_by_sdi() -> None:
    odd = BUYERS["IT"].model_copy(update={"company_id": "000000008"})  # 9 digits: no codice
    issued = invoice("IT", SEVERAL_RATES).model_copy(update={"buyer": odd})
    xml = fatturapa_xml(invoice_facts(issued, SELLER))
    assert invalid_fatturapa(xml) is None and b"CodiceFiscale" not in xml
    good = BUYERS["IT"].model_copy(update={"company_id": "09876543210"})
    xml = fatturapa_xml(invoice_facts(issued.model_copy(update={"buyer": good}), SELLER))
    assert invalid_fatturapa(xml) is None and b"<CodiceFiscale>09876543210<" in xml


def test_names_outside_latin_1_are_kept_readable_for_fatturapa() -> None:
    issued = invoice("IT", [line("Ящик 箱", "1", "10.00", "22")])
    xml = fatturapa_xml(invoice_facts(issued, SELLER))
    assert invalid_fatturapa(xml) is None


# --- reading the figures back ------------------------------------------------------------

Figures = tuple[str, list[tuple[str, str]]]  # the gross total; per rate (taxable, tax)
CII_FIGURES = ("//ram:GrandTotalAmount", "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax",
               "ram:BasisAmount", "ram:CalculatedAmount")
FATTURAPA_FIGURES = ("//ImportoTotaleDocumento", "//DatiRiepilogo", "ImponibileImporto", "Imposta")
UBL_FIGURES = ("//cac:LegalMonetaryTotal/cbc:PayableAmount", "//cac:TaxSubtotal",
               "cbc:TaxableAmount", "cbc:TaxAmount")
NAMESPACES = {
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def figures(xml: bytes, paths: tuple[str, str, str, str]) -> Figures:
    root = etree.fromstring(xml)
    total, rates, taxable, tax = paths
    [gross] = root.xpath(total, namespaces=NAMESPACES)
    return gross.text, [(r.xpath(taxable, namespaces=NAMESPACES)[0].text,
                         r.xpath(tax, namespaces=NAMESPACES)[0].text)
                        for r in root.xpath(rates, namespaces=NAMESPACES)]


def event_figures(issued: InvoiceIssued, two_places: bool = False) -> Figures:
    rates: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for x in issued.lines:
        taxable, tax = rates.get(x.tax_rate, (Decimal(0), Decimal(0)))
        rates[x.tax_rate] = (taxable + x.net, tax + x.tax)
    text = (lambda d: f"{d:.2f}") if two_places else (lambda d: format(d, "f"))
    return text(issued.gross_total.amount), [(text(a), text(b)) for _, (a, b) in
                                             sorted(rates.items())]
