"""A newcomer who learned one service finds everything in the others at the same place and
name: the wiring, the app factory, the request dependencies, the routers, the schemas, the
auditors' report, and one definition the host and the ops tooling both read."""

from __future__ import annotations

import importlib

import pytest

from ledgerline_events.runtime.definition import AuditReport, ServiceDefinition
from ledgerline_ops.services import SERVICES

PACKAGES = {"credit": "ledgerline_credit", "invoicing": "ledgerline_invoicing",
            "cash-application": "ledgerline_cash", "collections": "ledgerline_collections"}
MODULES = ("bootstrap", "config", "api.app", "api.deps", "api.commands", "api.queries",
           "api.schemas", "projections.audit_report")


@pytest.mark.parametrize("service", sorted(PACKAGES))
def test_every_service_has_the_same_modules(service: str) -> None:
    for module in MODULES:
        importlib.import_module(f"{PACKAGES[service]}.{module}")


@pytest.mark.parametrize("service", sorted(PACKAGES))
def test_every_service_wires_the_same_way(service: str) -> None:
    package = PACKAGES[service]
    bootstrap = importlib.import_module(f"{package}.bootstrap")
    deps = importlib.import_module(f"{package}.api.deps")
    assert callable(bootstrap.build_app) and callable(bootstrap.replay_projections)
    assert {"Service", "Now", "Latest", "IdempotencyKey"} <= set(vars(deps))
    for router_module in ("commands", "queries"):
        assert hasattr(importlib.import_module(f"{package}.api.{router_module}"), "router")


@pytest.mark.parametrize("service", sorted(PACKAGES))
def test_the_ops_tooling_reads_the_definition_the_service_gives(service: str) -> None:
    package = PACKAGES[service]
    definition = importlib.import_module(f"{package}.bootstrap").DEFINITION
    report = importlib.import_module(f"{package}.projections.audit_report").AUDIT_REPORT
    assert isinstance(definition, ServiceDefinition) and isinstance(report, AuditReport)
    assert definition.name == service and definition.audit_report is report
    assert SERVICES[service] is definition
    assert definition.audit_report.name.startswith(f"{service}.")
