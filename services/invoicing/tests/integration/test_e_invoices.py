"""The e-invoices of issued invoices and credit notes, end to end: written by the service from its
events (a French buyer's order from the ERP gets a Factur-X PDF/A-3 with its CII XML embedded,
an Italian buyer a FatturaPA, a German one UBL), each valid against its official schema, its
figures the register's, its sha256 in its EInvoiceIssued; then the outbox a connector reads and
the statuses it reports."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

from ledgerline_events.contract.parties import Address, Buyer, OrderReference
from ledgerline_events.contract.sales import (
    Customer,
    OrderDelivered,
    OrderLine,
    PaymentTerms,
    ProofOfDelivery,
    TermsKind,
)
from ledgerline_events.testing import eventually

from ..unit.official_schemas import (
    en16931_rule_errors,
    invalid_fatturapa,
    valid_factur_x,
    valid_ubl,
)
from .invoicing_service import Service, our_events, read_topic, sales_envelope

pytestmark = pytest.mark.integration
DUPONT = Buyer(legal_name="Dupont SARL", address=Address(lines=["12 rue de la Paix"],
               postcode="75002", city="Paris", country="FR"), vat_id="FR40303265045",
               company_id="303265045")


def order_line(description: str, quantity: str, price: str, rate: str) -> OrderLine:
    return OrderLine(sku="SKU", description=description, quantity=Decimal(quantity),
                     unit_price=Decimal(price), tax_rate=Decimal(rate))


def french_order(order_id: str) -> OrderDelivered:
    return OrderDelivered(
        order_id=order_id, customer=Customer(customer_id="C-DUPONT", name="Dupont",
                                             language="fr", country="FR"),
        currency="EUR", lines=[order_line("Rouleaux de tissu", "3", "400.00", "20"),
                               order_line("Livres techniques", "2", "19.99", "5.5")],
        payment_terms=PaymentTerms(kind=TermsKind.EARLY_PAYMENT_DISCOUNT, net_days=30,
                                   discount_days=10, discount_percent=Decimal(2)),
        delivered_on=date(2026, 3, 2), buyer=DUPONT,
        proof_of_delivery=ProofOfDelivery(carrier="DHL", reference="JD014600006281230704"),
        order=OrderReference(purchase_order="PO-4711", ordered_on=date(2026, 2, 20)))


def manual(country: str, buyer: Buyer) -> dict[str, Any]:
    return {"customer": {"customer_id": f"C-{country}", "name": buyer.legal_name,
                         "country": country},
            "currency": "EUR", "payment_terms": {"kind": "net", "net_days": 30},
            "issue_date": "2026-03-03", "buyer": buyer.model_dump(mode="json"),
            "lines": [{"description": "Servizio", "quantity": "7", "unit_price": "1.13",
                       "tax_rate": "22"},
                      {"description": "Vis", "quantity": "1", "unit_price": "0.09",
                       "tax_rate": "5.5"}]}


async def written(service: Service, customer_id: str, count: int) -> list[dict[str, Any]]:
    async def all_written() -> list[dict[str, Any]] | None:
        listed = (await service.http.get("/e-invoices", params={"customer_id": customer_id})).json()
        return listed if len(listed) == count and all(d["sha256"] for d in listed) else None
    documents: list[dict[str, Any]] = await eventually(all_written)
    return documents


async def content(service: Service, document: dict[str, Any]) -> bytes:
    answer = await service.http.get(f"/e-invoices/{document['document_id']}")
    assert answer.status_code == 200 and answer.headers["etag"] == f'"{document["sha256"]}"'
    assert hashlib.sha256(answer.content).hexdigest() == document["sha256"]
    return answer.content


async def test_a_french_order_becomes_a_factur_x_pdf_a3_with_its_cii_and_its_credit_note_too(
    service: Service,
) -> None:
    await service.publish(service.topics.sales_inbound,
                          sales_envelope(french_order("SO-FX-1"), "C-DUPONT", date(2026, 3, 2)),
                          key=b"C-DUPONT")
    [invoice] = await eventually(lambda: service.invoices(customer_id="C-DUPONT"))
    credited = await service.http.post(f"/invoices/{invoice['invoice_id']}/credit-notes",
                                       headers={"Idempotency-Key": "cn-fx"},
                                       json={"amount": {"amount": "100.00", "currency": "EUR"},
                                             "reason": "rouleau abîmé"})
    assert credited.status_code == 201, credited.text
    factur_x, credit = await written(service, "C-DUPONT", 2)
    assert (factur_x["format"], factur_x["media_type"]) == ("factur-x", "application/pdf")

    pdf = await content(service, factur_x)
    name, xml = facturx.get_facturx_xml_from_pdf(pdf)
    assert name == "factur-x.xml" and valid_factur_x(xml)
    assert en16931_rule_errors(xml) == []  # the business rules too (schematron, by Saxon)
    reader = PdfReader(BytesIO(pdf))
    xmp = reader.root_object["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp  # the XMP declares PDF/A-3
    [intent] = reader.root_object["/OutputIntents"]  # in sRGB
    assert intent.get_object()["/OutputConditionIdentifier"] == "sRGB"
    fonts = [f.get_object() for page in reader.pages
             for f in page["/Resources"]["/Font"].values()]
    assert fonts and all("/FontFile2" in f["/FontDescriptor"] for f in fonts)  # all embedded
    root = etree.fromstring(xml)
    ram = {"ram": "urn:un:unece:uncefact:data:standard:"
                  "ReusableAggregateBusinessInformationEntity:100"}
    assert root.xpath("string(//ram:GrandTotalAmount)", namespaces=ram) == invoice["gross_total"]
    assert root.xpath("string(//ram:TaxTotalAmount)", namespaces=ram) == invoice["tax_total"]
    assert root.xpath("string(//ram:BuyerReference)", namespaces=ram) == "PO-4711"

    _, credit_xml = facturx.get_facturx_xml_from_pdf(await content(service, credit))
    assert valid_factur_x(credit_xml) and b"<ram:TypeCode>381</ram:TypeCode>" in credit_xml
    assert en16931_rule_errors(credit_xml) == []
    issued = [e.payload for e in our_events(await read_topic(
        service.settings.kafka_bootstrap, service.topics.invoicing, at_least=4))]
    assert sorted(getattr(e, "sha256", "") for e in issued if e.event_type.endswith(
        "EInvoiceIssued")) == sorted([factur_x["sha256"], credit["sha256"]])


async def test_italian_and_other_buyers_get_fatturapa_and_ubl_and_a_connector_reports(
    service: Service,
) -> None:
    rossi = Buyer(legal_name="Rossi S.p.A.", address=Address(lines=["Via Torino 38"],
                  postcode="00145", city="Roma", country="IT"), vat_id="IT09876543210",
                  sdi_code="ABC1234")
    muller = Buyer(legal_name="Müller GmbH", address=Address(lines=["Hauptstraße 5"],
                   postcode="10115", city="Berlin", country="DE"), vat_id="DE123456789")
    for country, buyer in (("IT", rossi), ("DE", muller)):
        issued = await service.http.post("/invoices", json=manual(country, buyer),
                                         headers={"Idempotency-Key": f"einv-{country}"})
        assert issued.status_code == 201, issued.text
    [italian] = await written(service, "C-IT", 1)
    [german] = await written(service, "C-DE", 1)
    assert (italian["format"], german["format"]) == ("fatturapa", "ubl")
    assert invalid_fatturapa(await content(service, italian)) is None
    assert valid_ubl(await content(service, german), credit_note=False)

    outbox = (await service.http.get("/e-invoices", params={"transmission": "to_transmit"})).json()
    assert italian["document_id"] in [d["document_id"] for d in outbox]
    sent = await service.http.post(f"/e-invoices/{italian['document_id']}/transmissions",
                                   headers={"Idempotency-Key": "sdi-1"},
                                   json={"status": "accepted", "reference": "SDI-7781"})
    assert sent.status_code == 200 and sent.json()["transmission"] == "accepted", sent.text
    outbox = (await service.http.get("/e-invoices", params={"transmission": "to_transmit"})).json()
    assert italian["document_id"] not in [d["document_id"] for d in outbox]
    unknown = await service.http.post("/e-invoices/einv-nope/transmissions",
                                      headers={"Idempotency-Key": "sdi-2"},
                                      json={"status": "sent"})
    assert unknown.status_code == 404, unknown.text


async def test_a_document_that_cannot_be_written_is_set_aside_and_the_queue_goes_on(
    service: Service,
) -> None:
    runtime = service.app.state.runtime
    async with runtime.pool.acquire() as conn:  # queued first, for an invoice nobody issued
        await conn.execute(
            f'INSERT INTO "{service.settings.write_schema}".e_invoice (document_id, invoice_id, '
            "customer_id, queued_at) VALUES ('einv-ghost', 'ghost', 'C-GHOST', now() - "
            "interval '1 hour')")
    muller = Buyer(legal_name="Müller GmbH", address=Address(lines=["Hauptstraße 5"],
                   postcode="10115", city="Berlin", country="DE"), vat_id="DE123456789")
    issued = await service.http.post("/invoices", json=manual("DE", muller),
                                     headers={"Idempotency-Key": "einv-after-ghost"})
    assert issued.status_code == 201, issued.text
    [written_after] = await written(service, "C-DE", 1)
    assert written_after["format"] == "ubl"
    [ghost] = (await service.http.get("/e-invoices", params={"customer_id": "C-GHOST"})).json()
    assert ghost["sha256"] is None and ghost["attempts"] == 1 and ghost["error"]
