"""What a statement import answers: each entry, what was recorded, and whether the file
itself was seen before."""

from __future__ import annotations

from typing import Any


def imported(entries: list[dict[str, Any]], file: str) -> dict[str, Any]:
    """The answer to a file imported for the first time (its entries may still be
    duplicates: the same statement inside another file)."""
    return {"entries": entries,
            "recorded": sum(1 for e in entries if not e["duplicate"]),
            "duplicates": sum(1 for e in entries if e["duplicate"]),
            "file": {"fingerprint": file, "imported_before": False}}


def same_file(first: dict[str, Any]) -> dict[str, Any]:
    """The answer to a file imported before, byte for byte: its first answer, every entry a
    duplicate, nothing recorded."""
    entries = [{**e, "duplicate": True} for e in first.get("entries", [])]
    return {**first, "entries": entries, "recorded": 0, "duplicates": len(entries),
            "file": {**first.get("file", {}), "imported_before": True}}
