"""The dashboard's web app: server-rendered pages (Jinja2) over the services' read APIs.
Run: `uvicorn --factory ledgerline_dashboard.app:create_app --port 8100`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from ledgerline_events.runtime import token_from_environment

from . import pages
from .config import DashboardSettings
from .sources import ReadApis

HERE = Path(__file__).parent


def _today() -> date:
    return datetime.now(UTC).date()


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def create_app(settings: DashboardSettings | None = None,
               transport: httpx.AsyncBaseTransport | None = None,
               today: Callable[[], date] = _today) -> FastAPI:
    """The app; tests may pass settings, an httpx transport (fake services) and a clock."""
    settings = settings or DashboardSettings()
    # Read-only: LEDGERLINE_DASHBOARD_TOKEN, else an auditor token from the services' secret.
    token = token_from_environment("ledgerline-dashboard", ["auditor"],
                                   token_variable="LEDGERLINE_DASHBOARD_TOKEN")
    client = httpx.AsyncClient(timeout=settings.timeout_s, transport=transport,
                               limits=httpx.Limits(max_connections=20),
                               headers={"Authorization": f"Bearer {token}"} if token else None)
    apis = ReadApis(settings.service_urls(), client)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await client.aclose()

    app = FastAPI(title="ledgerline dashboard", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["service_urls"] = settings.service_urls()

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "services": await apis.health()}

    @app.get("/", response_class=HTMLResponse)
    async def overview(request: Request, as_of: Annotated[str | None, Query()] = None) -> Response:
        chosen = _parse_date(as_of)
        page = await pages.overview(apis, settings, today(), chosen)
        return templates.TemplateResponse(request, "overview.html", {"page": page,
                                          "bad_as_of": bool(as_of) and chosen is None})

    @app.get("/customers", response_class=HTMLResponse)
    async def find_customer(customer_id: str = "") -> Response:
        target = f"/customers/{customer_id.strip()}" if customer_id.strip() else "/"
        return RedirectResponse(target, status_code=303)

    @app.get("/customers/{customer_id}", response_class=HTMLResponse)
    async def customer(request: Request, customer_id: str) -> Response:
        page = await pages.customer_page(apis, customer_id, today())
        return templates.TemplateResponse(request, "customer.html", {"page": page})

    return app
