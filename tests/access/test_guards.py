"""Business-flow guards across the services (README "Access control"): an Idempotency-Key is
its caller's own; machine roles do not read payers' bank accounts; tokens must expire soon
enough and carry a bounded approval limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest

pytestmark = pytest.mark.integration
Headers = Callable[..., dict[str, str]]
PAYMENT = {"amount": {"amount": "125.00", "currency": "EUR"}, "received_on": "2026-03-05",
           "payer_name": "Unknown Payer GmbH", "payer_account": "DE89370400440532013000",
           "remittance": "no reference at all"}


async def test_a_key_reused_by_another_caller_never_returns_the_first_callers_answer(
    in_process: Any, auth_headers: Headers,
) -> None:
    cash = in_process.clients["cash-application"]
    fay = {**auth_headers("finance", sub="fay"), "Idempotency-Key": "shared-key-1"}
    gus = {**auth_headers("finance", sub="gus"), "Idempotency-Key": "shared-key-1"}
    first = await cash.post("/payments", json=PAYMENT, headers=fay)
    again = await cash.post("/payments", json=PAYMENT, headers=fay)
    other = await cash.post("/payments", json=PAYMENT, headers=gus)
    assert first.status_code == again.status_code == other.status_code == 201, other.text
    assert again.json() == first.json()  # the same caller's repeat: the first answer
    assert other.json()["payment_id"] != first.json()["payment_id"]
    other_body = await cash.post("/payments", json={**PAYMENT, "remittance": "x"}, headers=gus)
    assert other_body.status_code == 422  # gus's own key, another body


async def test_machine_roles_do_not_read_payers_bank_accounts(
    in_process: Any, auth_headers: Headers,
) -> None:
    cash = in_process.clients["cash-application"]
    made = await cash.post("/payments", json=PAYMENT,
                           headers={**auth_headers("finance"), "Idempotency-Key": "bank-1"})
    payment_id = made.json()["payment_id"]
    for role, sees in [("finance", True), ("auditor", True), ("collector", True),
                       ("sales-system", False)]:
        headers = auth_headers(role, sub=f"r-{role}")
        one = (await cash.get(f"/payments/{payment_id}", headers=headers)).json()
        queue = (await cash.get("/unapplied", headers=headers)).json()["payments"]
        listed = next(p for p in queue if p["payment_id"] == payment_id)
        expected = PAYMENT["payer_account"] if sees else None
        assert one["payer_account"] == listed["payer_account"] == expected, role
        assert one["payer_name"] == PAYMENT["payer_name"]  # the name stays: not a bank detail


# `exp` as seconds from when the test runs (not from collection: a long suite outlives it).
@pytest.mark.parametrize(("exp_in", "claims", "problem"), [
    (None, {}, 'missing the "exp" claim'),
    (30 * 24 * 3600, {}, "longer than the maximum"),
    (600, {"approval_limit": "Infinity"}, "approval_limit"),
    (600, {"approval_limit": "NaN"}, "approval_limit"),
])
async def test_tokens_must_expire_soon_enough_and_limits_be_numbers(
    exp_in: int | None, claims: dict[str, Any], problem: str, in_process: Any, auth_secret: str,
) -> None:
    expiry = {} if exp_in is None else {"exp": int(time.time()) + exp_in}
    token = jwt.encode({"sub": "fay", "roles": ["finance"], **expiry, **claims}, auth_secret,
                       algorithm="HS256")
    for client in in_process.clients.values():
        answer = await client.get("/admin/replay", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401 and problem in answer.json()["detail"], answer.text
