"""No endpoint left open by mistake: every route of every service app requires a signed-in
caller, except the public operations pages, and every write names the roles that may call
it, as in the README's access-control table."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts

from ledgerline_events.runtime.auth import RoleCheck, authenticate

APPS = {
    "credit": "ledgerline_credit.api.app",
    "invoicing": "ledgerline_invoicing.api.app",
    "cash-application": "ledgerline_cash.api.app",
    "collections": "ledgerline_collections.api.app",
}
PUBLIC = {"/health", "/ready", "/metrics", "/docs", "/docs/oauth2-redirect", "/openapi.json",
          "/asyncapi.json",  # the event contract, public as the OpenAPI document is
          "/redoc"}
ADMIN = {("POST", "/admin/replay"): {"admin"}, ("GET", "/admin/replay"): {"admin"}}
WRITES = {
    "credit": {
        ("PUT", "/customers/{customer_id}/credit-limits/{currency}"): {"finance"},
        ("POST", "/credit-checks"): {"sales-system"},
        ("POST", "/customers/{customer_id}/holds"): {"finance"},
        ("POST", "/customers/{customer_id}/holds/{hold_id}/release"): {"finance"},
    },
    "invoicing": {
        ("POST", "/invoices"): {"finance"},
        ("POST", "/invoices/{invoice_id}/credit-notes"): {"finance"},
        ("POST", "/invoices/{invoice_id}/cancel"): {"finance"},
        ("POST", "/e-invoices/{document_id}/transmissions"): {"finance"},
    },
    "cash-application": {
        ("POST", "/payments"): {"finance"},
        ("POST", "/statements"): {"finance"},
        ("POST", "/payments/{payment_id}/allocations"): {"finance"},
        ("DELETE", "/payments/{payment_id}/allocations/{allocation_id}"): {"finance"},
        ("POST", "/payments/{payment_id}/reverse"): {"finance"},
        ("POST", "/payments/{payment_id}/refunds"): {"finance"},
        ("POST", "/customers/{customer_id}/refunds"): {"finance"},
    },
    "collections": {
        ("POST", "/dunning-runs"): {"collector"},
        ("PUT", "/reference-rates/{valid_from}"): {"finance"},
        ("POST", "/invoices/{invoice_id}/late-interest/claims"): {"finance"},
        ("POST", "/invoices/{invoice_id}/late-interest/waivers"): {"finance"},
        ("PUT", "/customers/{customer_id}/interest-terms"): {"finance"},
        ("POST", "/dunning-runs/{run_id}/approve"): {"collector"},
        ("POST", "/reminders/{reminder_id}/void"): {"collector"},
        ("POST", "/promises/evaluate"): {"collector"},
        ("POST", "/customers/{customer_id}/calls"): {"collector"},
        ("POST", "/customers/{customer_id}/promises"): {"collector"},
        ("POST", "/invoices/{invoice_id}/disputes"): {"collector", "finance"},
        ("POST", "/disputes/{dispute_id}/resolve"): {"finance"},
        ("POST", "/invoices/{invoice_id}/write-offs"): {"finance"},
        ("POST", "/write-offs/{write_off_id}/approve"): {"finance"},
        ("POST", "/write-offs/{write_off_id}/recoveries"): {"finance"},
        ("PUT", "/customers/{customer_id}/details"): {"collector", "finance"},
        ("PUT", "/customers/{customer_id}/contacts/{contact_id}"): {"collector", "finance"},
        ("DELETE", "/customers/{customer_id}/contacts/{contact_id}"): {"collector", "finance"},
        ("POST", "/customers/{customer_id}/personal-data/erase"): {"finance"},
        ("POST", "/invoices/{invoice_id}/copies"): {"collector", "finance"},
        ("POST", "/customers/{customer_id}/agency-handovers"): {"finance"},
    },
}


def calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from calls(sub)


def route_table(app: FastAPI) -> Iterator[tuple[str, str, bool, set[str] | None]]:
    """(method, path, authenticates, roles named or None) for every route."""
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        found = list(calls(dependant)) if dependant is not None else []
        checks = [c for c in found if isinstance(c, RoleCheck)]
        roles = set().union(*(c.roles for c in checks)) if checks else None
        for method in sorted(route.methods or {"GET"}):
            if method != "HEAD":
                yield method, str(route.path), authenticate in found, roles


@pytest.mark.parametrize("service", sorted(APPS))
def test_every_route_but_the_public_ones_requires_a_caller_and_writes_name_roles(
    service: str,
) -> None:
    app = importlib.import_module(APPS[service]).create_app()
    writes: dict[tuple[str, str], set[str]] = {}
    for method, path, authenticates, roles in route_table(app):
        if path in PUBLIC:
            assert method == "GET" and not authenticates, (method, path)
            continue
        assert authenticates, f"{service}: {method} {path} is open to anyone"
        if method != "GET" or path.startswith("/admin"):
            assert roles, f"{service}: {method} {path} names no roles"
            writes[(method, path)] = roles
        else:
            assert roles is None, f"{service}: read {path} limited to {roles}"
    assert writes == {**ADMIN, **WRITES[service]}
