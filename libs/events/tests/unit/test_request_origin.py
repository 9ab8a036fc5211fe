"""An idempotency key names one request: the same method, path, query and validated body,
however the caller spaced or ordered its JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from starlette.requests import Request

from ledgerline_events.contract.base import Actor, ActorKind
from ledgerline_events.runtime.auth import Caller
from ledgerline_events.runtime.requests import fingerprint_of, origin_of

AT = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


class Hold(BaseModel):
    placed_by: str
    detail: str = ""


def request(path: str, query: str = "", method: str = "POST") -> Request:
    return Request({"type": "http", "method": method, "path": path,
                    "query_string": query.encode(), "headers": []})


def test_the_same_hold_sent_twice_is_the_same_request() -> None:
    first = Hold.model_validate_json('{"placed_by": "ann", "detail": "late"}')
    again = Hold.model_validate_json('{"detail":"late","placed_by":"ann"}')
    assert fingerprint_of(request("/customers/C1/holds"), first) == fingerprint_of(
        request("/customers/C1/holds"), again)


def test_the_same_body_for_another_customer_is_another_request() -> None:
    body = Hold(placed_by="ann")
    assert fingerprint_of(request("/customers/C1/holds"), body) != fingerprint_of(
        request("/customers/C2/holds"), body)


def test_a_query_parameter_makes_another_request() -> None:
    path = "/payments/P1/allocations/A1"
    assert fingerprint_of(request(path, "reason=typo", "DELETE"), None) != fingerprint_of(
        request(path, "reason=bounced", "DELETE"), None)


def test_the_origin_carries_key_instant_and_fingerprint() -> None:
    origin = origin_of(request("/customers/C1/holds"), "k-1", Hold(placed_by="ann"), AT)
    assert (origin.idempotency_key, origin.occurred_at, len(origin.fingerprint)) == ("k-1", AT, 64)


def test_a_write_names_its_authenticated_caller_as_the_actor() -> None:
    signed_in = request("/invoices/I1/credit-notes")
    signed_in.state.caller = Caller("fay@finance", frozenset({"finance", "auditor"}))
    actor = origin_of(signed_in, "k", None, AT).actor
    assert actor == Actor(kind=ActorKind.CALLER, subject="fay@finance",
                          roles=("auditor", "finance"))
    assert origin_of(request("/invoices"), "k", None, AT).actor is None  # the service acts
