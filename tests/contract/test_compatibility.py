"""The contract's compatibility rules (libs/events/README.md), checked against the lock that
`make schemas` keeps: what was published is never taken back, and every change that is not
purely additive is a new version with its upcaster."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from ledgerline_events.contract import compatibility
from ledgerline_events.contract.schema_export import main as make_schemas

LOCK_FILE = Path(__file__).resolve().parents[2] / "libs/events/contract.lock.json"


@pytest.fixture
def lock() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(LOCK_FILE.read_text())
    return found


def test_the_event_classes_keep_every_published_field_and_make_schemas_locked_them(
    lock: dict[str, Any],
) -> None:
    assert compatibility.problems(lock) == []
    assert compatibility.locked(lock) == lock, "run `make schemas`"


def test_removing_a_field_is_refused(lock: dict[str, Any]) -> None:
    published = copy.deepcopy(lock)
    published["invoicing.InvoiceIssued"]["v4"]["fields"].append("po_number")  # since removed
    assert compatibility.problems(published) == [
        "invoicing.InvoiceIssued v4: field po_number removed (a new version and an upcaster "
        "are needed)"]


def test_a_new_required_field_needs_a_new_version(lock: dict[str, Any]) -> None:
    published = copy.deepcopy(lock)
    published["sales.OrderCancelled"]["v1"]["fields"].remove("reason")  # optional: fine
    assert compatibility.problems(published) == []
    published["sales.OrderCancelled"]["v1"]["fields"].remove("order_id")  # required: not
    assert compatibility.problems(published) == [
        "sales.OrderCancelled v1: new field order_id is required (make it optional, or a new "
        "version and an upcaster)"]


def test_a_new_version_without_its_upcaster_and_a_dropped_event_type_are_refused(
    lock: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
) -> None:
    without = {k: v for k, v in compatibility.UPCASTERS.items()
               if k != ("cash-application.PaymentReceived", 2)}
    monkeypatch.setattr(compatibility, "UPCASTERS", without)
    published = {**lock, "sales.OrderAmended": {"v1": {"fields": [], "required": []}}}
    assert compatibility.problems(published) == [
        "cash-application.PaymentReceived: no upcaster from v2 to v3",
        "sales.OrderAmended: removed; an event type once published stays"]


def test_make_schemas_refuses_a_breaking_change_and_writes_nothing(
    lock: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    published = copy.deepcopy(lock)
    published["sales.OrderDelivered"]["v3"]["fields"].append("incoterms")
    (tmp_path / "contract.lock.json").write_text(json.dumps(published))
    monkeypatch.setattr(sys, "argv", ["ledgerline-export-schemas", str(tmp_path / "schemas")])
    with pytest.raises(SystemExit) as refused:
        make_schemas()
    assert refused.value.code == 1
    assert not (tmp_path / "schemas").exists() and not (tmp_path / "asyncapi.json").exists()
