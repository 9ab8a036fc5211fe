"""Request-scoped dependencies, taken from the app the bootstrap built (no globals)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

import asyncpg
import structlog
from fastapi import Depends, Header, Request

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


def dates_until(request: Request, at: Annotated[datetime, Depends(now)]) -> date:
    """The latest business date a write may carry: today plus the configured tolerance."""
    runtime: Runtime = request.app.state.runtime
    tolerance = getattr(runtime.settings, "business_date_tolerance_days", 1)
    return at.date() + timedelta(days=tolerance)


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
LatestDate = Annotated[date, Depends(dates_until)]
CorrelationId = Annotated[str | None, Depends(correlation_id)]
IdempotencyKey = Annotated[
    str,
    Header(alias="Idempotency-Key", min_length=1, max_length=200,
           description="repeat a write with the same key to get the first answer"),
]
