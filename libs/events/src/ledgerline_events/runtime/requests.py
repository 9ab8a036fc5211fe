"""What every write route takes from its request, the same in every service: the instant it
arrived (the app's clock, which tests may set), the latest business instant it may carry, and
its Origin (key, fingerprint of exactly what was asked, business instant, correlation id)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated

import structlog
from fastapi import Depends, Request
from pydantic import BaseModel

from ledgerline_events.contract.base import Actor, ActorKind

from .commands import Origin

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def clock_of(request: Request) -> Clock:
    clock: Clock = getattr(request.app.state, "clock", utc_now)
    return clock


async def now(request: Request) -> datetime:
    # async: FastAPI runs a plain-def dependency in a worker thread, a hand-off per request
    return clock_of(request)()


async def latest_instant(request: Request, at: Annotated[datetime, Depends(now)]) -> datetime:
    """Now plus the settings' tolerance (callers' clocks drift); dates may be up to its date."""
    tolerance = request.app.state.runtime.settings.business_time_tolerance_seconds
    return at + timedelta(seconds=tolerance)


Now = Annotated[datetime, Depends(now)]
Latest = Annotated[datetime, Depends(latest_instant)]


def fingerprint_of(request: Request, asked: BaseModel | None) -> str:
    """Two requests are 'the same' for an idempotency key when method, path, query and the
    validated body agree (so key order and spacing of the JSON do not matter)."""
    body = asked.model_dump_json() if asked is not None else ""
    raw = "\x1f".join((request.method, request.url.path, request.url.query, body))
    return hashlib.sha256(raw.encode()).hexdigest()


def origin_of(request: Request, key: str | None, asked: BaseModel | None,
              occurred_at: datetime) -> Origin:
    """The Origin of a write; its events carry the request's correlation id (the host's
    middleware binds one when the caller sent none) and the authenticated caller."""
    correlation = structlog.contextvars.get_contextvars().get("correlation_id")
    caller = getattr(request.state, "caller", None)
    actor = (Actor(kind=ActorKind.CALLER, subject=caller.name, roles=tuple(sorted(caller.roles)))
             if caller is not None else None)
    return Origin(key, fingerprint_of(request, asked), occurred_at,
                  str(correlation) if correlation else None, actor=actor)
