"""The contract's compatibility rules, checked by `make schemas` (which refuses to publish a
breaking change) and by CI against the lock it keeps (libs/events/contract.lock.json: per event
type and schema version, every field path and which are required).

1. Within a schema version, no field is removed or renamed: a message written before must still
   read, and a reader built before must still find what it read.
2. Within a schema version, a new field is optional: a publisher built before does not send it.
3. Anything else is a new schema version, with an upcaster from each earlier version to it
   (contract/upcasters.py), so every message ever written still reads.
4. An event type, once published, is never removed; a version never goes back."""

from __future__ import annotations

from typing import Any

from .catalogue import EVENT_TYPES
from .upcasters import UPCASTERS

Lock = dict[str, dict[str, dict[str, list[str]]]]  # type -> "v<N>" -> {fields, required}


def shape(schema: dict[str, Any]) -> dict[str, list[str]]:
    """Every field path of a JSON Schema (`lines[].unit_price`), and the required ones."""
    defs = schema.get("$defs", {})
    fields: set[str] = set()
    required: set[str] = set()

    def walk(node: dict[str, Any], path: str, must: bool, seen: frozenset[str]) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(defs[name], path, must, seen | {name})
            return
        for choice in ("anyOf", "oneOf", "allOf"):
            for option in node.get(choice, []):
                walk(option, path, must and choice == "allOf", seen)
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            walk(node["items"], f"{path}[]", must, seen)
        for name, sub in node.get("properties", {}).items():
            field = f"{path}.{name}" if path else name
            needed = must and name in node.get("required", [])
            fields.add(field)
            if needed:
                required.add(field)
            walk(sub, field, needed, seen)

    walk(schema, "", True, frozenset())
    return {"fields": sorted(fields), "required": sorted(required)}


def current_shapes() -> dict[str, tuple[int, dict[str, list[str]]]]:
    return {t: (cls.schema_version, shape(cls.model_json_schema()))
            for t, cls in sorted(EVENT_TYPES.items())}


def problems(lock: Lock) -> list[str]:
    """What the current event classes break of the locked contract (empty: compatible)."""
    found: list[str] = []
    current = current_shapes()
    for event_type, versions in sorted(lock.items()):
        if event_type not in current:
            found.append(f"{event_type}: removed; an event type once published stays")
            continue
        version, now = current[event_type]
        latest = max(int(v[1:]) for v in versions)
        if version < latest:
            found.append(f"{event_type}: v{version} is older than the published v{latest}")
        locked = versions.get(f"v{version}")
        if locked is not None:
            gone = sorted(set(locked["fields"]) - set(now["fields"]))
            added = sorted(set(now["required"]) - set(locked["fields"]))
            found += [f"{event_type} v{version}: field {f} removed (a new version and an "
                      "upcaster are needed)" for f in gone]
            found += [f"{event_type} v{version}: new field {f} is required (make it optional, "
                      "or a new version and an upcaster)" for f in added]
        found += [f"{event_type}: no upcaster from v{v} to v{v + 1}"
                  for v in range(1, version) if (event_type, v) not in UPCASTERS]
    return found


def locked(lock: Lock) -> Lock:
    """The lock with the current versions added (what `make schemas` writes once compatible)."""
    updated = {t: dict(versions) for t, versions in lock.items()}
    for event_type, (version, now) in current_shapes().items():
        versions = updated.setdefault(event_type, {})
        before = versions.get(f"v{version}", {"fields": [], "required": []})
        versions[f"v{version}"] = {
            "fields": sorted(set(before["fields"]) | set(now["fields"])),
            "required": sorted(set(before["required"]) | set(now["required"]))}
    return updated
