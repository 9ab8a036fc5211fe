"""Collector commands over HTTP: disputes, promises, calls, write-offs and recoveries, with
idempotency keys, 409 for state conflicts and 422 for bad input; then KPIs."""

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Topics
from ledgerline_events.testing import eventually

from .conftest import NOW, MovableClock, publish
from .events import allocated, invoice_issued, recovery_applied, write_off_applied

pytestmark = pytest.mark.integration

ISSUED_AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


async def post(client: httpx.AsyncClient, path: str, key: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post(path, json=body, headers={"Idempotency-Key": key})


async def settled(client: httpx.AsyncClient, path: str, check: Any) -> dict[str, Any]:
    async def holds() -> bool:
        return bool(check((await client.get(path)).json()))

    await eventually(holds)
    body: dict[str, Any] = (await client.get(path)).json()
    return body


async def test_disputes_write_offs_and_recoveries(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics
) -> None:
    await publish(producer, topics.invoicing, [
        invoice_issued("d-1", "C1", "1000.00", date(2026, 4, 1), ISSUED_AT),
        invoice_issued("d-2", "C1", "500.00", date(2026, 4, 1), ISSUED_AT),
    ])
    await settled(client, "/customers/C1", lambda v: len(v.get("open_items", [])) == 2)

    body = {"amount": eur("200.00"), "reason": "quality_complaint", "description": "scratched"}
    opened = await post(client, "/invoices/d-1/disputes", "k-dispute", body)
    assert opened.status_code == 201, opened.text
    assert (await post(client, "/invoices/d-1/disputes", "k-dispute", body)).json() == opened.json()
    reused = await post(client, "/invoices/d-1/disputes", "k-dispute", {**body, "reason": "other"})
    assert reused.status_code == 422

    too_much = await post(client, "/invoices/d-2/disputes", "k-d2", {"amount": eur("500.01"),
                                                                     "reason": "other"})
    assert too_much.status_code == 409 and too_much.json()["rule"] == "not_above_open_amount"
    float_amount = await post(client, "/invoices/d-2/disputes", "k-d3",
                              {"amount": {"amount": 5.5, "currency": "EUR"}, "reason": "other"})
    assert float_amount.status_code == 422
    no_key = await client.post("/invoices/d-2/disputes", json={"reason": "other"})
    assert no_key.status_code == 422

    dispute_id = opened.json()["dispute_id"]
    resolve = {"outcome": "customer_liable", "note": "photos show no damage"}
    assert (await post(client, f"/disputes/{dispute_id}/resolve", "k-r1", resolve)).status_code == 200
    twice = await post(client, f"/disputes/{dispute_id}/resolve", "k-r2", resolve)
    assert twice.status_code == 409 and twice.json()["rule"] == "dispute_open"
    unknown = await post(client, "/disputes/nope/resolve", "k-r3", resolve)
    assert unknown.status_code == 404

    wo = {"amount": eur("300.00"), "reason": "customer insolvent", "approver": "cfo"}
    written = await post(client, "/invoices/d-2/write-offs", "k-wo1", wo)
    assert written.status_code == 201, written.text
    # the write-off is not yet projected, yet the rest cannot be exceeded
    above = await post(client, "/invoices/d-2/write-offs", "k-wo2", {**wo, "amount": eur("200.01")})
    assert above.status_code == 409 and above.json()["rule"] == "not_above_open_amount"
    rest = await post(client, "/invoices/d-2/write-offs", "k-wo3",
                      {"reason": "the rest", "approver": "cfo"})
    assert rest.json()["amount"] == eur("200.00")

    write_off_id = written.json()["write_off_id"]
    recovered = await post(client, f"/write-offs/{write_off_id}/recoveries", "k-rec1",
                           {"amount": eur("100.00")})
    assert recovered.status_code == 201, recovered.text
    more = await post(client, f"/write-offs/{write_off_id}/recoveries", "k-rec2",
                      {"amount": eur("200.01")})
    assert more.status_code == 409 and more.json()["rule"] == "not_above_written_off"

    # Cash application clears them (the only service that moves an open amount).
    cleared_at = NOW  # when collections decided them
    await publish(producer, topics.cash_application, [
        write_off_applied(write_off_id, "d-2", "C1", "300.00", cleared_at),
        write_off_applied(rest.json()["write_off_id"], "d-2", "C1", "200.00", cleared_at),
        recovery_applied(recovered.json()["recovery_id"], write_off_id, "d-2", "C1", "100.00",
                         cleared_at),
    ])
    # Write-offs are collections' own events; open amounts follow cash application's (d-2: 500
    # -> 200 -> 0 -> 100 once the recovery reopens it).
    view = await settled(client, "/customers/C1", lambda v: len(v["write_offs"]) == 2
                         and any(w["recovered"] == "100.00" for w in v["write_offs"])
                         and open_amounts(v).get("d-2") == "100.00")
    assert open_amounts(view) == {"d-1": "1000.00", "d-2": "100.00"}
    resolved = (await client.get("/disputes", params={"status": "resolved"})).json()
    assert [d["dispute_id"] for d in resolved] == [dispute_id]

    kpis = (await client.get("/kpis", params={"from": "2026-03-01", "to": "2026-06-15"})).json()
    eur_kpis = kpis["currencies"]["EUR"]
    assert eur_kpis["credit_sales"] == "1500.00"
    assert eur_kpis["written_off"] == "500.00" and eur_kpis["recovered"] == "100.00"
    assert kpis["dso_method"] == "countback"
    bad = await client.get("/kpis", params={"from": "2026-06-15", "to": "2026-03-01"})
    assert bad.status_code == 422 and bad.json()["field"] == "from"


async def test_promises_pause_dunning_and_are_marked_kept_or_broken(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics, clock: MovableClock
) -> None:
    await publish(producer, topics.invoicing, [
        invoice_issued("p-1", "C5", "400.00", date(2026, 5, 1), ISSUED_AT),
        invoice_issued("p-2", "C6", "900.00", date(2026, 5, 1), ISSUED_AT),
    ])
    await settled(client, "/ageing", lambda a: a["currencies"].get("EUR", {}).get("total")
                  == "1300.00")
    call = {"contact_person": "Ann", "outcome": "promise_to_pay", "collector": "bob"}
    assert (await post(client, "/customers/C5/calls", "k-call", call)).status_code == 201

    def promise(invoice: str) -> dict[str, Any]:
        return {"invoice_ids": [invoice], "amount": eur("400.00"), "promised_date": "2026-06-20",
                "recorded_by": "bob", "occurred_at": "2026-06-10T09:00:00Z"}

    p5 = await post(client, "/customers/C5/promises", "k-p5", promise("p-1"))
    p6 = await post(client, "/customers/C6/promises", "k-p6", promise("p-2"))
    assert p5.status_code == 201 and p6.status_code == 201, p5.text
    wrong = await post(client, "/customers/C5/promises", "k-p7", promise("p-2"))
    assert wrong.status_code == 422 and wrong.json()["rule"] == "invoices_of_customer"
    await settled(client, "/customers/C6", lambda v: len(v["promises"]) == 1)
    await settled(client, "/customers/C5", lambda v: len(v["promises"]) == 1
                  and len(v["calls"]) == 1)

    run = await client.post("/dunning-runs", json={})  # both promised until June 20: paused
    assert run.json()["letters_sent"] == 0

    await publish(producer, topics.cash_application, [
        allocated("pay-5", "p-1", "C5", "400.00", datetime(2026, 6, 12, tzinfo=UTC)),
        allocated("pay-6", "p-2", "C6", "100.00", datetime(2026, 6, 12, tzinfo=UTC)),
    ])
    await settled(client, "/ageing", lambda a: a["currencies"]["EUR"]["total"] == "800.00")
    clock.now = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)  # a promise is judged once its day is past
    evaluated = await client.post("/promises/evaluate", json={"as_of": "2026-06-21"})
    outcomes = {s["promise_id"]: s for s in evaluated.json()["settled"]}
    assert outcomes[p5.json()["promise_id"]]["kept_on"] == "2026-06-12"
    assert outcomes[p6.json()["promise_id"]]["amount_short"] == eur("300.00")

    view = await settled(client, "/customers/C6", lambda v: v["promises"][0]["status"] == "broken")
    assert view["promises"][0]["amount_short"] == "300.00"
    worklist = (await client.get("/worklist")).json()
    assert worklist[0]["customer_id"] == "C6" and worklist[0]["broken_promises"] == 1


def open_amounts(view: dict[str, Any]) -> dict[str, str]:
    return {i["invoice_id"]: i["open_amount"] for i in view["open_items"]}
