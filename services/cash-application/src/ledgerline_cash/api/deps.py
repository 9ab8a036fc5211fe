"""Request-scoped access to the command handlers and queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request

from ..application.cash_desk import CashDesk
from ..application.queries import CashQueries
from ..config import Settings


async def _cash_desk(request: Request) -> CashDesk:
    # async: FastAPI runs a plain-def dependency in a worker thread, a hand-off per request
    runtime = request.app.state.runtime
    settings: Settings = request.app.state.settings
    return CashDesk(runtime.store, read_schema=settings.read_schema,
                    matching=request.app.state.matching, clock=request.app.state.clock,
                    tolerance=timedelta(seconds=settings.business_time_tolerance_seconds))


async def _queries(request: Request) -> CashQueries:
    runtime = request.app.state.runtime
    settings: Settings = request.app.state.settings
    return CashQueries(runtime.pool, settings.read_schema, settings.write_schema)


Desk = Annotated[CashDesk, Depends(_cash_desk)]
Queries = Annotated[CashQueries, Depends(_queries)]
