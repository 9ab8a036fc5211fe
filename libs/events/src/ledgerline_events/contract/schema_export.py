"""Writes a JSON Schema per event (and the envelope) and the AsyncAPI document so other teams
can produce and consume without our Python code: ``ledgerline-export-schemas [FOLDER]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from . import compatibility
from .asyncapi import document as asyncapi_document
from .base import Envelope
from .catalogue import EVENT_TYPES

DEFAULT_FOLDER = Path(__file__).resolve().parents[3] / "schemas"
ASYNCAPI_FILE = "asyncapi.json"  # beside the schemas' folder: libs/events/asyncapi.json
LOCK_FILE = "contract.lock.json"  # what was published, per type and version (compatibility.py)


def event_schema(event_type: str) -> dict[str, Any]:
    cls = EVENT_TYPES[event_type]
    envelope = Envelope.model_json_schema()
    envelope["properties"]["payload"] = cls.model_json_schema()
    envelope["properties"]["event_type"] = {"const": event_type}
    envelope["properties"]["schema_version"] = {"const": cls.schema_version}
    envelope["title"] = event_type
    envelope["description"] = (cls.__doc__ or "").strip()
    return envelope


def export(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for event_type, cls in sorted(EVENT_TYPES.items()):
        path = folder / f"{event_type}.v{cls.schema_version}.schema.json"
        path.write_text(json.dumps(event_schema(event_type), indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written


def export_asyncapi(path: Path) -> Path:
    path.write_text(json.dumps(asyncapi_document(), indent=2, sort_keys=True) + "\n")
    return path


def main() -> None:
    """Refuses (exit 1, nothing written) a change that breaks the locked contract."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FOLDER
    lock_file = folder.parent / LOCK_FILE
    lock = json.loads(lock_file.read_text()) if lock_file.exists() else {}
    broken = compatibility.problems(lock)
    if broken:
        print("\n".join(["refused: the contract would break (libs/events/README.md):", *broken]),
              file=sys.stderr)
        sys.exit(1)
    for path in export(folder):
        print(path)
    print(export_asyncapi(folder.parent / ASYNCAPI_FILE))
    lock_file.write_text(json.dumps(compatibility.locked(lock), indent=1, sort_keys=True) + "\n")
    print(lock_file)
