"""Late-payment interest from the log: finance records the ECB rate, a French invoice falls
due, part of it is paid; the interest as of a date is the law's, to the cent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Topics
from ledgerline_events.testing import eventually

from .conftest import publish
from .events import allocated, invoice_issued

pytestmark = pytest.mark.integration


async def interest(client: httpx.AsyncClient, invoice_id: str, as_of: str) -> httpx.Response:
    return await client.get(f"/invoices/{invoice_id}/late-interest", params={"as_of": as_of})


async def test_a_french_invoice_paid_late_earns_the_law_s_interest_and_40_eur(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics, unique_id: str,
) -> None:
    invoice_id = f"{unique_id}-late"
    await publish(producer, topics.invoicing, [invoice_issued(
        invoice_id, "FR-LATE", "1000.00", date(2026, 1, 31), datetime(2026, 1, 1, tzinfo=UTC),
        country="FR")])
    await publish(producer, topics.cash_application, [allocated(
        f"{unique_id}-a", invoice_id, "FR-LATE", "600.00", datetime(2026, 2, 15, 9, tzinfo=UTC))])

    async def known() -> httpx.Response | None:
        answer = await interest(client, invoice_id, "2026-03-02")
        return answer if answer.status_code != 404 else None
    missing = await eventually(known)
    assert missing.status_code == 409 and missing.json()["rule"] == "reference_rate_known"

    for valid_from, rate in (("2025-06-11", "2.15"), ("2026-02-04", "1.90")):  # Feb: from July
        put = await client.put(f"/reference-rates/{valid_from}", headers={
            "Idempotency-Key": f"rate-{valid_from}"}, json={"rate": rate, "recorded_by": "cfo"})
        assert put.status_code == 200, put.text

    async def figures() -> dict[str, Any] | None:
        answer = await interest(client, invoice_id, "2026-03-02")
        return answer.json() if answer.status_code == 200 else None
    found = await eventually(figures)
    # 14 days (1-14 Feb) on 1000, 16 days (15 Feb-2 Mar) on 400, at 2.15 + 10 %, over 365
    assert (found["interest"]["amount"], found["indemnity"]["amount"], found["days_accrued"],
            found["country"]) == ("6.79", "40.00", 30, "FR")
    unknown = await interest(client, "nope", "2026-03-02")
    assert unknown.status_code == 404
