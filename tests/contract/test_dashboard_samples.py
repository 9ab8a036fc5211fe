"""The dashboard's test samples are what the services really answer: each one passes the
response model of the route the dashboard reads it from, and comes back from it unchanged
(as FastAPI writes the answer: JSON mode, by alias), so a sample neither misses a field the
service answers nor carries one it does not, and writes every value as the service does."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import TypeAdapter

from .service_apps import route_of

SAMPLES_FILE = Path(__file__).resolve().parents[2] / "dashboard" / "tests" / "samples.py"


def _samples() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dashboard_test_samples", SAMPLES_FILE)
    assert spec is not None and spec.loader is not None, SAMPLES_FILE
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


S = _samples()
# (sample, service, the GET route the dashboard reads it from: dashboard/src/.../pages.py)
READS: list[tuple[str, Any, str, str]] = [
    ("AGEING", S.AGEING, "collections", "/ageing"),
    ("AGEING_OCT", S.AGEING_OCT, "collections", "/ageing"),
    ("WORKLIST", S.WORKLIST, "collections", "/worklist"),
    ("DISPUTES", S.DISPUTES, "collections", "/disputes"),
    ("kpi_report", S.kpi_report("127.33", "30.19"), "collections", "/kpis"),
    ("kpi_report_undefined", S.kpi_report(None, None), "collections", "/kpis"),
    ("ACCOUNT", S.ACCOUNT, "collections", "/customers/{customer_id}"),
    ("MASTER", S.MASTER, "collections", "/customers/{customer_id}/master"),
    ("E_INVOICES", S.E_INVOICES, "invoicing", "/e-invoices"),
    ("HISTORY", S.HISTORY, "collections", "/customers/{customer_id}/history"),
    ("FORECAST", S.FORECAST, "collections", "/cash-forecast"),
    ("WHAT_IF", S.WHAT_IF, "collections", "/dunning-what-if"),
    ("BACKTEST", S.BACKTEST, "collections", "/cash-forecast/backtest"),
    ("UNAPPLIED", S.UNAPPLIED, "cash-application", "/unapplied"),
    ("BALANCE", S.BALANCE, "cash-application", "/customers/{customer_id}/balance"),
    ("CREDIT", S.CREDIT, "credit", "/customers/{customer_id}/credit"),
]


@pytest.mark.parametrize(("sample", "service", "path"),
                         [pytest.param(s, svc, p, id=f"{name}: {svc} GET {p}")
                          for name, s, svc, p in READS])
def test_sample_is_the_answer_of_the_route(sample: Any, service: str, path: str) -> None:
    model: Any = route_of(service, "GET", path).response_model
    answer: TypeAdapter[Any] = TypeAdapter(model)
    written = answer.dump_python(answer.validate_python(sample), mode="json", by_alias=True)
    assert written == sample
