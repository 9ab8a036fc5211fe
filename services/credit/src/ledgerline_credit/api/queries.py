"""Read endpoints: the customer credit view, from the read model only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, HTTPException, Path

from ledgerline_credit.adapters import read_model
from ledgerline_credit.domain.decision import available_credit
from ledgerline_credit.domain.exposure import days_overdue
from ledgerline_events.contract.money import quantize
from ledgerline_events.runtime import set_search_path

from .deps import Now, Service
from .schemas import CustomerCreditOut, InvoiceOut

router = APIRouter(tags=["credit"])


@router.get("/customers/{customer_id}/credit",
            summary="Limit, exposure, available credit, holds, risk score and history",
            response_model=CustomerCreditOut)
async def customer_credit(service: Service, now: Now,
                          customer_id: str = Path(min_length=1, max_length=64)) -> Any:
    async with service.store.pool.acquire() as conn, conn.transaction():
        await set_search_path(conn, service.settings.read_schema)
        rows = await read_model.credit_view(conn, customer_id)
    if not any(rows.values()):
        raise HTTPException(404, f"no credit information on customer {customer_id}")
    return present(customer_id, rows, now.date())


@router.get("/invoices/{invoice_id}", summary="An invoice's open amount and status",
            response_model=InvoiceOut)
async def invoice(service: Service, invoice_id: str = Path(min_length=1, max_length=64)) -> Any:
    async with service.store.pool.acquire() as conn, conn.transaction():
        await set_search_path(conn, service.settings.read_schema)
        view = await read_model.invoice_view(conn, invoice_id)
    if view is None:
        raise HTTPException(404, f"no invoice {invoice_id}")
    return view


def present(customer_id: str, rows: dict[str, Any], today: date) -> dict[str, Any]:
    limits = {r["currency"]: r["amount"] for r in rows["limits"]}
    exposure = {r["currency"]: r for r in rows["exposure"]}
    currencies = sorted(set(limits) | set(exposure))
    oldest = min((r["oldest_due_date"] for r in rows["exposure"] if r["oldest_due_date"]),
                 default=None)
    standing = rows["standing"][0] if rows["standing"] else {"risk_score": 0}
    return {
        "customer_id": customer_id,
        "currencies": [_per_currency(c, limits.get(c), exposure.get(c)) for c in currencies],
        "oldest_overdue_days": days_overdue(oldest, today),
        "risk_score": standing["risk_score"],
        "payment_behaviour": {k: v for k, v in standing.items() if k != "risk_score"},
        "active_holds": [h for h in rows["holds"] if not h["released"]],
        "released_holds": [h for h in rows["holds"] if h["released"]],
        "limit_history": rows["limit_history"],
        "recent_decisions": rows["decisions"],
    }


def _per_currency(currency: str, limit: Decimal | None,
                  row: dict[str, Any] | None) -> dict[str, Any]:
    open_ar = row["open_ar"] if row else Decimal(0)
    open_orders = row["open_orders"] if row else Decimal(0)
    total = open_ar + open_orders
    available = available_credit(limit, total)
    amounts = {
        "limit": limit, "open_ar": open_ar, "open_orders": open_orders, "exposure": total,
        "available": available, "disputed": row["disputed"] if row else Decimal(0),
    }
    shown = {k: quantize(v, currency) if v is not None else None for k, v in amounts.items()}
    return {"currency": currency, **shown}
