"""Every refusal from every service answers in one documented body (`Problem`): detail, rule,
field, errors, location. Each kind of bad request is sent to each of the four services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.integration

SERVICES = ("credit", "invoicing", "cash-application", "collections")
# A write route of each service and a path naming something that does not exist.
WRITE = {
    "credit": ("PUT", "/customers/C-1/credit-limits/EUR"),
    "invoicing": ("POST", "/invoices"),
    "cash-application": ("POST", "/payments"),
    "collections": ("POST", "/customers/C-1/calls"),
}
UNKNOWN = {
    "credit": ("POST", "/customers/C-1/holds/h-unknown/release", {"released_by": "fay",
                                                                    "reason": "paid"}),
    "invoicing": ("POST", "/invoices/i-unknown/cancel", {"reason": "mistake"}),
    "cash-application": ("POST", "/payments/p-unknown/reverse", {"reason": "bounced"}),
    "collections": ("POST", "/disputes/d-unknown/resolve", {"outcome": "customer_liable"}),
}
KEYS = {"detail", "rule", "field", "errors", "location"}


def assert_problem(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json"), answer.text
    body: dict[str, Any] = answer.json()
    assert set(body) == KEYS, body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert isinstance(body["rule"], str) and body["rule"], body
    assert body["field"] is None or isinstance(body["field"], str), body
    assert isinstance(body["errors"], list), body
    for error in body["errors"]:
        assert set(error) >= {"loc", "msg", "type"}, body
    return body


@pytest.mark.parametrize("service", SERVICES)
async def test_each_kind_of_bad_request_answers_in_the_one_problem_body(
    service: str, in_process: Any, auth_headers: Callable[..., dict[str, str]],
) -> None:
    http: httpx.AsyncClient = in_process.clients[service]
    admin = auth_headers("admin")
    method, path = WRITE[service]
    key = {"Idempotency-Key": f"problem-{service}"}

    anonymous = await http.request(method, path, json={}, headers={"Authorization": ""})
    assert_problem(anonymous, 401)
    forbidden = await http.request(method, path, json={}, headers={**auth_headers("auditor"), **key})
    assert assert_problem(forbidden, 403)["rule"] == "role_required"

    not_json = await http.request(method, path, content=b"{amount: 1", headers={
        **admin, **key, "Content-Type": "application/json"})
    assert_problem(not_json, 422)
    nan = await http.request(method, path, content=b'{"amount": NaN}', headers={
        **admin, **key, "Content-Type": "application/json"})
    assert assert_problem(nan, 422)["rule"] == "strict_json"
    invalid = await http.request(method, path, json={"unexpected": True}, headers={**admin, **key})
    body = assert_problem(invalid, 422)
    assert body["errors"] and body["field"], body

    no_route = await http.get("/no-such-page", headers=admin)
    assert assert_problem(no_route, 404)["rule"] == "not_found"
    wrong_method = await http.request("PATCH", path, json={}, headers=admin)
    assert assert_problem(wrong_method, 405)["rule"] == "method_not_allowed"

    u_method, u_path, u_body = UNKNOWN[service]
    unknown = await http.request(u_method, u_path, json=u_body,
                                 headers={**admin, "Idempotency-Key": f"unknown-{service}"})
    assert_problem(unknown, 404)


async def test_every_documented_error_answer_is_the_problem_body(in_process: Any) -> None:
    for service, app in in_process.apps.items():
        spec = app.openapi()
        assert "Problem" in spec["components"]["schemas"], service
        for path, operations in spec["paths"].items():
            if path in ("/health", "/ready", "/metrics"):
                continue
            for method, operation in operations.items():
                for status, answer in operation["responses"].items():
                    if status.startswith(("4", "5")):
                        schema = answer["content"]["application/json"]["schema"]
                        assert schema == {"$ref": "#/components/schemas/Problem"}, (
                            service, method, path, status)


# The reports that take a business instant (`as_of`).
REPORTS = {"cash-application": "/customers/C-1/balance", "collections": "/ageing"}


@pytest.mark.parametrize(("service", "path"), REPORTS.items())
async def test_a_report_instant_out_of_bounds_is_refused_naming_the_query(
    service: str, path: str, in_process: Any, auth_headers: Callable[..., dict[str, str]],
) -> None:
    http: httpx.AsyncClient = in_process.clients[service]
    admin = auth_headers("admin")
    for as_of, rule in [("2300-01-01", "date_outside_window"),
                        ("9999-12-31T23:59:59-12:00", "date_outside_window"),
                        ("2026-06-01T00:00:00", "timezone_required")]:
        body = assert_problem(await http.get(path, params={"as_of": as_of}, headers=admin), 422)
        assert (body["field"], body["rule"]) == ("as_of", rule), body
        assert body["errors"][0]["loc"] == ["query", "as_of"], body
