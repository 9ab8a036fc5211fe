"""Request-scoped dependencies, taken from the app the bootstrap built (no globals): the
service's commands and reads, the request's instant and latest business instant, its Origin."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel

from ledgerline_events.contract.business_time import business_instant
from ledgerline_events.runtime import IdempotencyKey as IdempotencyKey  # per caller
from ledgerline_events.runtime import Latest as Latest
from ledgerline_events.runtime import Now as Now
from ledgerline_events.runtime import OptionalIdempotencyKey as OptionalIdempotencyKey
from ledgerline_events.runtime import Origin, origin_of

from ..application.context import Collections


async def service(request: Request) -> Collections:
    collections: Collections = request.app.state.service
    return collections


Service = Annotated[Collections, Depends(service)]


def write_of(request: Request, key: str, body: BaseModel | None, now: datetime,
             latest: datetime) -> Origin:
    """The Origin of a collections write: its business instant is the body's `occurred_at`
    (never after `latest`), else now."""
    given = getattr(body, "occurred_at", None)
    return origin_of(request, key or None, body,
                     business_instant("occurred_at", given, None, now, latest))
