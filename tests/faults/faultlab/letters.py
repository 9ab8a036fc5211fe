"""A killed letter sender: while collections' letter post e-mails a stream of letters (the written
confirmation of each promise to pay a collector records), collections is killed (kill -9) and
started again on the same port. Then, for every letter: e-mailed exactly once (one mail under its
Message-ID, one LetterEmailed), or, for the one letter the sender may have had in hand, in doubt
(one LetterDeliveryInDoubt, at most one mail, never sent again by itself). The letters recorded
around the kill are sent by the new process: the post resumes."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from ledgerline_events.contract import Event, encode
from ledgerline_events.contract.deliveries import LetterDeliveryInDoubt, LetterEmailed

from . import auth
from .caught_up import TOPICS
from .checks import the_log
from .faults import Lab
from .services import ServiceProcess
from .workload import order_delivered

MESSAGE_DOMAIN = "ledgerline.example"  # collections' Message-IDs: <document id>@this
PRICE = Decimal("500.00")


async def kill_the_letter_sender(lab: Lab, customers: int = 60, kill_after: int = 8) -> str:
    """One line saying what happened; raises AssertionError listing every broken promise."""
    lab.rounds += 1
    tag = f"M{lab.rounds}"
    ids = [f"{tag}-C{i}" for i in range(customers)]
    collections = lab.fleet.services["collections"]
    async with httpx.AsyncClient(timeout=10, headers=auth.headers()) as http, \
            httpx.AsyncClient(base_url=lab.infra.mail_api, timeout=10) as mail:
        (await mail.delete("/api/v1/messages")).raise_for_status()
        await _orders_delivered(lab.infra.bootstrap, tag, ids)
        for customer in ids:
            await _answered(http, "PUT", f"{collections.url}/customers/{customer}/contacts/ap",
                            _contact(customer, tag), f"{customer}-ap")
        await _invoices_known(http, collections.url, tag, len(ids))
        recording = asyncio.create_task(_promises(http, collections, tag, ids))
        before_kill = await _mails_at_least(mail, kill_after)
        collections.kill9()
        await asyncio.sleep(0.5)
        await collections.start()
        promises = await recording
        outcomes = await _settled(lab.infra.bootstrap, set(promises))
        mails = await _message_ids(mail)
    problems = _broken(promises, outcomes, mails, before_kill)
    in_doubt = sum(isinstance(o[0], LetterDeliveryInDoubt) for o in outcomes.values())
    line = (f"kill -9 the letter sender after {before_kill} mails: {len(promises)} letters, "
            f"{len(mails)} mails, {in_doubt} in doubt")
    if problems:
        raise AssertionError(f"{line}; {len(problems)} problems:\n  " + "\n  ".join(problems[:40]))
    return line


def _broken(promises: set[str], outcomes: dict[str, list[Event]], mails: Counter[str],
            before_kill: int) -> list[str]:
    problems = [f"{m}: {n} mails" for m, n in mails.items() if n > 1]
    problems += [f"{m}: a mail nobody recorded" for m in mails if m.split("@")[0] not in promises]
    doubts = 0
    for promise in sorted(promises):
        events = outcomes.get(promise, [])
        sent = mails[f"{promise}@{MESSAGE_DOMAIN}"]
        if len(events) != 1:
            problems.append(f"{promise}: {len(events)} outcomes {events}")
        elif isinstance(events[0], LetterEmailed) and sent != 1:
            problems.append(f"{promise}: e-mailed, {sent} mails")
        doubts += bool(events) and isinstance(events[0], LetterDeliveryInDoubt)
    if doubts > 1:
        problems.append(f"{doubts} letters in doubt after one kill (at most the one in hand)")
    if sum(mails.values()) <= before_kill:
        problems.append("nothing was e-mailed after the restart: the post did not resume")
    return problems


async def _orders_delivered(bootstrap: str, tag: str, customers: list[str]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for n, customer in enumerate(customers):
            order = order_delivered(f"{tag}-O{n}", customer, "EUR", PRICE)
            await producer.send_and_wait(TOPICS.sales_inbound, encode(order), key=order.partition_key)
    finally:
        await producer.stop()


def _contact(customer: str, tag: str) -> dict[str, Any]:
    return {"role": "accounts_payable", "name": f"Payables {customer}",
            "email": f"ap.{customer.lower()}@{tag.lower()}.example", "preferred_channel": "email"}


async def _invoices_known(http: httpx.AsyncClient, url: str, tag: str, count: int) -> None:
    for n in range(count):
        for _ in range(300):
            if (await http.get(f"{url}/invoices/inv-so-{tag}-O{n}")).status_code == 200:
                break
            await asyncio.sleep(0.2)
        else:
            raise AssertionError(f"collections never learned of invoice inv-so-{tag}-O{n}")


async def _promises(http: httpx.AsyncClient, collections: ServiceProcess, tag: str,
                    customers: list[str]) -> set[str]:
    """Each customer promises to pay their invoice; a request the kill cut is sent again with
    the same key until answered. The promises' ids (their letters' ids)."""
    promised = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    ids = set()
    for n, customer in enumerate(customers):
        body = {"invoice_ids": [f"inv-so-{tag}-O{n}"], "promised_date": promised,
                "amount": {"amount": str(PRICE), "currency": "EUR"}, "recorded_by": "faults"}
        answer = await _answered(http, "POST", f"{collections.url}/customers/{customer}/promises",
                                 body, f"{customer}-promise")
        ids.add(str(answer["promise_id"]))
    return ids


async def _answered(http: httpx.AsyncClient, method: str, url: str, body: dict[str, Any],
                    key: str, timeout: float = 120.0) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            response = await http.request(method, url, json=body, headers={"Idempotency-Key": key})
            if response.status_code < 300:
                return dict(response.json())
            if response.status_code < 500 and response.status_code != 409:
                raise AssertionError(f"{method} {url}: {response.status_code} {response.text}")
        except httpx.HTTPError:
            pass  # the service is down: the same request again
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{method} {url}: no answer in {timeout} s")
        await asyncio.sleep(0.3)


async def _mails_at_least(mail: httpx.AsyncClient, count: int, timeout: float = 60.0) -> int:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        total = int((await mail.get("/api/v1/messages", params={"limit": 1})).json()["total"])
        if total >= count:
            return total
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"only {total} mails after {timeout} s: is the letter post on?")
        await asyncio.sleep(0.05)


async def _settled(bootstrap: str, promises: set[str], timeout: float = 90.0
                   ) -> dict[str, list[Event]]:
    """Each letter's final outcomes in the log, once every letter has one (a claim cut by the
    kill turns in doubt when its lease runs out)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        outcomes: dict[str, list[Event]] = defaultdict(list)
        for envelope in await the_log(bootstrap):
            if isinstance(envelope.payload, LetterEmailed | LetterDeliveryInDoubt):
                outcomes[envelope.payload.document_id].append(envelope.payload)
        if promises <= outcomes.keys() or asyncio.get_running_loop().time() > deadline:
            return outcomes
        await asyncio.sleep(1.0)


async def _message_ids(mail: httpx.AsyncClient) -> Counter[str]:
    ids: Counter[str] = Counter()
    start = 0
    while True:
        page = (await mail.get("/api/v1/messages", params={"start": start, "limit": 250})).json()
        ids.update(m["MessageID"] for m in page["messages"])
        start += len(page["messages"])
        if not page["messages"] or start >= page["total"]:
            return ids
