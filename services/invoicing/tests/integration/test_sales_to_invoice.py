"""From a delivered order on the inbound sales topic to an invoice on our topic and in the
register: once per order, gap-free numbers, bad deliveries dead-lettered."""

from __future__ import annotations

from datetime import date

import pytest

from ledgerline_events.contract.invoicing import InvoiceIssued
from ledgerline_events.testing import eventually

from .invoicing_service import (
    Service,
    delivered,
    line,
    our_events,
    read_topic,
)

pytestmark = pytest.mark.integration


async def test_delivered_order_is_invoiced_on_our_topic_and_in_the_register(
    service: Service,
) -> None:
    sale = delivered("SO-1", line("3", "0.335", "20"), line("2", "50.00", "20"))
    await service.publish(service.topics.sales_inbound, sale)

    [listed] = await eventually(lambda: service.invoices(customer_id="C-1"))
    assert listed["invoice_number"] == "INV-2026-000001"
    assert (listed["gross_total"], listed["status"]) == ("121.21", "open")
    assert listed["due_date"] == "2026-04-01"
    assert listed["correlation_id"] == sale.correlation_id

    [published] = our_events(await read_topic(service.settings.kafka_bootstrap,
                                              service.topics.invoicing, 1))
    assert isinstance(published.payload, InvoiceIssued)
    assert published.payload.sales_order_id == "SO-1"
    assert published.correlation_id == sale.correlation_id
    assert published.causation_id == str(sale.event_id)
    assert published.customer_id == "C-1"


async def test_the_same_delivery_twice_issues_one_invoice(service: Service) -> None:
    first = delivered("SO-1")
    redelivered_by_erp = delivered("SO-1")  # same order, new event id
    await service.publish(service.topics.sales_inbound, first, first, redelivered_by_erp)
    await service.publish(service.topics.sales_inbound, delivered("SO-2"))

    invoices = await eventually(
        lambda: _when(service.invoices(customer_id="C-1"), lambda found: len(found) >= 2)
    )
    assert sorted((i["sales_order_id"], i["invoice_number"]) for i in invoices) == [
        ("SO-1", "INV-2026-000001"), ("SO-2", "INV-2026-000002"),
    ]


async def test_a_bad_delivery_goes_to_the_dead_letter_topic_and_the_next_is_invoiced(
    service: Service,
) -> None:
    free_of_charge = delivered("SO-FREE", line("1", "0", "20"))  # decodes, but bills nothing
    not_an_event = b'{"event_type": "sales.OrderDelivered", "payload": {"quantity": -1}}'
    await service.publish(service.topics.sales_inbound, free_of_charge, not_an_event)
    await service.publish(service.topics.sales_inbound, delivered("SO-GOOD", on=date(2026, 3, 3)))

    [invoice] = await eventually(lambda: service.invoices(customer_id="C-1"))
    assert invoice["sales_order_id"] == "SO-GOOD"
    assert invoice["invoice_number"] == "INV-2026-000001"  # the refused one took no number

    dead = await read_topic(service.settings.kafka_bootstrap,
                            service.topics.dead_letter("invoicing"), 2)
    # Dead letters are at least once (a redelivery may send one again): count distinct sources.
    by_source = {(v["source_partition"], v["source_offset"]): v["reason"] for _, v in dead}
    reasons = sorted(by_source.values())
    assert len(reasons) == 2
    assert "positive amount" in reasons[1] and reasons[1].startswith("rejected: lines")
    assert all(value["source_topic"] == service.topics.sales_inbound for _, value in dead)


async def _when(query, condition):  # type: ignore[no-untyped-def]
    found = await query
    return found if condition(found) else None


async def test_readiness_counts_the_sales_intake(service: Service) -> None:
    response = await service.http.get("/ready")
    assert response.status_code == 200, response.text
    assert response.json()["checks"]["sales_intake"] is True
