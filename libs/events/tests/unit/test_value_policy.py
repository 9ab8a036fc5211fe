"""The value policy (contract/values.py) and the host's HTTP edge (runtime/edges.py): what is
refused, with which rule and field, and that a refusal is always a JSON answer. No database:
the host is built but never started."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar, cast

import asyncpg
import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel, SecretStr

from ledgerline_events.contract import Money, Topics, encode
from ledgerline_events.contract.values import ValuePolicy, ValueRefused
from ledgerline_events.runtime import Runtime, ServiceSettings, create_service_app, mint_token
from ledgerline_events.runtime.projection import BatchApplier, Record

from ..sample import invoice

SECRET = "unit-test-secret-of-at-least-thirty-two-bytes"
POLICY = ValuePolicy()


@pytest.mark.parametrize(("value", "rule", "field"), [
    (Money.of("1.001", "EUR"), "below_minor_unit", "amount"),
    (Money.of("1.5", "JPY"), "below_minor_unit", "amount"),
    (Money.of("1e30", "EUR"), "amount_too_large", "amount"),
    (Decimal("NaN"), "not_finite", ""),
    (float("inf"), "not_finite", ""),
    (10**13, "amount_too_large", ""),
    (date(9999, 12, 31), "date_outside_window", ""),
    (datetime(1, 1, 1, tzinfo=UTC), "date_outside_window", ""),
    ("a\x00b", "nul_character", ""),
    ("a\ud800b", "unpaired_surrogate", ""),
    ({"lines": [{"text": "ok"}, {"text": "\x00"}]}, "nul_character", "lines[1].text"),
])
def test_values_outside_the_policy_are_refused_with_rule_and_field(
    value: Any, rule: str, field: str,
) -> None:
    with pytest.raises(ValueRefused) as refused:
        POLICY.check(value)
    assert (refused.value.rule, refused.value.field) == (rule, field)


@pytest.mark.parametrize("value", [
    Money.of("1.10", "EUR"), Money.of("1.100", "EUR"), Money.of("15", "JPY"),
    Money.of("1000000000000", "EUR"), Decimal("0.0125"), date(2026, 3, 1), "Zoë 😀", None,
])
def test_values_inside_the_policy_pass(value: Any) -> None:
    POLICY.check(value)


def test_a_consumed_message_is_checked_as_thoroughly_as_by_the_full_walk() -> None:
    good = invoice("i-1", "100.00")
    POLICY.check_message(encode(good), good)
    for bad, rule in [(invoice("i-2", "100.001"), "below_minor_unit"),
                      (invoice("i-3", "1e13"), "amount_too_large")]:
        with pytest.raises(ValueRefused) as refused:
            POLICY.check_message(encode(bad), bad)
        assert refused.value.rule == rule
        assert refused.value.field.startswith("payload.")
    nul = invoice("i-4", "1.00", customer="C\x00")
    with pytest.raises(ValueRefused, match="NUL"):
        POLICY.check_message(encode(nul), nul)


def test_a_rebuild_does_not_check_again_what_our_services_checked_when_writing() -> None:
    """Our topics' events passed the policy when written (UnitOfWork.write); a rebuild reads
    them as the live consumer applied them. Other systems' topics are checked every time."""
    topics = Topics(prefix="t.")
    too_large = encode(invoice("i-9", "1e13"))

    def dead(rebuilding: bool) -> list[str]:
        applier = BatchApplier(cast(asyncpg.Pool, None), "s", [], topics, rebuilding=rebuilding)
        _, refused = applier._decode([Record(t, 0, n, b"C-1", too_large) for n, t in
                                      enumerate((topics.invoicing, topics.sales_inbound))])
        return [d.record.topic for d in refused]
    assert dead(rebuilding=False) == [topics.invoicing, topics.sales_inbound]
    assert dead(rebuilding=True) == [topics.sales_inbound]


class Settings(ServiceSettings):
    service_name: ClassVar[str] = "sample"


class Line(BaseModel):
    description: str
    price: Money


class Order(BaseModel):
    lines: list[Line]
    on: date


def sample_app() -> httpx.AsyncClient:
    router = APIRouter()

    @router.post("/orders")
    async def order(body: Order) -> dict[str, str]:
        return {"ok": "yes"}

    @router.get("/as-of")
    async def as_of(at: datetime) -> dict[str, str]:
        return {"utc": at.astimezone(UTC).isoformat()}

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    settings = Settings(auth_jwt_secret=SecretStr(SECRET))
    app = create_service_app(Runtime(settings), [router], title="sample")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                             base_url="http://sample",
                             headers={"Authorization": f"Bearer {mint_token(SECRET, 'u', ['admin'])}"})


def order(description: str = "x", amount: str = "1.00", on: str = "2026-03-01") -> dict[str, Any]:
    return {"lines": [{"description": description, "price": {"amount": amount, "currency": "EUR"}}],
            "on": on}


async def test_the_host_refuses_values_outside_the_policy_with_422_rule_and_field() -> None:
    async with sample_app() as http:
        assert (await http.post("/orders", json=order())).status_code == 200
        for body, rule, field in [
            (order(amount="0.001"), "below_minor_unit", "lines[0].price.amount"),
            (order(description="\x00"), "nul_character", "lines[0].description"),
            (order(on="9999-12-31"), "date_outside_window", "on"),
        ]:
            answer = await http.post("/orders", json=body)
            assert answer.status_code == 422
            problem = answer.json()
            assert (problem["rule"], problem["field"], problem["location"]) == (rule, field, None)
            [error] = problem["errors"]
            assert error["type"] == rule and error["msg"] == problem["detail"]
        late = await http.get("/as-of", params={"at": "9999-12-31T23:59:59-12:00"})
        assert late.status_code == 422 and late.json()["field"] == "at"


async def test_non_strict_json_is_422_and_validation_errors_quoting_it_still_render() -> None:
    async with sample_app() as http:
        for raw, rule in [(b'{"lines": NaN}', "strict_json"), (b'{"on": Infinity}', "strict_json"),
                          (b'{"lines": [{"description": "\\ud800"}]}', "unpaired_surrogate")]:
            answer = await http.post("/orders", content=raw,
                                     headers={"content-type": "application/json"})
            assert answer.status_code == 422 and answer.json()["rule"] == rule, answer.text
        broken = await http.post("/orders", content=b'{"lines": [',
                                 headers={"content-type": "application/json"})
        assert broken.status_code == 422 and broken.json()["rule"] == "json_invalid"
        wrong = await http.post("/orders", json={"lines": "many", "on": "x"})
        assert wrong.status_code == 422 and wrong.json()["field"] == "lines"


async def test_an_unforeseen_error_is_a_json_500_not_plain_text() -> None:
    async with sample_app() as http:
        answer = await http.get("/boom")
        assert answer.status_code == 500
        assert answer.json()["rule"] == "internal_error"
