"""A publisher validates its messages before publishing and hears what our consumers would
say: the same decoding, upcasting and value policy, and invoicing's rules for a delivery."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson

from ledgerline_events.contract import encode, new_envelope
from ledgerline_events.contract.sales import (
    Customer,
    OrderDelivered,
    OrderLine,
    PaymentTerms,
    TermsKind,
)
from ledgerline_ops.contract_check import validate


def delivery(price: str = "10.00") -> dict[str, Any]:
    order = OrderDelivered(
        order_id="SO-1", customer=Customer(customer_id="C-1", name="Acme"), currency="EUR",
        payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=30),
        lines=[OrderLine(sku="W", description="widget", quantity=Decimal(1),
                         unit_price=Decimal(price), tax_rate=Decimal(20))],
        delivered_on=date(2026, 3, 2))
    envelope = new_envelope(order, aggregate_id="order-SO-1", aggregate_version=1,
                            customer_id="C-1", producer="erp",
                            occurred_at=datetime(2026, 3, 2, tzinfo=UTC))
    found: dict[str, Any] = orjson.loads(encode(envelope))
    return found


def test_a_good_delivery_is_accepted_with_its_order() -> None:
    [verdict] = validate(orjson.dumps(delivery()))
    assert verdict.accepted and "order SO-1" in verdict.said


def test_each_line_of_a_json_lines_file_is_judged_as_a_consumer_would() -> None:
    unreadable = delivery()
    unreadable["payload"]["payment_terms"]["kind"] = "end of month + 30"
    v1 = {k: v for k, v in delivery().items() if k not in ("actor", "envelope_version")}
    lines = [orjson.dumps(m) for m in (delivery(), unreadable, delivery("0.00"), v1)]
    verdicts = validate(b"\n".join([*lines, b"{not json"]))
    assert [v.accepted for v in verdicts] == [True, False, False, True, False]
    assert "payment_terms.kind" in verdicts[1].said
    assert "invoicing refuses it" in verdicts[2].said and "amount_not_positive" in verdicts[2].said
    assert verdicts[4].said.startswith("not JSON")


def test_a_json_array_is_judged_message_by_message_and_an_empty_file_is_refused() -> None:
    verdicts = validate(orjson.dumps([delivery(), {"event_type": "sales.Nope"}]))
    assert [(v.where, v.accepted) for v in verdicts] == [("message 1", True), ("message 2", False)]
    assert [v.accepted for v in validate(b"")] == [False]
