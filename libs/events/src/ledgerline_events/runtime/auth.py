"""Who is calling, and may they: bearer JWTs (HS256 with the shared secret, or RS256 from an
OpenID Connect provider, see oidc.py) or API keys, and roles per route. A token must expire
(`exp`) within the configured maximum lifetime; an approval limit must be a bounded number.

Every route a service registers through the host requires an authenticated `Caller`
(`authenticate`); write routes name the roles that may call them (`requires(...)`). `admin`
may do everything. Secrets come only from the environment (`ServiceSettings.auth_*`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import jwt
import structlog
from fastapi import Depends, Header, Request
from fastapi.params import Depends as DependsParam
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import SecretStr

from ledgerline_events.contract.money import check_currency
from ledgerline_events.contract.values import ValueRefused, value_policy

from .oidc import OidcKeys, OidcProvider, UnknownSigningKey, is_provider_token
from .settings import AuthSettings

log = structlog.get_logger("ledgerline.auth")
ROLES = frozenset({"sales-system", "finance", "collector", "auditor", "admin"})
ADMIN = "admin"
ALGORITHM = "HS256"
VERIFIED_TOKENS_KEPT = 1024  # distinct callers' tokens; the table starts afresh beyond
MAX_TOKEN_LIFETIME_S = 24 * 3600  # settings: auth_max_token_lifetime_s
CLOCK_SKEW_S = 60


class AuthNotConfigured(RuntimeError):
    """A service must not start without a way to check callers (fail closed)."""


class AccessRefused(Exception):
    """401 (who are you?) or 403 (not you): answered by the host as {"detail", "rule"}."""

    def __init__(self, status: int, detail: str, rule: str) -> None:
        super().__init__(detail)
        self.status, self.detail, self.rule = status, detail, rule


class InvalidCredentials(Exception):
    """The token or key is missing, malformed, badly signed, expired or names no role."""


@dataclass(frozen=True)
class ApprovalLimit:
    """The most one caller may approve at once (write-offs): `amount` in `currency`, or the
    same amount in any currency when `currency` is None."""

    amount: Decimal
    currency: str | None = None


@dataclass(frozen=True)
class Caller:
    name: str
    roles: frozenset[str]
    approval_limit: ApprovalLimit | None = None

    def has_any(self, roles: Iterable[str]) -> bool:
        return ADMIN in self.roles or bool(self.roles & set(roles))


class Authenticator:
    """Checks bearer tokens against the shared secret and API keys against the configured
    table. Build it once per app from the settings."""

    def __init__(self, jwt_secret: str | None, api_keys: str | None, *,
                 max_token_lifetime_s: int = MAX_TOKEN_LIFETIME_S,
                 provider: OidcProvider | None = None) -> None:
        self._secret = jwt_secret or None
        self._keys = _api_key_table(api_keys) if api_keys else {}
        self._verified: dict[str, tuple[Caller, float]] = {}
        self.max_token_lifetime_s = max_token_lifetime_s
        self.provider_keys = OidcKeys(provider) if provider is not None else None
        if self._secret is None and not self._keys and provider is None:
            raise AuthNotConfigured(
                "no authentication configured: set LEDGERLINE_AUTH_JWT_SECRET (bearer tokens), "
                "LEDGERLINE_AUTH_OIDC_ISSUER + LEDGERLINE_AUTH_OIDC_JWKS_URL (an OpenID Connect "
                "provider's tokens) or LEDGERLINE_AUTH_API_KEYS (JSON {key: {sub, roles}}); "
                "the service refuses to start open")

    async def refresh_provider_keys(self, token: str) -> None:
        """Fetch the provider's keys (in a thread) when the token names one we lack."""
        keys = self.provider_keys
        if keys is not None and is_provider_token(token) and keys.wants_refresh(token):
            try:
                await asyncio.to_thread(keys.refresh)
            except (OSError, ValueError, jwt.PyJWTError) as exc:
                log.warning("auth.jwks_unreachable", url=keys.provider.jwks_url, error=repr(exc))

    def from_token(self, token: str) -> Caller:
        # A client sends the same token with every request; verifying it costs more than a
        # small command's own work. What was verified is kept only until its expiry.
        known = self._verified.get(token)
        if known is not None and time.time() < known[1]:
            return known[0]
        try:
            claims = self._verified_claims(token)
        except jwt.ExpiredSignatureError as exc:
            raise InvalidCredentials("token expired") from exc
        except (jwt.PyJWTError, UnknownSigningKey) as exc:
            raise InvalidCredentials(f"invalid token: {exc}") from exc
        return self._remember(token, claims, caller_from_claims(claims))

    def _verified_claims(self, token: str) -> dict[str, Any]:
        if self.provider_keys is not None and is_provider_token(token):
            return self.provider_keys.claims(token)
        if self._secret is None:
            raise InvalidCredentials("tokens signed with the shared secret are not accepted here")
        claims: dict[str, Any] = jwt.decode(token, self._secret, algorithms=[ALGORITHM],
                                            options={"require": ["sub", "exp"]})
        return claims

    def expiry(self, token: str) -> float | None:
        """When a token verified before expires (None: not verified, or forgotten)."""
        known = self._verified.get(token)
        return known[1] if known is not None else None

    def _remember(self, token: str, claims: Mapping[str, Any], caller: Caller) -> Caller:
        """A token living longer than the maximum is refused: a leaked one must die soon."""
        expires = float(claims["exp"])
        if expires - time.time() > self.max_token_lifetime_s + CLOCK_SKEW_S:
            raise InvalidCredentials(
                f"token lives longer than the maximum of {self.max_token_lifetime_s} s")
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.clear()
        self._verified[token] = (caller, expires)
        return caller

    def from_api_key(self, key: str) -> Caller:
        for known, caller in self._keys.items():
            if hmac.compare_digest(known.encode(), key.encode()):
                return caller
        raise InvalidCredentials("unknown API key")


def authenticator_from(settings: AuthSettings) -> Authenticator:
    """The authenticator the settings describe (raises AuthNotConfigured if they name none)."""
    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None
    return Authenticator(secret(settings.auth_jwt_secret), secret(settings.auth_api_keys),
                         max_token_lifetime_s=settings.auth_max_token_lifetime_s,
                         provider=settings.oidc_provider())


def caller_from_claims(claims: Mapping[str, Any]) -> Caller:
    name, roles = claims.get("sub"), claims.get("roles")
    if not isinstance(name, str) or not name:
        raise InvalidCredentials("claim 'sub' must name the caller")
    if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
        raise InvalidCredentials("claim 'roles' must be a non-empty list of roles")
    unknown = set(roles) - ROLES
    if unknown:
        raise InvalidCredentials(f"unknown roles {sorted(unknown)}; known: {sorted(ROLES)}")
    return Caller(name, frozenset(roles), _approval_limit(claims.get("approval_limit")))


def _approval_limit(value: Any) -> ApprovalLimit | None:
    if value is None:
        return None
    try:
        if isinstance(value, str):
            limit = ApprovalLimit(Decimal(value))
        elif isinstance(value, dict) and isinstance(value.get("currency"), str):
            limit = ApprovalLimit(Decimal(str(value["amount"])),
                                  check_currency(value["currency"].upper()))
        else:
            raise InvalidCredentials("approval_limit is a decimal string or "
                                     "{\"amount\": \"...\", \"currency\": \"EUR\"}")
        # "NaN" would compare as an error, "Infinity" as no limit at all.
        value_policy().amount(limit.amount, "approval_limit", limit.currency)
    except (InvalidOperation, KeyError, ValueError, ValueRefused) as exc:
        raise InvalidCredentials(f"bad approval_limit {value!r}: {exc}") from exc
    if limit.amount < 0:
        raise InvalidCredentials(f"bad approval_limit {value!r}: negative")
    return limit


def _api_key_table(raw: str) -> dict[str, Caller]:
    try:
        table = json.loads(raw)
        assert isinstance(table, dict)
        return {str(key): caller_from_claims(entry) for key, entry in table.items()}
    except (ValueError, AssertionError, InvalidCredentials) as exc:
        raise AuthNotConfigured(
            f"LEDGERLINE_AUTH_API_KEYS must be JSON {{key: {{sub, roles}}}}: {exc}") from exc


def mint_token(secret: str, sub: str, roles: Iterable[str], *, ttl_s: int | None = 3600,
               approval_limit: str | Mapping[str, str] | None = None) -> str:
    """A signed bearer token (for tests, the ops command and local tools)."""
    claims: dict[str, Any] = {"sub": sub, "roles": sorted(roles), "iat": int(time.time())}
    if ttl_s is not None:
        claims["exp"] = int(time.time()) + ttl_s
    if approval_limit is not None:
        claims["approval_limit"] = approval_limit
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def machine_credentials(sub: str, jwt_secret: SecretStr | None, api_key: SecretStr | None,
                        ttl_s: int = 300) -> Callable[[], dict[str, str]]:
    """Headers that sign one service in to another as a read-only machine caller (`auditor`):
    a short-lived token signed with the shared secret, else the API key the settings give."""
    def headers() -> dict[str, str]:
        if jwt_secret:
            token = mint_token(jwt_secret.get_secret_value(), sub, ["auditor"], ttl_s=ttl_s)
            return {"Authorization": f"Bearer {token}"}
        return {"X-API-Key": api_key.get_secret_value()} if api_key else {}
    return headers


def token_from_environment(sub: str, roles: Iterable[str], *, token_variable: str =
                           "LEDGERLINE_AUTH_TOKEN") -> str | None:
    """For local tools: the token in `token_variable` if set, else one minted from
    LEDGERLINE_AUTH_JWT_SECRET (valid 24 h); None when neither is set."""
    if token := os.environ.get(token_variable):
        return token
    if secret := os.environ.get("LEDGERLINE_AUTH_JWT_SECRET"):
        return mint_token(secret, sub, roles, ttl_s=24 * 3600)
    return None


_bearer = HTTPBearer(auto_error=False, description="JWT with claims sub, roles, exp: HS256 "
                     "(the shared secret) or RS256 (the OpenID Connect provider's keys)")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False)


def _unauthorised(detail: str) -> AccessRefused:
    return AccessRefused(401, detail, "authentication_required")


async def authenticate(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Caller:
    """The caller of this request, or 401."""
    authenticator: Authenticator = request.app.state.authenticator
    try:
        if bearer is not None:
            await authenticator.refresh_provider_keys(bearer.credentials)
            caller = authenticator.from_token(bearer.credentials)
        elif api_key:
            caller = authenticator.from_api_key(api_key)
        else:
            raise _unauthorised("send Authorization: Bearer <token> or X-API-Key")
    except InvalidCredentials as exc:
        raise _unauthorised(str(exc)) from exc
    request.state.caller = caller  # the actor its writes' events name (requests.origin_of)
    return caller


CurrentCaller = Annotated[Caller, Depends(authenticate)]


class RoleCheck:
    """A route dependency admitting callers with one of `roles` (or admin); 403 otherwise."""

    def __init__(self, roles: Iterable[str]) -> None:
        self.roles = frozenset(roles)
        if not self.roles <= ROLES:
            raise ValueError(f"unknown roles {sorted(self.roles - ROLES)}")

    async def __call__(self, caller: CurrentCaller) -> Caller:
        if not caller.has_any(self.roles):
            allowed = " or ".join(sorted(self.roles | {ADMIN}))
            raise AccessRefused(403, f"{caller.name} may not do this: role {allowed} required",
                                "role_required")
        return caller


def requires(*roles: str) -> DependsParam:
    """`dependencies=[requires("finance")]` on a route: only these roles (and admin)."""
    dependency: DependsParam = Depends(RoleCheck(roles))
    return dependency


def scoped_key(caller: str, key: str) -> str:
    """A client's Idempotency-Key is its own: another caller reusing it must not receive the
    first caller's answer. A fixed-length suffix keeps the key's prefix (operators select
    by it) and cannot be forged by choosing a key."""
    return f"{key}@{hashlib.sha256(caller.encode()).hexdigest()[:32]}"


_KEY_HEADER = Header(alias="Idempotency-Key", min_length=1, max_length=200,
                     description="repeat a write with the same key to get the first answer "
                                 "(keys are per caller)")


async def _idempotency_key(caller: CurrentCaller,
                           key: Annotated[str, _KEY_HEADER]) -> str:
    return scoped_key(caller.name, key)


async def _optional_idempotency_key(caller: CurrentCaller,
                                    key: Annotated[str | None, _KEY_HEADER] = None) -> str | None:
    return scoped_key(caller.name, key) if key is not None else None


IdempotencyKey = Annotated[str, Depends(_idempotency_key)]
OptionalIdempotencyKey = Annotated[str | None, Depends(_optional_idempotency_key)]


# Roles of people. Machine roles (`sales-system`) read what they need to decide, never the
# payers' bank accounts.
PEOPLE = frozenset({"finance", "collector", "auditor", "admin"})
BANK_DETAILS = frozenset({"payer_account", "iban", "bank_account"})


def without_bank_details(data: Any, caller: Caller) -> Any:
    """`data` as the caller may read it: bank account fields blanked for machine roles."""
    if caller.roles & PEOPLE:
        return data
    if isinstance(data, dict):
        return {k: None if k in BANK_DETAILS else without_bank_details(v, caller)
                for k, v in data.items()}
    if isinstance(data, list):
        return [without_bank_details(v, caller) for v in data]
    return data
