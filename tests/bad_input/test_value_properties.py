"""Property-based (hypothesis): whatever leaf of a valid request or event is replaced by a
non-finite, huge, sub-unit, out-of-window or odd-text value, every write route answers 422
as JSON and writes nothing, and every consumed topic dead-letters the message with a reason.
Bounded: EXAMPLES per route and MESSAGES per topic."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerline_events.contract import Envelope, Money, encode, new_envelope
from ledgerline_events.contract.cash_application import PaymentMethod, PaymentReceived
from ledgerline_events.contract.collections import DebtWrittenOff
from ledgerline_events.contract.credit import CreditLimitSet

from .test_dead_letters import dead_letters, delivery, subscribed
from .test_value_policy import CHECK, LIMIT, invoice, payment, stored_events

pytestmark = [pytest.mark.integration,
              pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")]
EXAMPLES, MESSAGES = 12, 6
NAN = object()  # sent as the bare JSON literal NaN / Infinity

NON_FINITE = st.sampled_from([NAN, float("inf"), float("-inf"), "NaN", "Infinity", "-sNaN"])
HUGE = st.one_of(st.integers(13, 40).map(lambda n: f"1e{n}"),
                 st.integers(13, 30).map(lambda n: "9" * n + ".00"))
SUB_UNIT = st.sampled_from(["0.001", "1.001", "-0.005", "12.3456"])  # the currency is EUR
OUT_OF_WINDOW = st.sampled_from(["9999-12-31", "0001-01-01", "1850-06-30", "2300-01-01"])
OUT_OF_WINDOW_INSTANT = st.sampled_from([
    "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "2300-01-01T00:00:00Z"])
ODD_TEXT = st.one_of(st.text(max_size=8).map(lambda t: f"a\x00{t}"),
                     st.sampled_from(["\ud800", "x\udfffy", "\udbff"]))


def bad_values_for(path: tuple[Any, ...], value: Any) -> st.SearchStrategy[Any]:
    """Values outside the policy for this leaf: numbers for amounts, dates for dates, odd
    text for text (a huge number in a free-text field is only text)."""
    if isinstance(value, str) and _is(date.fromisoformat, value):
        return st.one_of(OUT_OF_WINDOW, ODD_TEXT)
    if isinstance(value, str) and _is(datetime.fromisoformat, value.replace("Z", "+00:00")):
        return st.one_of(OUT_OF_WINDOW_INSTANT, ODD_TEXT)
    if isinstance(value, str) and _is(Decimal, value):
        money = path[-1] == "amount"
        return st.one_of(NON_FINITE, HUGE, *([SUB_UNIT] if money else []))
    return ODD_TEXT


def _is(parse: Callable[[str], Any], text: str) -> bool:
    try:
        parse(text)
    except (ValueError, ArithmeticError):
        return False
    return True


WRITES: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "credit": [
        ("PUT", "/customers/C-P/credit-limits/EUR", LIMIT),
        ("POST", "/credit-checks", CHECK),
        ("POST", "/customers/C-P/holds", {"placed_by": "fay", "detail": "late payer"}),
        ("POST", "/customers/C-P/holds/h-1/release", {"released_by": "fay", "reason": "paid"}),
    ],
    "invoicing": [
        ("POST", "/invoices", invoice()),
        ("POST", "/invoices/i-p/credit-notes", {"amount": {"amount": "5.00", "currency": "EUR"},
                                                "reason": "return", "issue_date": "2026-03-04"}),
        ("POST", "/invoices/i-p/cancel", {"reason": "wrong customer",
                                          "cancelled_on": "2026-03-04"}),
    ],
    "cash-application": [
        ("POST", "/payments", payment({"amount": "125.00", "currency": "EUR"},
                                      payer_name="Payer", remittance="INV-1",
                                      occurred_at="2026-03-05T10:00:00Z")),
        ("POST", "/payments/p-p/allocations", {"invoice_id": "i-p", "explanation": "by hand",
                                               "amount": {"amount": "5.00", "currency": "EUR"}}),
        ("POST", "/payments/p-p/reverse", {"reason": "bounced"}),
        ("POST", "/payments/p-p/refunds", {"amount": {"amount": "5.00", "currency": "EUR"},
                                           "reason": "overpaid"}),
    ],
    "collections": [
        ("POST", "/dunning-runs", {"run_date": "2026-03-05"}),
        ("POST", "/promises/evaluate", {"as_of": "2026-03-05"}),
        ("POST", "/customers/C-P/calls", {"contact_person": "Ann", "outcome": "no_answer",
                                         "note": "", "collector": "cole",
                                         "called_at": "2026-03-05T10:00:00Z"}),
        ("POST", "/customers/C-P/promises", {"invoice_ids": ["i-p"], "recorded_by": "cole",
                                            "amount": {"amount": "5.00", "currency": "EUR"},
                                            "promised_date": "2026-03-20"}),
        ("POST", "/invoices/i-p/disputes", {"reason": "quality_complaint", "description": "x",
                                           "amount": {"amount": "5.00", "currency": "EUR"}}),
        ("POST", "/disputes/d-p/resolve", {"outcome": "customer_liable", "note": "ok"}),
        ("POST", "/invoices/i-p/write-offs", {"amount": {"amount": "5.00", "currency": "EUR"},
                                             "reason": "insolvent"}),
        ("POST", "/write-offs/w-p/recoveries", {"amount": {"amount": "5.00", "currency": "EUR"}}),
    ],
}


def leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths of every scalar in a JSON value."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, (*path, i))
    else:
        yield path


def at(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = replaced(value[path[0]], path[1:], new)  # type: ignore[index]
    return copy


def as_json(value: Any) -> bytes:
    """JSON as a careless client writes it: NaN bare, lone surrogates escaped."""
    text = json.dumps(value, allow_nan=True, default=lambda o: "__NAN__")
    return text.replace('"__NAN__"', "NaN").encode()


def fuzz_writes(client: httpx.AsyncClient, headers: dict[str, str],
                routes: list[tuple[str, str, dict[str, Any]]],
                loop: asyncio.AbstractEventLoop) -> list[str]:
    """Runs in a worker thread; requests go to the app on the test's event loop."""
    wrong: list[str] = []
    for method, path, body in routes:
        fuzz_route(client, headers, method, path, body, loop, wrong)
    return wrong


def fuzz_route(client: httpx.AsyncClient, headers: dict[str, str], method: str, path: str,
               body: dict[str, Any], loop: asyncio.AbstractEventLoop, wrong: list[str]) -> None:
    paths = list(leaves(body))

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data(), n=st.integers(0, 10**6))
    def call(data: st.DataObject, n: int) -> None:
        where = data.draw(st.sampled_from(paths))
        bad = data.draw(bad_values_for(where, at(body, where)))
        content = as_json(replaced(body, where, bad))
        request = client.request(method, path, content=content, headers={
            **headers, "content-type": "application/json", "Idempotency-Key": f"p-{n}"})
        answer = asyncio.run_coroutine_threadsafe(request, loop).result(timeout=60)
        ok = answer.status_code == 422 and isinstance(answer.json().get("detail"), str | list)
        if not ok:
            wrong.append(f"{method} {path} {where}={bad!r} -> {answer.status_code} "
                         f"{answer.text[:200]}")

    call()


@pytest.mark.parametrize("service", sorted(WRITES))
async def test_every_write_route_refuses_bad_values_with_422_and_writes_nothing(
    service: str, in_process: Any, auth_headers: Callable[..., dict[str, str]],
) -> None:
    before = await stored_events(in_process)
    wrong = await asyncio.to_thread(fuzz_writes, in_process.clients[service],
                                    auth_headers(approval_limit="1000000.00"),
                                    WRITES[service], asyncio.get_running_loop())
    assert not wrong, "\n".join(sorted(set(wrong))[:30])
    assert await stored_events(in_process) == before


AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


def envelope(payload: Any, aggregate: str, producer: str) -> Envelope:
    return new_envelope(payload, aggregate_id=aggregate, aggregate_version=1,
                        customer_id="C-PROP", occurred_at=AT, producer=producer)


def consumed_events() -> dict[str, Envelope]:
    """A valid event per consumed topic (attribute of Topics)."""
    eur = Money.of("40.00", "EUR")
    return {
        "sales_inbound": delivery(),
        "invoicing": envelope(_invoice_issued(), "inv-prop", "invoicing"),
        "cash_application": envelope(PaymentReceived(
            payment_id="pay-prop", amount=eur, received_on=date(2026, 3, 2),
            method=PaymentMethod.BANK_TRANSFER, remittance="INV-1"),
            "pay-prop", "cash-application"),
        "collections": envelope(DebtWrittenOff(
            write_off_id="wo-prop", invoice_id="inv-prop", amount=eur, reason="insolvent",
            approver="fay", written_off_on=date(2026, 3, 2)), "write-offs:inv-prop", "collections"),
        "credit": envelope(CreditLimitSet(limit=eur, set_by="fay", reason="new"), "credit:C-PROP",
                           "credit"),
    }


def _invoice_issued() -> Any:
    from ledgerline_events.contract.invoicing import InvoiceIssued, InvoiceLine
    from ledgerline_events.contract.sales import Customer, PaymentTerms, TermsKind
    gross = Money.of("40.00", "EUR")
    return InvoiceIssued(
        invoice_id="inv-prop", invoice_number="INV-PROP-1",
        customer=Customer(customer_id="C-PROP", name="Prop Ltd"), currency="EUR",
        issue_date=date(2026, 3, 2), due_date=date(2026, 4, 1),
        payment_terms=PaymentTerms(kind=TermsKind.NET, net_days=30),
        lines=[InvoiceLine(description="x", quantity=Decimal(1), unit_price=gross.amount,
                           tax_rate=Decimal(0), net=gross.amount, tax=Decimal(0))],
        net_total=gross, tax_total=Money.zero("EUR"), gross_total=gross)


def bad_messages(good: Envelope) -> list[bytes]:
    """MESSAGES variants of the event, each with one leaf of its payload or instants bad."""
    wire = json.loads(encode(good))
    paths = [p for p in leaves(wire) if p[0] in ("payload", "occurred_at")]
    made: list[bytes] = []

    @settings(max_examples=MESSAGES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def make(data: st.DataObject) -> None:
        where = data.draw(st.sampled_from(paths))
        bad = data.draw(bad_values_for(where, at(wire, where)))
        made.append(as_json(replaced(wire, where, bad)))

    make()
    return made


async def test_every_consumed_topic_dead_letters_bad_values_with_a_reason(
    in_process: Any, kafka_bootstrap: str,
) -> None:
    sent: dict[str, int] = {}
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all",
                                enable_idempotence=True)
    await producer.start()
    try:
        for attr, good in consumed_events().items():
            topic, messages = getattr(in_process.topics, attr), bad_messages(good)
            for message in messages:
                await producer.send_and_wait(topic, message, key=b"C-PROP")
            sent[topic] = len(messages)
    finally:
        await producer.stop()
    for service, app in in_process.apps.items():
        topics = subscribed(app)
        expected = sum(sent.get(t, 0) for t in topics)
        letters = await dead_letters(kafka_bootstrap, in_process.topics.dead_letter(service),
                                     expected)
        by_topic: dict[str, int] = {}
        for letter in letters:
            assert letter["reason"], letter
            by_topic[letter["source_topic"]] = by_topic.get(letter["source_topic"], 0) + 1
        assert by_topic == {t: sent[t] for t in topics if t in sent}, (service, by_topic)
