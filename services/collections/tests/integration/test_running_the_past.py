"""Business time: a history lived day by day, and the same history loaded after the fact then
run for its past dates, send the same letters and settle the same promises; the guards on
dates answer 422 with field and rule; a voided letter is in the log and the account, and the
ladder goes on."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Topics
from ledgerline_events.contract.collections import ReminderVoided
from ledgerline_events.testing import eventually

from .conftest import NOW, MovableClock, publish
from .events import allocated, invoice_issued
from .test_dunning_run import read_topic

pytestmark = pytest.mark.integration

ISSUED = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
DUE = date(2026, 3, 1)
RUN_DATES = [date(2026, 3, d) for d in (8, 11, 15, 20, 22, 29)] + [date(2026, 4, 12)]
# The days something happens in the history (business time), before the run of that day.
DISPUTE_ON, PROMISE_ON, PAID_ON, RESOLVED_ON = (date(2026, 3, 10), date(2026, 3, 5),
                                                date(2026, 3, 15), date(2026, 3, 21))


def at(day: date, hour: int = 9) -> str:
    return datetime.combine(day, time(hour), tzinfo=UTC).isoformat()


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any],
               key: str | None = None) -> httpx.Response:
    return await client.post(path, json=body, headers={"Idempotency-Key": key or path + str(body)})


async def view(client: httpx.AsyncClient, customer: str, **params: str) -> dict[str, Any]:
    body: dict[str, Any] = (await client.get(f"/customers/{customer}", params=params)).json()
    return body


class History:
    """One customer pair's history: C1 disputes invoice a from 03-10 to 03-21; C2 promises
    on 03-05 to pay invoice b's 500.00 by 03-20 and pays 200.00 on 03-15."""

    def __init__(self, client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics,
                 prefix: str) -> None:
        self.client, self.producer, self.topics, self.p = client, producer, topics, prefix
        self.dispute_id = ""

    async def issue(self) -> None:
        await publish(self.producer, self.topics.invoicing, [
            invoice_issued(f"{self.p}-a", f"{self.p}1", "1000.00", DUE, ISSUED),
            invoice_issued(f"{self.p}-b", f"{self.p}2", "500.00", DUE, ISSUED)])
        await eventually(lambda: self._known(f"{self.p}2", 1))

    async def promise(self) -> None:
        r = await post(self.client, f"/customers/{self.p}2/promises", {
            "invoice_ids": [f"{self.p}-b"], "amount": {"amount": "500.00", "currency": "EUR"},
            "promised_date": "2026-03-20", "recorded_by": "bob", "occurred_at": at(PROMISE_ON)})
        assert r.status_code == 201, r.text
        await eventually(lambda: self._has(f"{self.p}2", "promises"))

    async def dispute(self) -> None:
        r = await post(self.client, f"/invoices/{self.p}-a/disputes",
                       {"reason": "quality_complaint", "occurred_at": at(DISPUTE_ON)})
        assert r.status_code == 201, r.text
        self.dispute_id = r.json()["dispute_id"]
        await eventually(lambda: self._has(f"{self.p}1", "disputes"))

    async def pay(self) -> None:
        paid = datetime.combine(PAID_ON, time(9), tzinfo=UTC)
        await publish(self.producer, self.topics.cash_application,
                      [allocated(f"{self.p}-pay", f"{self.p}-b", f"{self.p}2", "200.00", paid)])
        await eventually(lambda: self._open(f"{self.p}2", "300.00"))

    async def resolve(self) -> None:
        r = await post(self.client, f"/disputes/{self.dispute_id}/resolve",
                       {"outcome": "customer_liable", "occurred_at": at(RESOLVED_ON)})
        assert r.status_code == 200, r.text

        async def resolved() -> bool:
            disputes = (await self.client.get("/disputes", params={"status": "resolved"})).json()
            return any(d["dispute_id"] == self.dispute_id for d in disputes)

        await eventually(resolved)

    async def run(self, day: date, key: str = "") -> list[tuple[str, str, list[str], str]]:
        body = {"run_date": day.isoformat(), "customer_ids": [f"{self.p}1", f"{self.p}2"],
                "occurred_at": at(day, 6)}
        r = await post(self.client, "/dunning-runs", body, key=f"run-{key}{body}")
        assert r.status_code == 200, r.text
        return [(x["customer_id"][len(self.p):], x["level"],
                 [i[len(self.p):] for i in x["invoices"]], x["total_overdue"]["amount"])
                for x in r.json()["reminders"]]

    async def evaluate(self, day: date) -> list[tuple[str, Any, Any]]:
        r = await post(self.client, "/promises/evaluate",
                       {"as_of": day.isoformat(), "customer_ids": [f"{self.p}2"]})
        assert r.status_code == 200, r.text
        return [(s["event"], s.get("broken_on"), s.get("amount_short")) for s in r.json()["settled"]]

    async def _known(self, customer: str, items: int) -> bool:
        return len((await view(self.client, customer)).get("open_items", [])) == items

    async def _has(self, customer: str, section: str) -> bool:
        return bool((await view(self.client, customer)).get(section))

    async def _open(self, customer: str, amount: str) -> bool:
        items = (await view(self.client, customer)).get("open_items", [])
        return [i["open_amount"] for i in items] == [amount]


def happenings(h: History) -> dict[date, Any]:
    return {ISSUED.date(): h.issue, PROMISE_ON: h.promise, DISPUTE_ON: h.dispute,
            PAID_ON: h.pay, RESOLVED_ON: h.resolve}


async def test_a_history_loaded_after_the_fact_runs_its_past_as_it_was_lived(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics, clock: MovableClock
) -> None:
    lived, loaded = History(client, producer, topics, "L"), History(client, producer, topics, "H")
    letters_lived, promises_lived = {}, {}
    day = ISSUED.date()
    while day <= RUN_DATES[-1]:  # lived: each day in turn, the clock on that day
        clock.now = datetime.combine(day, time(12), tzinfo=UTC)
        if day in happenings(lived):
            await happenings(lived)[day]()
        if day in RUN_DATES:
            promises_lived[day] = await lived.evaluate(day)
            letters_lived[day] = await lived.run(day)
        day += timedelta(days=1)

    clock.now = NOW  # loaded: everything entered on 06-15, dated when it happened
    for step in happenings(loaded).values():
        await step()
    letters_loaded = {d: await loaded.run(d) for d in RUN_DATES}
    promises_loaded = {d: await loaded.evaluate(d) for d in RUN_DATES}

    assert letters_loaded == letters_lived
    assert promises_loaded == promises_lived
    assert letters_lived[date(2026, 3, 8)] == [("1", "friendly_reminder", ["-a"], "1000.00")]
    assert letters_lived[date(2026, 3, 11)] == []  # disputed, promised: nothing
    assert ("2", "friendly_reminder", ["-b"], "300.00") in letters_lived[date(2026, 3, 22)]
    assert ("1", "reminder", ["-a"], "1000.00") in letters_lived[date(2026, 3, 22)]
    assert promises_lived[date(2026, 3, 22)] == [("collections.PromiseToPayBroken", "2026-03-21",
                                                  {"amount": "300.00", "currency": "EUR"})]
    # Run again after the fact: the same day sends nothing new, whatever happened later.
    assert await loaded.run(date(2026, 3, 8), key="again") == []
    account = await view(client, "H1", as_of="2026-03-12")
    assert [d["status"] for d in account["disputes"]] == ["open"]
    assert [x["level"] for x in account["dunning_history"]] == ["friendly_reminder"]
    promised = (await view(client, "H2", as_of="2026-03-12"))["promises"]
    assert [p["status"] for p in promised] == ["open"]
    assert [p["status"] for p in (await view(client, "H2"))["promises"]] == ["broken"]


async def test_guards_on_dates_answer_422_with_field_and_rule(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics
) -> None:
    await publish(producer, topics.invoicing, [invoice_issued("g-1", "G1", "100.00", DUE, ISSUED)])
    await eventually(lambda: _open_items(client, "G1"))
    cases = [
        ("/dunning-runs", {"run_date": "2099-12-31"}, "run_date", "not_after_today"),
        # beyond the value policy's window, refused at the edge before any business rule
        ("/dunning-runs", {"run_date": "9999-12-31"}, "run_date", "date_outside_window"),
        ("/dunning-runs", {"run_date": "2026-06-16"}, "run_date", "not_after_today"),
        ("/promises/evaluate", {"as_of": "2026-06-20"}, "as_of", "not_after_today"),
        ("/invoices/g-1/write-offs", {"reason": "bad", "approver": "cfo",
                                      "occurred_at": "2026-01-15T10:00:00Z"},
         "occurred_at", "not_before_invoice"),
        ("/invoices/g-1/disputes", {"reason": "other", "occurred_at": "2026-06-15T10:06:00Z"},
         "occurred_at", "not_in_the_future"),
        ("/customers/G1/calls", {"contact_person": "Ann", "outcome": "reached",
                                 "collector": "bob", "occurred_at": "2026-07-01T00:00:00Z"},
         "occurred_at", "not_in_the_future"),
    ]
    for path, body, field, rule in cases:
        r = await post(client, path, body)
        assert r.status_code == 422, (path, r.text)
        assert (r.json()["field"], r.json()["rule"]) == (field, rule), path
        assert r.json()["detail"]
    drifting = await post(client, "/invoices/g-1/disputes",
                          {"reason": "other", "occurred_at": "2026-06-15T10:04:00Z"})
    assert drifting.status_code == 201, "a few minutes' tolerance: callers' clocks drift"


async def test_a_dry_run_shows_the_letters_and_a_voided_letter_lets_the_ladder_go_on(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics, kafka_bootstrap: str
) -> None:
    await publish(producer, topics.invoicing, [invoice_issued("v-1", "V1", "700.00", DUE, ISSUED)])
    await eventually(lambda: _open_items(client, "V1"))
    scope = {"customer_ids": ["V1"]}
    dry = await post(client, "/dunning-runs", {**scope, "dry_run": True})
    assert dry.status_code == 200 and dry.json()["letters_sent"] == 0
    (letter,) = dry.json()["letters"]
    assert letter["level"] == "friendly_reminder" and "INV-v-1" in letter["letter"]

    sent = await post(client, "/dunning-runs", scope, key="run-v1")
    assert sent.json()["letters_sent"] == 1
    assert (await post(client, "/dunning-runs", scope, key="run-v1")).json() == sent.json()
    reminder_id = sent.json()["reminders"][0]["reminder_id"]
    assert (await post(client, "/dunning-runs", scope)).json()["letters_sent"] == 0

    await eventually(lambda: _has_letter(client, reminder_id))
    void = await post(client, f"/reminders/{reminder_id}/void",
                      {"reason": "sent to the wrong address", "voided_by": "bob"})
    assert void.status_code == 200, void.text
    again = await post(client, f"/reminders/{reminder_id}/void", {"reason": "x", "voided_by": "b"})
    assert again.status_code == 409 and again.json()["rule"] == "letter_already_voided"

    async def voided_in_account() -> bool:
        letters = (await view(client, "V1"))["dunning_history"]
        return letters[0]["voided_by"] == "bob"

    await eventually(voided_in_account)
    resent = await post(client, "/dunning-runs", scope, key="run-v1-after-void")
    assert [r["level"] for r in resent.json()["reminders"]] == ["friendly_reminder"]

    async def voids_published() -> list[ReminderVoided]:
        published = await read_topic(kafka_bootstrap, topics.collections, at_least=3)
        return [e.payload for e in published if isinstance(e.payload, ReminderVoided)]

    voids = await eventually(voids_published)
    assert [(v.reminder_id, v.reason, v.voided_by) for v in voids] == [
        (reminder_id, "sent to the wrong address", "bob")]


async def test_the_ageing_lists_every_customer_asked_for_and_answers_as_known_at(
    client: httpx.AsyncClient, producer: AIOKafkaProducer, topics: Topics
) -> None:
    await publish(producer, topics.invoicing, [invoice_issued("k-1", "K1", "300.00", DUE, ISSUED)])
    await eventually(lambda: _open_items(client, "K1"))
    before_the_bank_file = datetime.now(UTC).isoformat()
    late = allocated("k-pay", "k-1", "K1", "300.00", datetime(2026, 3, 31, 9, tzinfo=UTC))
    late = late.model_copy(update={"recorded_at": datetime.now(UTC)})  # dated 03-31, entered now
    await publish(producer, topics.cash_application, [late])

    async def paid() -> bool:
        return not await _open_items(client, "K1")

    await eventually(paid)
    month_end = {"as_of": "2026-03-31", "customer_id": ["K1", "NOBODY"]}
    now = (await client.get("/ageing", params=month_end)).json()
    assert now["customers"]["K1"]["EUR"]["total"] == "0.00" and now["customers"]["NOBODY"] == {}
    then = (await client.get("/ageing", params={**month_end, "known_at": before_the_bank_file}))
    assert then.json()["customers"]["K1"]["EUR"]["total"] == "300.00"
    items = (await client.get("/customers/K1/open-items",
                              params={"as_of": "2026-03-31", "known_at": before_the_bank_file}))
    assert [i["open_amount"] for i in items.json()["open_items"]] == ["300.00"]
    assert (await client.get("/customers/K1/open-items")).json()["open_items"] == []


async def _open_items(client: httpx.AsyncClient, customer: str) -> list[Any]:
    items: list[Any] = (await client.get(f"/customers/{customer}/open-items")).json()["open_items"]
    return items


async def _has_letter(client: httpx.AsyncClient, reminder_id: str) -> bool:
    return any(x["reminder_id"] == reminder_id
               for x in (await view(client, "V1")).get("dunning_history", []))
