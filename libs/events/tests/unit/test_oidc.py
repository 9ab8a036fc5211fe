"""Tokens of an OpenID Connect provider (RS256, keys from its JWKS) beside our own HS256
ones. The provider is played by the test: an RSA key it generates, its JWKS served over HTTP
on the loopback, tokens it signs. No database: the host is built but never started."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter
from pydantic import SecretStr

from ledgerline_events.runtime import Runtime, ServiceSettings, create_service_app, mint_token, oidc
from ledgerline_events.runtime.auth import CurrentCaller, requires

SECRET = "unit-test-secret-of-at-least-thirty-two-bytes"
ISSUER = "https://id.example.test/realms/finance"


class Provider:
    """Signs tokens with keys it generated and publishes their public halves as a JWKS."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.fetches = 0
        self.rotate("k1")

    def rotate(self, kid: str) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict[str, Any]:
        self.fetches += 1
        found = []
        for kid, key in self.keys.items():
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            found.append({**public, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": found}

    def token(self, kid: str = "k1", *, ttl_s: int = 300, **claims: Any) -> str:
        body = {"iss": ISSUER, "sub": "fay@example.test", "aud": "ledgerline",
                "exp": int(time.time()) + ttl_s,
                "realm_access": {"roles": ["finance"]}, **claims}
        return jwt.encode(body, self.keys[kid], algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def provider() -> Iterator[tuple[Provider, str]]:
    idp = Provider()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(idp.jwks()).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield idp, f"http://127.0.0.1:{server.server_port}/protocol/openid-connect/certs"
    finally:
        server.shutdown()
        server.server_close()


class Settings(ServiceSettings):
    service_name: ClassVar[str] = "sample"


def app_trusting(jwks_url: str) -> httpx.AsyncClient:
    router = APIRouter()

    @router.post("/things", dependencies=[requires("finance")])
    async def who(caller: CurrentCaller) -> dict[str, Any]:
        return {"name": caller.name, "roles": sorted(caller.roles)}

    settings = Settings(auth_jwt_secret=SecretStr(SECRET), auth_oidc_issuer=ISSUER,
                        auth_oidc_jwks_url=jwks_url, auth_oidc_audience="ledgerline",
                        auth_oidc_roles_claim="realm_access.roles")
    app = create_service_app(Runtime(settings), [router], title="sample")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sample")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_providers_tokens_and_our_own_are_both_accepted(
    provider: tuple[Provider, str],
) -> None:
    idp, url = provider
    async with app_trusting(url) as http:
        theirs = await http.post("/things", headers=bearer(idp.token()))
        assert theirs.status_code == 200, theirs.text
        assert theirs.json() == {"name": "fay@example.test", "roles": ["finance"]}
        ours = await http.post("/things", headers=bearer(mint_token(SECRET, "gus", ["finance"])))
        assert ours.status_code == 200 and ours.json()["name"] == "gus"


async def test_a_rotated_key_is_fetched_when_a_token_names_it(
    provider: tuple[Provider, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    idp, url = provider
    monkeypatch.setattr(oidc, "REFETCH_AFTER_S", 0.0)  # else at most one fetch per 10 s
    async with app_trusting(url) as http:
        assert (await http.post("/things", headers=bearer(idp.token()))).status_code == 200
        idp.rotate("k2")  # no restart: the unknown kid makes the service fetch the JWKS again
        rotated = await http.post("/things", headers=bearer(idp.token("k2")))
        assert rotated.status_code == 200, rotated.text
        assert idp.fetches == 2


@pytest.mark.parametrize(("change", "problem"), [
    ({"iss": "https://someone-else.example/"}, "issuer"),
    ({"aud": "another-app"}, "Audience"),
    ({"realm_access": {"roles": ["root"]}}, "unknown roles"),
    ({"ttl_s": -10}, "expired"),
    ({"ttl_s": 30 * 24 * 3600}, "longer than the maximum"),
])
async def test_provider_tokens_are_checked_like_ours(
    provider: tuple[Provider, str], change: dict[str, Any], problem: str,
) -> None:
    idp, url = provider
    async with app_trusting(url) as http:
        answer = await http.post("/things", headers=bearer(idp.token(**change)))
        assert answer.status_code == 401 and problem in answer.json()["detail"], answer.text


async def test_a_token_signed_by_a_key_the_provider_does_not_publish_is_refused(
    provider: tuple[Provider, str],
) -> None:
    idp, url = provider
    stranger = Provider()  # same kid "k1", another key
    async with app_trusting(url) as http:
        answer = await http.post("/things", headers=bearer(stranger.token()))
        assert answer.status_code == 401 and "Signature" in answer.json()["detail"]
        assert idp.fetches == 1
