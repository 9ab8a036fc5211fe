"""A customer's personal data erased (collections.PersonalDataErased): who paid for it travels
sealed with the payment's own key, never in plain in the log; the erasure drops the keys and
the bank accounts learned for the customer, so the names and accounts are in no row of the
write or read model, live or on a full rebuild."""

from __future__ import annotations

import pytest

from ledgerline_cash.bootstrap import PROJECTIONS
from ledgerline_events.contract.customer_master import PersonalDataErased
from ledgerline_events.runtime import rebuild

from .conftest import Service

pytestmark = pytest.mark.integration
PAYER, IBAN = "Jean Valjean", "FR7630006000011234567890189"


async def read_rows_mentioning(service: Service, schema: str, text: str) -> list[str]:
    pool = service.app.state.runtime.pool
    tables = await pool.fetch("SELECT table_name FROM information_schema.tables "
                              "WHERE table_schema = $1", schema)
    found = []
    for t in tables:
        dump = await pool.fetchval(f'SELECT string_agg(x::text, \'\') FROM "{schema}"."{t[0]}" x')
        found += [t[0]] if dump and text in dump else []
    return found


async def test_an_erased_customers_payers_are_forgotten_live_and_on_a_rebuild(
    service: Service,
) -> None:
    await service.issue_invoice("C-GDPR", "INV-77", "500.00")
    await service.wait_invoices("C-GDPR", 1)
    paid = await service.client.post("/payments", headers={"Idempotency-Key": "p-gdpr"}, json={
        "amount": {"amount": "200.00", "currency": "EUR"}, "received_on": "2026-03-05",
        "customer_id": "C-GDPR", "payer_name": PAYER, "payer_account": IBAN,
        "remittance": "INV-77"})
    assert paid.status_code == 201, paid.text
    payment_id = paid.json()["payment_id"]
    detail = (await service.client.get(f"/payments/{payment_id}")).json()
    assert (detail["payer_name"], detail["payer_account"]) == (PAYER, IBAN)  # opened with its key
    logged = [e.model_dump_json() for e in await service.own_events()]
    assert not [e for e in logged for text in (PAYER, IBAN) if text in e]  # sealed at the source
    await service.publish(service.topics.collections, PersonalDataErased(
        requested_by="dpo", reason="data subject's request"), "C-GDPR", "customer-master:C-GDPR")

    async def forgotten() -> bool:
        detail = (await service.client.get(f"/payments/{payment_id}")).json()
        return detail["payer_name"] is None and detail["payer_account"] is None
    await service.wait_for(forgotten)

    settings = service.app.state.runtime.settings
    target = f"{settings.read_schema}_gdpr"
    await rebuild(pool=service.app.state.runtime.pool, bootstrap=service.bootstrap,
                  projections=PROJECTIONS, topics=service.topics, target_schema=target)
    for schema in (settings.write_schema, settings.read_schema, target):
        for text in (PAYER, IBAN):
            assert await read_rows_mentioning(service, schema, text) == [], (schema, text)
