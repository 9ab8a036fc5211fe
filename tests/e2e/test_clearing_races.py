"""Credit notes (invoicing), write-offs (collections), allocations, unallocations, reversals
and refunds (cash application) sent at once against one invoice, through the four services'
real APIs: no open amount ever goes below zero, and every service tells the same story."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledgerline_events.testing import eventually

from .agreement import invoices_disagree
from .ledger import fold, read_log
from .replay_check import quiescent
from .stack import Stack, running_stack

pytestmark = pytest.mark.integration

TODAY = date.today().isoformat()


def eur(amount: int) -> dict[str, str]:
    return {"amount": f"{amount}.00", "currency": "EUR"}


@pytest.fixture(scope="module")
async def stack(kafka_bootstrap: str, pg_dsn: str) -> AsyncIterator[Stack]:
    async with running_stack(kafka_bootstrap, pg_dsn, f"race{uuid.uuid4().hex[:8]}") as s:
        yield s


Command = tuple[str, int]
COMMANDS = st.lists(st.tuples(
    st.sampled_from(["allocate", "credit_note", "write_off", "unallocate", "reverse", "refund"]),
    st.integers(1, 120)), min_size=2, max_size=6)


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(commands=COMMANDS)
async def test_racing_commands_on_one_invoice_never_take_it_below_zero(
    stack: Stack, kafka_bootstrap: str, commands: list[Command]
) -> None:
    customer = f"C-{uuid.uuid4().hex[:8]}"
    invoice_id, payment_id = await _an_invoice_and_a_payment(stack, customer)
    allocation = await _allocate(stack, payment_id, invoice_id, 30)
    await asyncio.gather(*(_send(stack, name, amount, customer, invoice_id, payment_id,
                                 allocation) for name, amount in commands))
    runtimes = [app.state.runtime for app in stack.apps.values()]

    async def settled() -> bool:
        if not await quiescent(runtimes):
            return False
        ledger = fold(await read_log(kafka_bootstrap, stack.topics))
        return await invoices_disagree(stack.http, [invoice_id], ledger.open_per_invoice) == []

    await eventually(settled, timeout=60)
    ledger = fold(await read_log(kafka_bootstrap, stack.topics))
    assert ledger.below_zero() == {}
    assert ledger.balance[(customer, "EUR")] >= 0


async def _an_invoice_and_a_payment(stack: Stack, customer: str) -> tuple[str, str]:
    issued = await stack.call("invoicing", "POST", "/invoices", headers=_key(), json={
        "customer": {"customer_id": customer, "name": "Racer"}, "currency": "EUR",
        "issue_date": TODAY, "payment_terms": {"kind": "net", "net_days": 30},
        "lines": [{"description": "goods", "quantity": "1", "unit_price": "100.00",
                   "tax_rate": "0"}]})
    invoice_id = issued["invoice_id"]

    async def everyone_knows() -> bool:
        return all([(await stack.http[name].get(f"/invoices/{invoice_id}")).status_code == 200
                    for name in ("cash-application", "collections", "credit")])
    await eventually(everyone_knows)
    paid = await stack.call("cash-application", "POST", "/payments", headers=_key(), json={
        "amount": eur(150), "received_on": TODAY, "customer_id": customer,
        "remittance": "unmatched"})
    return invoice_id, paid["payment_id"]


async def _allocate(stack: Stack, payment_id: str, invoice_id: str, amount: int) -> str | None:
    r = await stack.http["cash-application"].post(
        f"/payments/{payment_id}/allocations", headers=_key(),
        json={"invoice_id": invoice_id, "amount": eur(amount)})
    return str(r.json()["allocation_id"]) if r.status_code == 201 else None


async def _send(stack: Stack, name: str, amount: int, customer: str, invoice_id: str,
                payment_id: str, allocation: str | None) -> None:
    """One command; a refusal (409/422/404) is a fine answer, a 5xx is not."""
    http = stack.http
    calls: dict[str, Any] = {
        "allocate": lambda: _allocate(stack, payment_id, invoice_id, amount),
        "credit_note": lambda: http["invoicing"].post(
            f"/invoices/{invoice_id}/credit-notes", headers=_key(),
            json={"amount": eur(amount), "reason": "returned goods"}),
        "write_off": lambda: http["collections"].post(
            f"/invoices/{invoice_id}/write-offs", headers=_key(),
            json={"amount": eur(amount), "reason": "insolvent", "approver": "cfo"}),
        "unallocate": lambda: http["cash-application"].delete(
            f"/payments/{payment_id}/allocations/{allocation or 'none'}", headers=_key()),
        "reverse": lambda: http["cash-application"].post(
            f"/payments/{payment_id}/reverse", headers=_key(), json={"reason": "bounced"}),
        "refund": lambda: http["cash-application"].post(
            f"/customers/{customer}/refunds", headers=_key(),
            json={"amount": eur(amount), "reason": "asked"}),
    }
    response = await calls[name]()
    if response is not None and hasattr(response, "status_code"):
        assert response.status_code < 500, f"{name}: {response.status_code} {response.text}"


def _key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}
