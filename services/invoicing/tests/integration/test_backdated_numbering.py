"""Backdated documents keep each series continuous and chronological: a manual invoice dated
before the series' last numbered one is refused (422, field and rule), a delivery reported
late is invoiced on the last numbered date, another series has its own order, and no
document is dated after today."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ledgerline_events.testing import eventually

from .invoicing_service import Service, delivered
from .test_invoice_api import manual_invoice, post

pytestmark = pytest.mark.integration


async def test_numbers_follow_issue_dates_in_each_series(service: Service) -> None:
    july = await post(service, "/invoices", manual_invoice(issue_date="2026-07-01"), "n-1")
    assert july.json()["invoice_number"] == "INV-2026-000001"

    backdated = await post(service, "/invoices", manual_invoice(issue_date="2026-01-05"), "n-2")
    assert backdated.status_code == 422
    assert backdated.json()["field"] == "issue_date"
    assert backdated.json()["rule"] == "not_chronological"
    assert "chronological" in backdated.json()["detail"]

    other_series = await post(service, "/invoices",
                              manual_invoice(issue_date="2026-01-05", series="HIST"), "n-3")
    assert other_series.json()["invoice_number"] == "HIST-2026-000001"
    same_day = await post(service, "/invoices", manual_invoice(issue_date="2026-07-01"), "n-4")
    assert same_day.json()["invoice_number"] == "INV-2026-000002"  # no gap from the refusal

    await service.publish(service.topics.sales_inbound,
                          delivered("SO-LATE", on=date(2026, 1, 5)))

    async def invoiced() -> list[dict[str, str]]:
        return [i for i in await service.invoices() if i.get("sales_order_id") == "SO-LATE"]

    (late,) = await eventually(invoiced)
    assert (late["invoice_number"], late["issue_date"]) == ("INV-2026-000003", "2026-07-01")


async def test_no_document_is_dated_after_today(service: Service) -> None:
    far = (date.today() + timedelta(days=30)).isoformat()
    refused = await post(service, "/invoices", manual_invoice(issue_date=far), "f-1")
    assert refused.status_code == 422
    assert (refused.json()["field"], refused.status_code) == ("issue_date", 422)
