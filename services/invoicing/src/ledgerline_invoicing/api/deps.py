"""Request-scoped dependencies, taken from the app the bootstrap built (no globals): the
service's commands, the read side, and the request's instant and latest business instant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from ledgerline_events.runtime import IdempotencyKey as IdempotencyKey  # per caller
from ledgerline_events.runtime import Latest as Latest
from ledgerline_events.runtime import Now as Now
from ledgerline_events.runtime import Runtime, set_search_path
from ledgerline_invoicing.application.commands import Invoicing


async def service(request: Request) -> Invoicing:
    app_invoicing: Invoicing = request.app.state.service
    return app_invoicing


async def reads(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """A read-only transaction on the projections' schema."""
    runtime: Runtime = request.app.state.runtime
    assert runtime.pool is not None
    async with runtime.pool.acquire() as conn, conn.transaction(readonly=True):
        await set_search_path(conn, runtime.settings.read_schema)
        yield conn


Service = Annotated[Invoicing, Depends(service)]
Reads = Annotated[asyncpg.Connection, Depends(reads)]
