"""Who is looking: the dashboard shows nothing before a finance user signs in.

A person signs in with a bearer token the services accept (one `ledgerline token` prints, or
one from the company's OpenID Connect provider): the dashboard verifies it exactly as the
services do (`ledgerline_events.runtime.auth`), keeps it in an HttpOnly, SameSite=Strict
cookie until it expires, and reads the services with it, so each service applies its own
rules to that person. What each role sees follows `PANELS`; machine roles (`sales-system`)
do not sign in here at all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import parse_qs

from fastapi import Request
from ledgerline_events.runtime.auth import Authenticator, Caller, InvalidCredentials

COOKIE = "ledgerline_session"
# Panels of the overview and customer pages, by the roles that see them. Unapplied cash lists
# payers and their remittance texts: the cash desk's and the auditors' business.
PANELS: dict[str, frozenset[str]] = {
    "ageing": frozenset({"finance", "collector", "auditor", "admin"}),
    "kpis": frozenset({"finance", "collector", "auditor", "admin"}),
    "worklist": frozenset({"finance", "collector", "auditor", "admin"}),
    "disputes": frozenset({"finance", "collector", "auditor", "admin"}),
    "unapplied": frozenset({"finance", "auditor", "admin"}),
    "customer": frozenset({"finance", "collector", "auditor", "admin"}),
    "cash_position": frozenset({"finance", "collector", "auditor", "admin"}),
    "credit": frozenset({"finance", "collector", "auditor", "admin"}),
}
PEOPLE = frozenset().union(*PANELS.values())


@dataclass(frozen=True)
class Viewer:
    """A signed-in person: who, the token the services are read with, what they see."""

    caller: Caller
    token: str

    def sees(self, panel: str) -> bool:
        return bool(self.caller.roles & PANELS[panel])


class SignInRefused(Exception):
    """Why a token does not sign anyone in (shown on the sign-in page)."""


async def verify(authenticator: Authenticator, token: str) -> Viewer:
    """The person the token names, or SignInRefused with the reason."""
    token = token.strip()
    if not token:
        raise SignInRefused("Paste your access token.")
    try:
        await authenticator.refresh_provider_keys(token)
        caller = authenticator.from_token(token)
    except InvalidCredentials as exc:
        raise SignInRefused(f"This token does not sign you in: {exc}.") from exc
    if not caller.roles & PEOPLE:
        raise SignInRefused(f"The role {', '.join(sorted(caller.roles))} is for systems, not "
                            "for people: the dashboard is not open to it.")
    return Viewer(caller, token)


async def viewer_of(request: Request, authenticator: Authenticator) -> Viewer | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return await verify(authenticator, token)
    except SignInRefused:
        return None


async def posted_token(request: Request) -> tuple[str, str]:
    """The sign-in form's token and where to go next (a path of this site only)."""
    form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
    token = (form.get("token") or [""])[0]
    return token, safe_next((form.get("next") or ["/"])[0])


def safe_next(target: str) -> str:
    """Only a local path: a sign-in link must not send the person to another site."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def seconds_left(authenticator: Authenticator, token: str) -> int:
    """How long the session cookie may live: until the token expires."""
    expires = authenticator.expiry(token)
    return max(0, int(expires - time.time())) if expires is not None else 0
