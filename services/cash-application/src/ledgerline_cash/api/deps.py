"""Request-scoped dependencies, taken from the app the bootstrap built (no globals): the cash
desk (commands), the read side, and the request's instant and latest business instant."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ledgerline_events.runtime import IdempotencyKey as IdempotencyKey  # per caller
from ledgerline_events.runtime import Latest as Latest
from ledgerline_events.runtime import Now as Now

from ..application.cash_desk import CashDesk
from ..application.queries import CashQueries
from ..config import Settings


async def service(request: Request) -> CashDesk:
    # async: FastAPI runs a plain-def dependency in a worker thread, a hand-off per request
    runtime = request.app.state.runtime
    settings: Settings = runtime.settings
    return CashDesk(runtime.store, read_schema=settings.read_schema,
                    matching=request.app.state.matching)


async def reads(request: Request) -> CashQueries:
    runtime = request.app.state.runtime
    settings: Settings = runtime.settings
    return CashQueries(runtime.pool, settings.read_schema, settings.write_schema)


Service = Annotated[CashDesk, Depends(service)]
Reads = Annotated[CashQueries, Depends(reads)]
