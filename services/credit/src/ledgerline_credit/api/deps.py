"""Request-scoped dependencies, taken from the app the bootstrap built (no globals): the
wired service, the request's instant and latest business instant, the headers writes take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ledgerline_credit.bootstrap import CreditService
from ledgerline_events.runtime import IdempotencyKey as IdempotencyKey  # per caller
from ledgerline_events.runtime import Latest as Latest
from ledgerline_events.runtime import Now as Now
from ledgerline_events.runtime import OptionalIdempotencyKey as OptionalIdempotencyKey


async def service(request: Request) -> CreditService:
    credit: CreditService = request.app.state.service
    return credit


Service = Annotated[CreditService, Depends(service)]
