"""Tokens of a company's OpenID Connect provider (RS256, keys from its JWKS), beside our own
HS256 tokens: the provider signs in the people, we read who they are and their roles.

The provider is named by settings (`auth_oidc_issuer`, `auth_oidc_jwks_url`, optional
`auth_oidc_audience`, `auth_oidc_roles_claim`). Keys are fetched from the JWKS address when a
token names a key id we do not know yet (at most every `REFETCH_AFTER_S`), in a worker thread,
so a key rotation needs no restart. The token must carry `iss` (the issuer), `sub`, `exp`
and the roles claim (a dotted path, e.g. `realm_access.roles` for Keycloak).
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

ALGORITHMS = ["RS256"]
REFETCH_AFTER_S = 10.0


class UnknownSigningKey(Exception):
    """The token names a key the provider's JWKS does not (yet) hold."""


@dataclass(frozen=True)
class OidcProvider:
    issuer: str
    jwks_url: str
    audience: str | None = None
    roles_claim: str = "roles"


class OidcKeys:
    """The provider's signing keys by key id, refreshed when an unknown one is named."""

    def __init__(self, provider: OidcProvider) -> None:
        self.provider = provider
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")

    def wants_refresh(self, token: str) -> bool:
        """True when the token names a key we lack and the JWKS was not fetched just now."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            return False
        return (kid not in self._keys
                and time.monotonic() - self._fetched_at > REFETCH_AFTER_S)

    def refresh(self) -> None:
        """Blocking: run it in a thread. A provider out of reach keeps the keys we have."""
        self._fetched_at = time.monotonic()
        with urllib.request.urlopen(self.provider.jwks_url, timeout=5) as answer:
            document = json.load(answer)
        keys = jwt.PyJWKSet.from_dict(document).keys
        self._keys = {k.key_id: k for k in keys if k.key_id}

    def claims(self, token: str) -> dict[str, Any]:
        """The verified claims, with `roles` taken from the configured claim."""
        kid = jwt.get_unverified_header(token).get("kid")
        key = self._keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise UnknownSigningKey(f"no signing key {kid!r} at {self.provider.jwks_url}")
        p = self.provider
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=ALGORITHMS, issuer=p.issuer, audience=p.audience,
            options={"require": ["sub", "exp", "iss"], "verify_aud": p.audience is not None})
        claims["roles"] = _dotted(claims, p.roles_claim)
        return claims


def _dotted(claims: Mapping[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def is_provider_token(token: str) -> bool:
    """Our own tokens are HS256; anything signed with the provider's algorithm is its."""
    try:
        return jwt.get_unverified_header(token).get("alg") in ALGORITHMS
    except jwt.PyJWTError:
        return False
