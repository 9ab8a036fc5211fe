"""One truth per invoice: its open amount and status read the same in the four services, and
equal the log's (tests/e2e/ledger.py). Used by the e2e tests and the fault soak."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import httpx

SERVICES = ("invoicing", "cash-application", "collections", "credit")


async def invoices_disagree(
    clients: Mapping[str, httpx.AsyncClient], invoice_ids: Iterable[str],
    open_in_log: Mapping[str, Decimal],
) -> list[str]:
    """Every disagreement between the services (or with the log), one line each."""
    wrong: list[str] = []
    for invoice_id in invoice_ids:
        seen: dict[str, dict[str, Any]] = {}
        for name in SERVICES:
            response = await clients[name].get(f"/invoices/{invoice_id}")
            if response.status_code != 200:
                wrong.append(f"invoice {invoice_id}: {name} answers {response.status_code}")
                continue
            seen[name] = response.json()
        opens = {name: _open_amount(view) for name, view in seen.items()}
        statuses = {name: view["status"] for name, view in seen.items()}
        if set(opens.values()) != {open_in_log[invoice_id]}:
            wrong.append(f"invoice {invoice_id}: open {opens}, log {open_in_log[invoice_id]}")
        if len(set(statuses.values())) > 1:
            wrong.append(f"invoice {invoice_id}: status {statuses}")
    return wrong


def _open_amount(view: dict[str, Any]) -> Decimal:
    figure = view["outstanding"] if "outstanding" in view else view["open_amount"]
    return Decimal(figure["amount"] if isinstance(figure, dict) else figure)
