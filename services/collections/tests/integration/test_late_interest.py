"""Late-payment interest from the log: finance records the ECB rate, a French invoice falls
due, part of it is paid; the interest as of a date is the law's, to the cent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Topics
from ledgerline_events.contract.late_interest import LateInterestClaimed
from ledgerline_events.testing import eventually

from .conftest import publish
from .events import allocated, invoice_issued
from .test_dunning_run import read_topic

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
    account = (await client.get("/customers/FR-LATE", params={"as_of": "2026-03-02T23:00:00Z"})).json()
    [earned] = account["late_interest"]  # the account view says it too
    assert (earned["invoice_id"], earned["total"]["amount"]) == (invoice_id, "46.79")
    run = await client.post("/dunning-runs", json={"run_date": "2026-03-02", "dry_run": True,
                                                   "customer_ids": ["FR-LATE"]})
    [letter] = run.json()["letters"]  # the letter says what the invoice earned by its date
    said = " ".join(letter["letter"].split())
    assert "Late-payment interest accrued to" in said and "6.79" in said and "40.00" in said, said


async def test_claims_take_what_accrued_since_the_last_and_a_waiver_needs_a_second_person(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics, unique_id: str,
    kafka_bootstrap: str,
) -> None:
    invoice_id = f"{unique_id}-claim"
    await publish(producer, topics.invoicing, [invoice_issued(
        invoice_id, "IT-LATE", "2000.00", date(2026, 1, 31), datetime(2026, 1, 1, tzinfo=UTC),
        country="IT")])
    put = await client.put("/reference-rates/2025-06-11", headers={"Idempotency-Key": "r1"},
                           json={"rate": "2.15", "recorded_by": "cfo"})
    assert put.status_code == 200, put.text

    async def claim(as_of: str, key: str) -> httpx.Response:
        return await client.post(f"/invoices/{invoice_id}/late-interest/claims",
                                 headers={"Idempotency-Key": key},
                                 json={"as_of": as_of, "claimed_by": "fay"})

    async def first() -> httpx.Response | None:
        answer = await claim("2026-03-02", "c1")
        return answer if answer.status_code != 404 else None
    claimed = await eventually(first)
    assert claimed.status_code == 201, claimed.text
    # 2000 x (2.15 + 8) % x 30 / 365, and the 40 EUR
    assert (claimed.json()["interest"]["amount"], claimed.json()["indemnity"]["amount"]) == (
        "16.68", "40.00")
    again = await claim("2026-03-02", "c2")  # nothing new earned
    assert again.status_code == 409 and again.json()["rule"] == "nothing_due"
    later = await claim("2026-04-01", "c3")  # 60 days in all: 33.37, of which 16.68 claimed
    assert (later.status_code, later.json()["interest"]["amount"],
            later.json()["indemnity"]["amount"]) == (201, "16.69", "0.00")
    earlier = await claim("2026-03-15", "c4")
    assert earlier.status_code == 422 and earlier.json()["rule"] == "after_last_claim"

    alone = await client.post(f"/invoices/{invoice_id}/late-interest/waivers",
                              headers={"Idempotency-Key": "w1"},
                              json={"as_of": "2026-05-01", "reason": "goodwill",
                                    "waived_by": "fay", "approved_by": "fay"})
    assert alone.status_code == 422 and alone.json()["rule"] == "second_person"
    waived = await client.post(f"/invoices/{invoice_id}/late-interest/waivers",
                               headers={"Idempotency-Key": "w2"},
                               json={"as_of": "2026-05-01", "reason": "goodwill",
                                     "waived_by": "fay", "approved_by": "cfo"})
    assert waived.status_code == 201 and waived.json()["interest"]["amount"] == "16.68"  # 90 days: 50.05
    log = [e.payload for e in await read_topic(kafka_bootstrap, topics.collections, at_least=4)]
    claims = [e for e in log if isinstance(e, LateInterestClaimed)]
    assert [c.interest.amount for c in claims] == [D("16.68"), D("16.69")]
    assert claims[0].customer.country == "IT" and claims[0].invoice_number == f"INV-{invoice_id}"

    async def not_yet_invoiced(as_of: str) -> list[tuple[str, str, str]]:
        found = (await client.get("/customers/IT-LATE/late-interest",
                                  params={"as_of": as_of})).json()
        return [(i["invoice_number"], i["interest"]["amount"], i["indemnity"]["amount"])
                for i in found["invoices"] if i["invoice_id"] == invoice_id]
    # claims and waivers count by their own as_of, the day their interest note is dated: to
    # 1 March nothing was claimed yet: 29 days and the 40 EUR
    assert await not_yet_invoiced("2026-03-01") == [(f"INV-{invoice_id}", "16.13", "40.00")]
    # to 15 April, 74 days earned 41.16, of which the claims to 2 March and 1 April took 33.37
    assert await not_yet_invoiced("2026-04-15") == [(f"INV-{invoice_id}", "7.79", "0.00")]
    # to 15 June, 135 days earned 75.08, of which 50.05 claimed or waived, the 40 EUR claimed
    assert await not_yet_invoiced("2026-06-15") == [(f"INV-{invoice_id}", "25.03", "0.00")]


async def test_a_contract_may_agree_its_own_rate_or_none(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics, unique_id: str,
) -> None:
    invoice_id = f"{unique_id}-terms"
    await publish(producer, topics.invoicing, [invoice_issued(
        invoice_id, "FR-TERMS", "1000.00", date(2026, 1, 31), datetime(2026, 1, 1, tzinfo=UTC),
        country="FR")])
    await client.put("/reference-rates/2025-06-11", headers={"Idempotency-Key": "t-rate"},
                     json={"rate": "2.15", "recorded_by": "cfo"})

    async def terms(body: dict[str, Any], key: str, expected: str) -> None:
        put = await client.put("/customers/FR-TERMS/interest-terms",
                               headers={"Idempotency-Key": key},
                               json={**body, "recorded_by": "cfo"})
        assert put.status_code == 200, put.text

        async def interest_is() -> bool:
            answer = await interest(client, invoice_id, "2026-03-02")
            return answer.status_code == 200 and answer.json()["interest"]["amount"] == expected
        await eventually(interest_is)
    await terms({"agreed_rate": "5"}, "t1", "4.11")  # 1000 x 5 % x 30 / 365
    await terms({"charged": False}, "t2", "0.00")  # a consumer: none
