"""Request-scoped dependencies, taken from the app the bootstrap built (no globals)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Annotated

import asyncpg
import structlog
from fastapi import Depends, Header, Request

from ledgerline_events.runtime import IdempotencyKey as IdempotencyKey  # per caller
from ledgerline_events.runtime import Runtime, set_search_path
from ledgerline_invoicing.application.commands import Invoicing


def invoicing(request: Request) -> Invoicing:
    app_invoicing: Invoicing = request.app.state.invoicing
    return app_invoicing


async def read_connection(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """A read-only transaction on the projections' schema."""
    runtime: Runtime = request.app.state.runtime
    assert runtime.pool is not None
    async with runtime.pool.acquire() as conn, conn.transaction(readonly=True):
        await set_search_path(conn, runtime.settings.read_schema)
        yield conn


def now() -> datetime:
    return datetime.now(UTC)


def latest_instant(request: Request, at: Annotated[datetime, Depends(now)]) -> datetime:
    """The latest business instant a write may carry: now plus the settings' tolerance
    (callers' clocks drift); dates may be up to its date."""
    runtime: Runtime = request.app.state.runtime
    return at + timedelta(seconds=runtime.settings.business_time_tolerance_seconds)


def correlation_id(
    x_correlation_id: Annotated[str | None, Header(max_length=128)] = None,
) -> str | None:
    """The request's correlation id (the host's middleware makes one up if none was sent),
    carried by the events the request records."""
    bound = structlog.contextvars.get_contextvars().get("correlation_id")
    return x_correlation_id or (str(bound) if bound else None)


InvoicingDep = Annotated[Invoicing, Depends(invoicing)]
ReadConn = Annotated[asyncpg.Connection, Depends(read_connection)]
Now = Annotated[datetime, Depends(now)]
Latest = Annotated[datetime, Depends(latest_instant)]
CorrelationId = Annotated[str | None, Depends(correlation_id)]
