"""Access control in the runtime: token checking, API keys, roles per route, fail closed,
and the request body limit. No database: the host is built but never started."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import ClassVar

import httpx
import jwt
import pytest
from fastapi import APIRouter
from pydantic import SecretStr

from ledgerline_events.runtime import Runtime, ServiceSettings, create_service_app
from ledgerline_events.runtime.auth import (
    ApprovalLimit,
    Authenticator,
    AuthNotConfigured,
    InvalidCredentials,
    mint_token,
    requires,
)

SECRET = "unit-test-secret-of-at-least-thirty-two-bytes"


class Settings(ServiceSettings):
    service_name: ClassVar[str] = "sample"


def authenticator(**keys: dict[str, object]) -> Authenticator:
    return Authenticator(SECRET, json.dumps(keys) if keys else None)


def test_a_good_token_names_the_caller_roles_and_approval_limit() -> None:
    token = mint_token(SECRET, "fay", ["finance"],
                       approval_limit={"amount": "5000.00", "currency": "eur"})
    caller = authenticator().from_token(token)
    assert (caller.name, caller.roles) == ("fay", frozenset({"finance"}))
    assert caller.approval_limit == ApprovalLimit(Decimal("5000.00"), "EUR")
    plain = authenticator().from_token(mint_token(SECRET, "fay", ["finance"],
                                                  approval_limit="250"))
    assert plain.approval_limit == ApprovalLimit(Decimal("250"))


def test_a_remembered_token_is_still_refused_once_it_expires() -> None:
    auth = authenticator()
    token = mint_token(SECRET, "fay", ["finance"], ttl_s=1)
    assert auth.from_token(token).name == "fay"
    assert auth.from_token(token).name == "fay"  # the second time from memory
    time.sleep(1.2)
    with pytest.raises(InvalidCredentials, match="expired"):
        auth.from_token(token)


def test_a_token_signed_with_another_secret_is_never_remembered_as_good() -> None:
    forged = mint_token("another-secret-of-at-least-thirty-two-bytes", "fay", ["admin"])
    auth = authenticator()
    for _ in range(2):
        with pytest.raises(InvalidCredentials, match="Signature"):
            auth.from_token(forged)


@pytest.mark.parametrize(("claims", "secret", "problem"), [
    ({"sub": "x", "roles": ["finance"]}, "another-secret-of-at-least-thirty-two-bytes",
     "Signature verification failed"),
    ({"sub": "x", "roles": ["finance"], "exp": 1}, SECRET, "token expired"),
    ({"sub": "x"}, SECRET, "claim 'roles'"),
    ({"sub": "x", "roles": []}, SECRET, "claim 'roles'"),
    ({"sub": "x", "roles": ["root"]}, SECRET, "unknown roles"),
    ({"roles": ["finance"]}, SECRET, "sub"),
    ({"sub": "x", "roles": ["finance"], "approval_limit": "lots"}, SECRET, "approval_limit"),
    ({"sub": "x", "roles": ["finance"], "approval_limit": "NaN"}, SECRET, "approval_limit"),
    ({"sub": "x", "roles": ["finance"], "approval_limit": "Infinity"}, SECRET, "approval_limit"),
    ({"sub": "x", "roles": ["finance"], "approval_limit": "-5"}, SECRET, "approval_limit"),
    ({"sub": "x", "roles": ["finance"], "approval_limit": {"amount": "sNaN", "currency": "EUR"}},
     SECRET, "approval_limit"),
    ({"sub": "x", "roles": ["finance"], "approval_limit": {"amount": "5", "currency": "XXX"}},
     SECRET, "approval_limit"),
    ({"sub": "x", "roles": ["finance"], "exp": None}, SECRET, "exp"),
    ({"sub": "x", "roles": ["finance"], "exp": int(time.time()) + 400 * 24 * 3600}, SECRET,
     "longer than the maximum"),
])
def test_bad_tokens_are_refused_with_the_reason(
    claims: dict[str, object], secret: str, problem: str
) -> None:
    # Valid for a minute unless the case is about `exp` (None: a token without one).
    claims = {k: v for k, v in {"exp": int(time.time()) + 60, **claims}.items() if v is not None}
    token = jwt.encode(claims, secret, algorithm="HS256")
    with pytest.raises(InvalidCredentials, match=problem):
        authenticator().from_token(token)


def test_a_token_signed_with_none_is_refused() -> None:
    unsigned = jwt.encode({"sub": "x", "roles": ["admin"], "exp": int(time.time()) + 60}, None,
                          algorithm="none")
    with pytest.raises(InvalidCredentials):
        authenticator().from_token(unsigned)


def test_api_keys_name_their_caller_and_unknown_keys_are_refused() -> None:
    keys = authenticator(k_123={"sub": "erp", "roles": ["sales-system"]})
    assert keys.from_api_key("k_123").roles == frozenset({"sales-system"})
    with pytest.raises(InvalidCredentials):
        keys.from_api_key("k_124")


def test_without_secret_or_keys_the_service_refuses_to_start() -> None:
    with pytest.raises(AuthNotConfigured, match="LEDGERLINE_AUTH_JWT_SECRET"):
        Authenticator(None, None)
    with pytest.raises(AuthNotConfigured, match="LEDGERLINE_AUTH_API_KEYS"):
        Authenticator(None, '{"k": {"sub": "x"}}')
    settings = Settings(auth_jwt_secret=None, auth_api_keys=None)
    with pytest.raises(AuthNotConfigured):
        create_service_app(Runtime(settings), [], title="sample")


def sample_app(max_bytes: int = 1024) -> httpx.AsyncClient:
    router = APIRouter()

    @router.get("/things")
    async def things() -> list[str]:
        return []

    @router.post("/things", dependencies=[requires("finance")])
    async def add_thing(body: dict[str, str]) -> dict[str, str]:
        return body

    settings = Settings(auth_jwt_secret=SecretStr(SECRET), max_request_bytes=max_bytes,
                        auth_api_keys=SecretStr('{"k1": {"sub": "erp", "roles": ["auditor"]}}'))
    app = create_service_app(Runtime(settings), [router], title="sample")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sample")


def bearer(*roles: str, **claims: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(SECRET, 'u', roles, **claims)}"}  # type: ignore[arg-type]


async def test_the_host_answers_401_without_a_caller_and_403_without_the_role() -> None:
    async with sample_app() as http:
        assert (await http.get("/health")).status_code == 200
        assert (await http.get("/openapi.json")).status_code == 200
        missing = await http.get("/things")
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
        assert missing.json()["rule"] == "authentication_required"
        assert (await http.get("/things", headers={"Authorization": "Bearer nonsense"})
                ).status_code == 401
        assert (await http.get("/things", headers={"X-API-Key": "k1"})).status_code == 200
        assert (await http.get("/things", headers={"X-API-Key": "k2"})).status_code == 401
        assert (await http.get("/things", headers=bearer("auditor"))).status_code == 200
        refused = await http.post("/things", json={"a": "b"}, headers=bearer("collector"))
        assert refused.status_code == 403 and refused.json()["rule"] == "role_required"
        assert (await http.post("/things", json={}, headers=bearer("finance"))).status_code == 200
        assert (await http.post("/things", json={}, headers=bearer("admin"))).status_code == 200
        admin_only = await http.get("/admin/replay", headers=bearer("finance"))
        assert admin_only.status_code == 403


async def test_an_oversized_body_is_refused_with_413() -> None:
    async with sample_app(max_bytes=1024) as http:
        small = await http.post("/things", json={"a": "b" * 900}, headers=bearer("finance"))
        assert small.status_code == 200
        big = await http.post("/things", json={"a": "b" * 2000}, headers=bearer("finance"))
        assert big.status_code == 413

        async def chunks():  # no Content-Length: counted as it streams
            for _ in range(4):
                yield b"x" * 512

        streamed = await http.post("/things", content=chunks(),
                                   headers={**bearer("finance"), "content-type": "application/json"})
        assert streamed.status_code == 413
