"""The JSON Schemas committed for other teams are exactly what the contract exports: a change
to an event without `make schemas` fails here, not in a consumer's build."""

from __future__ import annotations

from pathlib import Path

from ledgerline_events.contract.schema_export import DEFAULT_FOLDER, export


def test_committed_schemas_equal_the_contract(tmp_path: Path) -> None:
    exported = {p.name: p.read_text() for p in export(tmp_path)}
    committed = {p.name: p.read_text() for p in DEFAULT_FOLDER.glob("*.schema.json")}
    assert sorted(committed) == sorted(exported), "run `make schemas` and commit the result"
    stale = [name for name, text in exported.items() if committed[name] != text]
    assert not stale, f"stale schemas (run `make schemas`): {stale}"
