"""Read endpoints: open items, balances, clearing, unapplied cash and payments, from the read
model only (they trail the write side by the consumer's lag). Open to any signed-in caller;
bank details only for those allowed to see them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from ledgerline_events.runtime import CurrentCaller
from ledgerline_events.runtime.auth import without_bank_details
from ledgerline_events.runtime.edges import AsOf, KnownAt

from .deps import Reads
from .schemas import Balance, InvoiceClearing, OpenItems, PaymentDetail, Unapplied

router = APIRouter(tags=["read"])


@router.get("/customers/{customer_id}/open-items", response_model=OpenItems,
           summary="The customer's invoices with something to pay, oldest due first")
async def open_items(
    customer_id: str, queries: Reads, as_of: AsOf = None, known_at: KnownAt = None
) -> dict[str, Any]:
    return {"customer_id": customer_id, "as_of": as_of, "known_at": known_at,
            "open_items": await queries.open_items(customer_id, as_of, known_at)}


@router.get("/customers/{customer_id}/balance", response_model=Balance,
           summary="What the customer owes and holds on account, per currency")
async def balance(
    customer_id: str, queries: Reads, as_of: AsOf = None, known_at: KnownAt = None
) -> dict[str, Any]:
    return {"customer_id": customer_id, "as_of": as_of, "known_at": known_at,
            "currencies": await queries.balance(customer_id, as_of, known_at)}


@router.get("/invoices/{invoice_id}", summary="An invoice as clearing sees it",
           response_model=InvoiceClearing)
async def invoice(invoice_id: str, queries: Reads) -> dict[str, Any]:
    found = await queries.invoice(invoice_id)
    if found is None:
        raise HTTPException(404, f"no invoice {invoice_id}")
    return found


@router.get("/unapplied", response_model=Unapplied,
           summary="Cash waiting for a person: unidentified payers first, then credit on account")
async def unapplied(queries: Reads, caller: CurrentCaller) -> dict[str, Any]:
    return {"payments": without_bank_details(await queries.unapplied(), caller)}


@router.get("/payments/{payment_id}", response_model=PaymentDetail,
           summary="A payment and its allocations")
async def payment(payment_id: str, queries: Reads, caller: CurrentCaller) -> dict[str, Any]:
    found = await queries.payment(payment_id)
    if found is None:
        raise HTTPException(404, f"no payment {payment_id}")
    answer: dict[str, Any] = without_bank_details(found, caller)
    return answer
