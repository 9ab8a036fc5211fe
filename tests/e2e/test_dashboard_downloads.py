"""Every dashboard table downloads as CSV and XLSX: the dashboard over the four real services
(in process, on the real broker and database), a finance user signed in; the workbook opens
with openpyxl (a maintained reader, not the writer's own library) and its ageing totals are
the collections API's, to the cent."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import httpx
import openpyxl
import pytest
from fastapi import FastAPI
from ledgerline_dashboard.app import create_app
from ledgerline_dashboard.config import DashboardSettings
from ledgerline_dashboard.signin import COOKIE

from ledgerline_events.runtime.auth import Authenticator, mint_token
from ledgerline_events.testing import eventually

from .stack import Stack, running_stack
from .test_ar_invariant import ACME, BRIE, VINO, delivery

pytestmark = pytest.mark.integration
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ToTheServices(httpx.AsyncBaseTransport):
    """The dashboard's reads go to the in-process service apps, by host name."""

    def __init__(self, apps: dict[str, FastAPI]) -> None:
        self.by_host = {name: httpx.ASGITransport(app=app) for name, app in apps.items()}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.by_host[request.url.host].handle_async_request(request)


@pytest.fixture
async def stack(kafka_bootstrap: str, pg_dsn: str, unique_id: str) -> AsyncIterator[Stack]:
    async with running_stack(kafka_bootstrap, pg_dsn, f"e2e{unique_id}") as s:
        yield s


async def test_a_downloaded_workbook_opens_and_its_ageing_totals_are_the_api_s(
    stack: Stack,
) -> None:
    await stack.publish(stack.topics.sales_inbound, [
        delivery("O-X1", ACME, "EUR", "1234.56", date(2026, 8, 3)),
        delivery("O-X2", BRIE, "EUR", "300.10", date(2026, 10, 20)),
        delivery("O-X3", VINO, "USD", "999.99", date(2026, 11, 2))])

    async def ageing() -> dict[str, Decimal] | None:
        found = await stack.call("collections", "GET", "/ageing")
        totals = {c: Decimal(f["total"]) for c, f in found["currencies"].items()}
        return totals if sum(totals.values()) == Decimal("2534.65") else None
    from_api = await eventually(ageing)

    secret = os.environ["LEDGERLINE_AUTH_JWT_SECRET"]
    settings = DashboardSettings(credit_url="http://credit", invoicing_url="http://invoicing",
                                 cash_application_url="http://cash-application",
                                 collections_url="http://collections")
    app = create_app(settings, transport=ToTheServices(stack.apps),
                     authenticator=Authenticator(secret, None))
    cookies = {COOKIE: mint_token(secret, "fay@finance.example", ["finance"])}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://dash",
                                 cookies=cookies) as browser:
        page = await browser.get("/")
        assert page.status_code == 200 and "data-download-xlsx" in page.text
        workbook = await browser.get("/", params={"download": "xlsx"})
        assert workbook.status_code == 200 and workbook.headers["content-type"] == XLSX
        assert "attachment" in workbook.headers["content-disposition"]
        book = openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True)
        totals: dict[str, Decimal] = {}
        for sheet in book.worksheets:
            if sheet.title.startswith("Ageing by bucket · "):
                rows = list(sheet.iter_rows(values_only=True))
                assert rows[0][:2] == ("Bucket", "Today")
                total = next(r for r in rows if r[0] == "Total")[1]
                totals[sheet.title.rsplit(" ", 1)[-1]] = Decimal(str(total)).quantize(
                    Decimal("0.01"))
        assert totals == from_api, (book.sheetnames, totals)

        first = await browser.get("/", params={"download": "csv", "table": 1})
        assert first.status_code == 200 and first.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(first.content.decode("utf-8-sig"))))
        assert rows[0][:2] == ["Bucket", "Today"]
        assert Decimal(next(r for r in rows if r[0] == "Total")[1]) == from_api["EUR"]
        assert (await browser.get("/", params={"download": "csv", "table": 99})).status_code == 404

        customer = await browser.get("/customers/C-ACME", params={"download": "xlsx"})
        sheets = openpyxl.load_workbook(io.BytesIO(customer.content), read_only=True).sheetnames
        assert sheets[:2] == ["Open items", "Credit"], sheets
