"""What each role may and may not do, per service (README "Access control"): an allowed
request gets past access control (any answer but 401/403, never a 500), a refused one is
403 naming the rule; no credentials is 401 everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

LIMIT = {"limit": "1000.00", "set_by": "fay", "reason": "new customer"}
CHECK = {"customer_id": "C-1", "order_ref": "SO-1", "amount": {"amount": "10.00", "currency": "EUR"}}
CALL = {"contact_person": "Ann", "outcome": "no_answer", "collector": "cole"}
Request = tuple[str, str, str, dict[str, Any] | None]  # service, method, path, json

# role: [(allowed request), ...], [(refused request), ...]; at least one of each per service.
MAY: dict[str, list[Request]] = {
    "sales-system": [
        ("credit", "POST", "/credit-checks", CHECK),
        ("invoicing", "GET", "/invoices", None),
        ("cash-application", "GET", "/unapplied", None),
        ("collections", "GET", "/worklist", None),
    ],
    "finance": [
        ("credit", "PUT", "/customers/C-1/credit-limits/EUR", LIMIT),
        ("credit", "POST", "/customers/C-1/holds", {"placed_by": "fay"}),
        ("invoicing", "POST", "/invoices", {}),
        ("cash-application", "POST", "/payments", {}),
        ("collections", "POST", "/disputes/d-unknown/resolve", {}),
        ("collections", "POST", "/invoices/i-unknown/disputes", {}),
    ],
    "collector": [
        ("credit", "GET", "/customers/C-1/credit", None),
        ("invoicing", "GET", "/invoices/i-unknown", None),
        ("cash-application", "GET", "/customers/C-1/balance", None),
        ("collections", "POST", "/customers/C-1/calls", CALL),
        ("collections", "POST", "/invoices/i-unknown/disputes", {}),
    ],
    "auditor": [
        ("credit", "GET", "/customers/C-1/credit", None),
        ("invoicing", "GET", "/invoices", None),
        ("cash-application", "GET", "/payments/p-unknown", None),
        ("collections", "GET", "/disputes", None),
    ],
    "admin": [
        ("credit", "POST", "/customers/C-1/holds", {"placed_by": "ada"}),
        ("invoicing", "GET", "/admin/replay", None),
        ("cash-application", "POST", "/payments", {}),
        ("collections", "POST", "/dunning-runs", {}),
    ],
}
MAY_NOT: dict[str, list[Request]] = {
    "sales-system": [
        ("credit", "PUT", "/customers/C-1/credit-limits/EUR", LIMIT),
        ("invoicing", "POST", "/invoices", {}),
        ("cash-application", "POST", "/payments", {}),
        ("collections", "POST", "/customers/C-1/calls", CALL),
    ],
    "finance": [
        ("credit", "POST", "/credit-checks", CHECK),
        ("invoicing", "POST", "/admin/replay", {}),
        ("cash-application", "POST", "/admin/replay", {}),
        ("collections", "POST", "/customers/C-1/calls", CALL),
    ],
    "collector": [
        ("credit", "POST", "/customers/C-1/holds", {"placed_by": "cole"}),
        ("invoicing", "POST", "/invoices/i-1/cancel", {}),
        ("cash-application", "POST", "/statements?format=csv", None),
        ("collections", "POST", "/invoices/i-1/write-offs", {}),
    ],
    "auditor": [
        ("credit", "PUT", "/customers/C-1/credit-limits/EUR", LIMIT),
        ("invoicing", "POST", "/invoices/i-1/credit-notes", {}),
        ("cash-application", "DELETE", "/payments/p-1/allocations/a-1", None),
        ("collections", "POST", "/dunning-runs", {}),
    ],
    "admin": [],
}


async def send(services: dict[str, httpx.AsyncClient], request: Request,
               headers: dict[str, str]) -> httpx.Response:
    service, method, path, body = request
    key = {"Idempotency-Key": f"access-{method}-{path}-{headers.get('Authorization', '')[-12:]}"}
    return await services[service].request(method, path, json=body, headers={**headers, **key})


@pytest.fixture(scope="module")
def services(in_process: Any) -> dict[str, httpx.AsyncClient]:
    clients: dict[str, httpx.AsyncClient] = in_process.clients
    return clients


@pytest.mark.parametrize("role", sorted(MAY))
async def test_what_each_role_may_and_may_not_do(
    role: str, services: dict[str, httpx.AsyncClient],
    auth_headers: Callable[..., dict[str, str]],
) -> None:
    headers = auth_headers(role, sub=f"a-{role}")
    for request in MAY[role]:
        answer = await send(services, request, headers)
        assert answer.status_code not in (401, 403) and answer.status_code < 500, (
            role, request, answer.status_code, answer.text)
    for request in MAY_NOT[role]:
        answer = await send(services, request, headers)
        assert answer.status_code == 403, (role, request, answer.status_code, answer.text)
        assert answer.json()["rule"] == "role_required"
    if role != "admin":
        assert {s for s, *_ in MAY[role]} == {s for s, *_ in MAY_NOT[role]} == set(services)


async def test_without_credentials_everything_but_operations_is_401(
    services: dict[str, httpx.AsyncClient], token: Callable[..., str],
) -> None:
    expired = {"Authorization": f"Bearer {token('admin', ttl_s=-10)}"}
    for name, client in services.items():
        assert (await client.get("/health")).status_code == 200
        for request in MAY["auditor"] + MAY_NOT["auditor"]:
            if request[0] == name:
                assert (await send(services, request, {})).status_code == 401
                assert (await send(services, request, expired)).status_code == 401
