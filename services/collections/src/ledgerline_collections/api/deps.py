"""Dependencies of the routers: the application context, the clock, the write envelope."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel

from ledgerline_events.contract.business_time import not_in_the_future
from ledgerline_events.runtime import IdempotencyKey as IdempotencyKey  # per caller
from ledgerline_events.runtime import OptionalIdempotencyKey as OptionalIdempotencyKey
from ledgerline_events.runtime import Origin

from ..application.context import Collections

Clock = Callable[[], datetime]


def get_collections(request: Request) -> Collections:
    collections: Collections = request.app.state.collections
    return collections


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


App = Annotated[Collections, Depends(get_collections)]
Now = Annotated[Clock, Depends(get_clock)]


def write_of(request: Request, key: str, body: BaseModel, now: datetime) -> Origin:
    """The write envelope: key, fingerprint of this exact request, business instant (never
    after now, give or take the configured tolerance)."""
    occurred_at = getattr(body, "occurred_at", None) or now
    latest = now + get_collections(request).time_tolerance
    not_in_the_future("occurred_at", occurred_at, latest)
    raw = f"{request.method} {request.url.path} {body.model_dump_json()}".encode()
    return Origin(key, hashlib.sha256(raw).hexdigest(), occurred_at)
