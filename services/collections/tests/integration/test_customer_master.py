"""The customer master over HTTP and from the ERP: details and contacts kept, personal data
sealed in the log, and after an erasure the contact's name, e-mail and phone are found
nowhere: not in the API, the read tables, a full rebuild of them, nor the Kafka topic."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ledgerline_collections.bootstrap import replay_projections
from ledgerline_collections.config import CollectionsSettings
from ledgerline_events.contract import Topics, new_envelope
from ledgerline_events.contract.customer_master import (
    Address,
    ContactRole,
    CustomerDetails,
    CustomerUpserted,
    InboundContact,
)
from ledgerline_events.runtime import rebuild
from ledgerline_events.testing import eventually

from .conftest import publish
from .events import invoice_issued

pytestmark = pytest.mark.integration
ADDRESS = {"lines": ["12 rue de la Paix"], "postcode": "75002", "city": "Paris", "country": "FR"}
ANNE = {"role": "accounts_payable", "name": "Anne Moreau", "email": "anne.moreau@durand.example",
        "phone": "+33 1 23 45 67 89", "working_hours": "lun-ven 9h-12h"}
PERSONAL = ("Anne Moreau", "anne.moreau@durand.example", "Luc Petit", "luc.petit@durand.example")


async def master_of(client: httpx.AsyncClient, customer: str, check: Any) -> dict[str, Any]:
    async def seen() -> dict[str, Any] | None:
        response = await client.get(f"/customers/{customer}/master")
        body: dict[str, Any] = response.json()
        return body if response.status_code == 200 and check(body) else None
    found: dict[str, Any] = await eventually(seen, timeout=60)
    return found


async def test_a_collector_keeps_details_and_contacts_and_the_erp_adds_its_own(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics,
) -> None:
    key = {"Idempotency-Key": "details-1"}
    details = {"legal_name": "Durand SA", "billing_address": ADDRESS, "language": "fr",
               "vat_id": "FR40303265045"}
    recorded = await client.put("/customers/C-FR/details", json=details, headers=key)
    assert recorded.status_code == 200 and recorded.json()["changed"], recorded.text
    again = await client.put("/customers/C-FR/details", json=details, headers=key)
    assert again.json() == recorded.json()  # the same request answered once
    saved = await client.put("/customers/C-FR/contacts/ap", json=ANNE,
                             headers={"Idempotency-Key": "contact-1"})
    assert saved.status_code == 200 and saved.json()["contacts"][0]["name"] == "Anne Moreau"
    refused = await client.put("/customers/C-FR/contacts/ap", json={**ANNE, "email": "nope"},
                               headers={"Idempotency-Key": "contact-2"})
    assert refused.status_code == 422 and refused.json()["rule"] == "email_address"

    erp = CustomerUpserted(customer_id="C-FR", details=CustomerDetails(
        legal_name="Durand SA", language="fr", billing_address=Address(**ADDRESS)),
        contacts=[InboundContact(contact_ref="4711", role=ContactRole.BILLING, name="Luc Petit",
                                 email="luc.petit@durand.example")])
    await publish(producer, topics.sales_inbound, [new_envelope(
        erp, aggregate_id="customer:C-FR", aggregate_version=1, customer_id="C-FR",
        occurred_at=datetime(2026, 6, 1, tzinfo=UTC), producer="erp")])
    master = await master_of(client, "C-FR", lambda m: len(m["contacts"]) == 2)
    assert [(c["contact_id"], c["name"]) for c in master["contacts"]] == [
        ("ap", "Anne Moreau"), ("erp-4711", "Luc Petit")]
    assert master["details"]["vat_id"] == ""  # the ERP's view of the details, whole


async def test_after_erasure_the_persons_data_is_nowhere_even_after_a_full_rebuild(
    client: httpx.AsyncClient, settings: CollectionsSettings, pg_pool: asyncpg.Pool,
    topics: Topics, kafka_bootstrap: str, producer: AIOKafkaProducer, unique_id: str,
) -> None:
    await publish(producer, topics.invoicing, [invoice_issued(  # an account to call about
        f"{unique_id}-er", "C-ER", "100.00", date(2026, 6, 30), datetime(2026, 6, 1, tzinfo=UTC))])
    await client.put("/customers/C-ER/contacts/ap", json=ANNE,
                     headers={"Idempotency-Key": "contact-er"})
    await master_of(client, "C-ER", lambda m: len(m["contacts"]) == 1)
    called = await client.post("/customers/C-ER/calls", headers={"Idempotency-Key": "call-er"},
                               json={"contact_person": "Paul Martin", "outcome": "reached",
                                     "collector": "col-1"})
    assert called.status_code == 201, called.text
    assert await callers(client, "C-ER", 1) == ["Paul Martin"]
    erased = await client.post("/customers/C-ER/personal-data/erase",
                               json={"reason": "data subject's request (art. 17 GDPR)"},
                               headers={"Idempotency-Key": "erase-er"})
    assert erased.status_code == 200 and erased.json()["personal_data_erased"], erased.text
    master = await master_of(client, "C-ER", lambda m: m["personal_data_erased"])
    assert master["contacts"] == []
    again = await client.put("/customers/C-ER/contacts/ap", json=ANNE,
                             headers={"Idempotency-Key": "contact-er-2"})
    assert again.status_code == 409 and again.json()["rule"] == "personal_data_erased"
    later = await client.post("/customers/C-ER/calls", headers={"Idempotency-Key": "call-er-2"},
                              json={"contact_person": "Jean Roux", "outcome": "reached",
                                    "collector": "col-1"})
    assert later.status_code == 201, later.text  # the call is kept, the name is not
    assert await callers(client, "C-ER", 2) == ["", ""]

    rebuilt = f"{settings.read_schema}_gdpr"
    await rebuild(pool=pg_pool, bootstrap=kafka_bootstrap, projections=replay_projections(),
                  topics=topics, target_schema=rebuilt)
    for schema in (settings.write_schema, settings.read_schema, rebuilt):
        assert await tables_mentioning(pg_pool, schema, PERSONAL[:2]) == [], schema
    for schema in (settings.read_schema, rebuilt):  # the callers' names
        assert await tables_mentioning(pg_pool, schema, ("Paul Martin", "Jean Roux")) == [], schema
    assert not any(p.encode() in message for message in await topic_bytes(
        kafka_bootstrap, topics.collections) for p in (*PERSONAL[:2], "Paul Martin", "Jean Roux"))


async def callers(client: httpx.AsyncClient, customer: str, count: int) -> list[str]:
    """The names on the account's calls, once the read model has `count` of them."""
    async def names() -> list[str] | None:
        calls = (await client.get(f"/customers/{customer}")).json().get("calls") or []
        return [c["contact_person"] for c in calls] if len(calls) == count else None
    return await eventually(names)


async def tables_mentioning(pool: asyncpg.Pool, schema: str, texts: tuple[str, ...]) -> list[str]:
    async with pool.acquire() as conn:
        tables = await conn.fetch("SELECT table_name FROM information_schema.tables "
                                  "WHERE table_schema = $1", schema)
        found = []
        for t in tables:
            dump = await conn.fetchval(
                f'SELECT string_agg(x::text, \'\') FROM "{schema}"."{t["table_name"]}" x')
            found += [t["table_name"] for text in texts if dump and text in dump]
    return found


async def topic_bytes(bootstrap: str, topic: str) -> list[bytes]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    try:
        batches = await asyncio.wait_for(consumer.getmany(timeout_ms=3000), 30)
        return [m.value for messages in batches.values() for m in messages if m.value]
    finally:
        await consumer.stop()


async def test_a_call_keeps_the_person_in_charge_it_found_out(client: httpx.AsyncClient) -> None:
    called = await client.post("/customers/C-CALL/calls", headers={"Idempotency-Key": "call-1"},
                               json={"contact_person": "Standard", "outcome": "reached",
                                     "collector": "col-1", "note": "put through to AP",
                                     "contact": {**ANNE, "contact_id": "ap"}})
    assert called.status_code == 201 and called.json()["contact_id"] == "ap", called.text
    master = await master_of(client, "C-CALL", lambda m: len(m["contacts"]) == 1)
    assert master["contacts"][0]["working_hours"] == "lun-ven 9h-12h"
    wrong = await client.post("/customers/C-CALL/calls", headers={"Idempotency-Key": "call-2"},
                              json={"contact_person": "Standard", "outcome": "reached",
                                    "collector": "col-1", "contact": {**ANNE, "email": "none"}})
    assert wrong.status_code == 422 and wrong.json()["rule"] == "email_address"
