"""The dashboard's web app: server-rendered pages (Jinja2) over the services' read APIs.
Run: `uvicorn --factory ledgerline_dashboard.app:create_app --port 8100`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import httpx
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from ledgerline_events.runtime.auth import Authenticator, authenticator_from
from ledgerline_events.runtime.settings import AuthSettings

from . import pages, signin
from .config import DashboardSettings
from .signin import Viewer
from .sources import ReadApis
from .tables import as_csv, as_xlsx, tables_in

HERE = Path(__file__).parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS_HERE = "<!--ledgerline:downloads-->"  # in base.html: the page is rendered once


def attachment(filename: str) -> dict[str, str]:
    """A download's header; the name in ASCII and in UTF-8 (RFC 6266), customer ids may not be."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'")
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                                   f"filename*=UTF-8''{quote(filename, safe='')}"}


def _today() -> date:
    return datetime.now(UTC).date()


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def create_app(settings: DashboardSettings | None = None,
               transport: httpx.AsyncBaseTransport | None = None,
               today: Callable[[], date] = _today,
               authenticator: Authenticator | None = None) -> FastAPI:
    """The app; tests may pass settings, an httpx transport (fake services), a clock and the
    authenticator (default: the services' own settings, LEDGERLINE_AUTH_*)."""
    settings = settings or DashboardSettings()
    auth = authenticator or authenticator_from(AuthSettings())
    client = httpx.AsyncClient(timeout=settings.timeout_s, transport=transport,
                               limits=httpx.Limits(max_connections=20))
    apis = ReadApis(settings.service_urls(), client)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await client.aclose()

    app = FastAPI(title="ledgerline dashboard", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["service_urls"] = settings.service_urls()

    def page_answer(request: Request, template: str, stem: str, context: dict[str, Any]
                    ) -> Response:
        """The page, or its tables (`?download=xlsx`: all, a sheet each; `?download=csv&table=N`:
        the Nth), read back from the page as rendered so the figures are the page's."""
        asked = request.query_params.get("download")
        html = templates.get_template(template).render({**context, "request": request})
        found = tables_in(html)
        if asked == "xlsx":
            return Response(as_xlsx(found, stem), media_type=XLSX,
                            headers=attachment(f"{stem}.xlsx"))
        if asked == "csv":
            number = request.query_params.get("table", "1")
            if not number.isdigit() or not 1 <= int(number) <= len(found):
                return Response(f"No table {number} on this page ({len(found)} tables).",
                                status_code=404)
            return Response(as_csv(found[int(number) - 1]), media_type="text/csv; charset=utf-8",
                            headers=attachment(f"{stem}-table-{number}.csv"))
        downloads = [(n, t.name) for n, t in enumerate(found, start=1)]
        nav = templates.get_template("_downloads.html").render(request=request,
                                                               downloads=downloads)
        return HTMLResponse(html.replace(DOWNLOADS_HERE, nav, 1))

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "services": await apis.health()}

    def sign_in_page(request: Request, problem: str | None = None, next_path: str = "/",
                     status: int = 401) -> Response:
        return templates.TemplateResponse(
            request, "sign_in.html", {"problem": problem, "next": signin.safe_next(next_path)},
            status_code=status)

    async def signed_in(request: Request) -> Viewer | Response:
        viewer = await signin.viewer_of(request, auth)
        if viewer is None:
            wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return sign_in_page(request, next_path=wanted)
        return viewer

    @app.get("/sign-in", response_class=HTMLResponse)
    async def sign_in_form(request: Request, next: str = "/") -> Response:
        return sign_in_page(request, next_path=next, status=200)

    @app.post("/sign-in", response_class=HTMLResponse)
    async def sign_in(request: Request) -> Response:
        token, next_path = await signin.posted_token(request)
        try:
            viewer = await signin.verify(auth, token)
        except signin.SignInRefused as refused:
            return sign_in_page(request, str(refused), next_path)
        answer = RedirectResponse(next_path, status_code=303)
        answer.set_cookie(signin.COOKIE, viewer.token, max_age=signin.seconds_left(auth, token),
                          httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return answer

    @app.post("/sign-out")
    async def sign_out() -> Response:
        answer = RedirectResponse("/sign-in", status_code=303)
        answer.delete_cookie(signin.COOKIE)
        return answer

    @app.get("/", response_class=HTMLResponse)
    async def overview(request: Request, as_of: Annotated[str | None, Query()] = None) -> Response:
        viewer = await signed_in(request)
        if not isinstance(viewer, Viewer):
            return viewer
        chosen = _parse_date(as_of)
        page = await pages.overview(apis.as_viewer(viewer.token), settings, today(), chosen,
                                    with_unapplied=viewer.sees("unapplied"))
        return page_answer(request, "overview.html", f"overview-{today()}", {
            "page": page, "viewer": viewer, "bad_as_of": bool(as_of) and chosen is None})

    @app.get("/forecast", response_class=HTMLResponse)
    async def cash_forecast(request: Request) -> Response:
        """The cash forecast, and how the forecasts of past dates fared (the back-test)."""
        viewer = await signed_in(request)
        if not isinstance(viewer, Viewer):
            return viewer
        page = await pages.forecast_page(apis.as_viewer(viewer.token), today())
        return page_answer(request, "forecast.html", f"forecast-{today()}",
                           {"page": page, "viewer": viewer})

    @app.get("/what-if", response_class=HTMLResponse)
    async def dunning_what_if(request: Request) -> Response:
        """Another dunning ladder over a past period, against what the live one did."""
        viewer = await signed_in(request)
        if not isinstance(viewer, Viewer):
            return viewer
        asked = {k: v for k, v in request.query_params.items()
                 if k in ("from", "to", "days_after_due", "minimum")}
        page = await pages.what_if_page(apis.as_viewer(viewer.token), asked)
        return page_answer(request, "what_if.html", "dunning-what-if",
                           {"page": page, "viewer": viewer})

    @app.get("/customers", response_class=HTMLResponse)
    async def find_customer(request: Request, customer_id: str = "") -> Response:
        viewer = await signed_in(request)
        if not isinstance(viewer, Viewer):
            return viewer
        target = f"/customers/{customer_id.strip()}" if customer_id.strip() else "/"
        return RedirectResponse(target, status_code=303)

    @app.get("/customers/{customer_id}", response_class=HTMLResponse)
    async def customer(request: Request, customer_id: str) -> Response:
        viewer = await signed_in(request)
        if not isinstance(viewer, Viewer):
            return viewer
        page = await pages.customer_page(apis.as_viewer(viewer.token), customer_id, today())
        return page_answer(request, "customer.html", f"customer-{customer_id}-{today()}",
                           {"page": page, "viewer": viewer})

    async def document(request: Request, service: str, path: str, name: str) -> Response:
        """A document (a PDF, an e-invoice's XML), fetched from the service that owns it as the
        signed-in person."""
        viewer = await signed_in(request)
        if not isinstance(viewer, Viewer):
            return viewer
        found = await apis.as_viewer(viewer.token).document(service, path)
        if found is None:
            return Response(f"No such document, or {service} is not reachable.", status_code=404)
        content, media_type = found
        extension = "xml" if "xml" in media_type else "pdf"
        return Response(content, media_type=media_type,
                        headers={"Content-Disposition": f'inline; filename="{name}.{extension}"'})

    @app.get("/customers/{customer_id}/letters/{reminder_id}.pdf")
    async def letter_pdf(request: Request, customer_id: str, reminder_id: str) -> Response:
        return await document(request, "collections",
                              f"/reminders/{quote(reminder_id, safe='')}/pdf", reminder_id)

    @app.get("/customers/{customer_id}/agency-handovers/{handover_id}.pdf")
    async def agency_file_pdf(request: Request, customer_id: str, handover_id: str) -> Response:
        return await document(request, "collections",
                              f"/customers/{quote(customer_id, safe='')}/agency-handovers/"
                              f"{quote(handover_id, safe='')}/pdf", handover_id)

    @app.get("/e-invoices/{document_id}")
    async def e_invoice(request: Request, document_id: str) -> Response:
        return await document(request, "invoicing",
                              f"/e-invoices/{quote(document_id, safe='')}", document_id)

    @app.get("/invoices/{invoice_id}.pdf")
    async def invoice_pdf(request: Request, invoice_id: str) -> Response:
        return await document(request, "invoicing",
                              f"/invoices/{quote(invoice_id, safe='')}/pdf", invoice_id)

    return app
