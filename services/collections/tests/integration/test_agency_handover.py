"""After the final notice, the account goes to a collection agency with its file; our own
dunning of it stops."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pypdf import PdfReader

from ledgerline_events.contract import Topics
from ledgerline_events.contract.sales import ProofOfDelivery
from ledgerline_events.testing import eventually

from .conftest import publish
from .events import invoice_issued
from .test_dunning_run import invoices_known

pytestmark = pytest.mark.integration
ISSUED_AT = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
PROOF = ProofOfDelivery(carrier="DHL", reference="JD014600006281230704",
                        document_url="https://pod.example/JD014600006281230704.pdf")


async def run(client: httpx.AsyncClient, on: str) -> list[str]:
    answer = await client.post("/dunning-runs", json={"run_date": on})
    assert answer.status_code == 200, answer.text
    return [r["customer_id"] for r in answer.json()["reminders"]]


async def test_after_the_final_notice_the_account_goes_to_the_agency_and_dunning_stops(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics,
) -> None:
    await publish(producer, topics.invoicing, [
        invoice_issued("ho-1", "HO1", "900.00", date(2026, 5, 1), ISSUED_AT, proof=PROOF),
        invoice_issued("ho-2", "HO2", "100.00", date(2026, 5, 20), ISSUED_AT)])
    await eventually(lambda: invoices_known(client, "1000.00"))
    assert await run(client, "2026-05-08") == ["HO1"]
    assert await run(client, "2026-05-22") == ["HO1"]  # HO2: 2 days overdue, too early
    assert sorted(await run(client, "2026-06-05")) == ["HO1", "HO2"]  # final notice; friendly

    early = await client.post("/customers/HO2/agency-handovers", headers={"Idempotency-Key": "h2"},
                              json={"currency": "EUR", "agency": "Dupont"})
    assert early.status_code == 409 and early.json()["rule"] == "final_notice_first"
    handed = await client.post("/customers/HO1/agency-handovers", headers={"Idempotency-Key": "h1"},
                               json={"currency": "EUR", "agency": "Dupont Recouvrement"})
    assert handed.status_code == 201, handed.text
    assert (handed.json()["invoice_ids"], handed.json()["total"]) == (
        ["ho-1"], {"amount": "900.00", "currency": "EUR"})
    twice = await client.post("/customers/HO1/agency-handovers", headers={"Idempotency-Key": "h3"},
                              json={"currency": "EUR", "agency": "Other"})
    assert twice.status_code == 409 and twice.json()["rule"] == "account_handed_over"
    assert "HO1" not in await run(client, "2026-06-15")  # the agency level was due: not from us

    path = f"/customers/HO1/agency-handovers/{handed.json()['handover_id']}"

    async def file() -> dict[str, Any] | None:
        answer = await client.get(path)
        return answer.json() if answer.status_code == 200 else None
    found: dict[str, Any] = await eventually(file)
    assert [x["run_date"] for x in found["letters"]] == ["2026-05-08", "2026-05-22", "2026-06-05"]
    assert [i["invoice_id"] for i in found["invoices"]] == ["ho-1"]
    [delivery] = found["deliveries"]  # the fact that answers "we never got the goods"
    assert (delivery["delivered_on"], delivery["proof_of_delivery"]["reference"]) == (
        "2026-04-01", "JD014600006281230704")
    [shown] = (await client.get("/customers/HO1")).json()["handovers"]  # on the account view
    assert (shown["handover_id"], shown["agency"], shown["total"]) == (
        handed.json()["handover_id"], "Dupont Recouvrement", handed.json()["total"])
    pdf = await client.get(f"{path}/pdf")
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "Dupont Recouvrement" in text and "INV-ho-1" in text and "final_notice" in text
    assert "DHL JD014600006281230704" in text

    disputed = await client.post("/invoices/ho-1/disputes", headers={"Idempotency-Key": "d1"},
                                 json={"reason": "goods_not_received", "description": "never came"})
    assert disputed.status_code == 201, disputed.text

    async def register() -> list[dict[str, Any]] | None:
        rows = (await client.get("/disputes", params={"status": "open"})).json()
        return rows if any(r["invoice_id"] == "ho-1" for r in rows) else None
    [row] = [r for r in await eventually(register) if r["invoice_id"] == "ho-1"]
    assert row["proof_of_delivery"]["carrier"] == "DHL"
