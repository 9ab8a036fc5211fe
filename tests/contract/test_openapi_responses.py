"""Every route's OpenAPI says what it answers: a schema for each success response, so the
dashboard and other teams can generate or check clients from it. The routes not typed yet are
listed; the list may only shrink (a route typed and left here fails too)."""

from __future__ import annotations

from typing import Any

import pytest

from ledgerline_ops.in_process import APPS

from .service_apps import app_of

NOT_TYPED_YET: dict[str, set[str]] = {}
# probes, Prometheus text, and the AsyncAPI document (its own specification says its shape)
RUNTIME_ROUTES = {"GET /health", "GET /ready", "GET /metrics", "GET /asyncapi.json"}


def openapi_of(service: str) -> dict[str, Any]:
    schema: dict[str, Any] = app_of(service).openapi()
    return schema


def names_a_model(schema: dict[str, Any] | None) -> bool:
    """A component, or a list of one; not `dict[str, Any]` (an object that says nothing)."""
    if not schema:
        return False
    if schema.get("type") == "array":
        return names_a_model(schema.get("items"))
    return "$ref" in schema


def a_document(content: dict[str, Any]) -> bool:
    """A PDF document, said as such (binary, its media type)."""
    return content.get("application/pdf", {}).get("schema", {}).get("format") == "binary"


def untyped_routes(schema: dict[str, Any]) -> set[str]:
    untyped = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            success = [r for code, r in operation["responses"].items() if code.startswith("2")]
            if not any(names_a_model(r.get("content", {}).get("application/json", {}).get("schema"))
                       or a_document(r.get("content", {})) for r in success):
                untyped.add(f"{method.upper()} {path}")
    return untyped - RUNTIME_ROUTES


@pytest.mark.parametrize("service", sorted(APPS))
def test_every_route_documents_the_body_it_answers(service: str) -> None:
    found = untyped_routes(openapi_of(service))
    allowed = NOT_TYPED_YET.get(service, set())
    assert found - allowed == set(), "routes without a response schema"
    assert (NOT_TYPED_YET.get(service, set()) - found) == set(), "typed now: strike from the list"
