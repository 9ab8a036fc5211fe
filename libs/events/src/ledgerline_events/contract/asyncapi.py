"""The contract as an AsyncAPI 3.0 document, generated from the event classes themselves: every
topic (a channel), its key, each message with its schema version, its JSON Schema and an
example. `make schemas` writes it to libs/events/asyncapi.json; every service serves it at
GET /asyncapi.json. Examples are built from the schemas and must read as our consumers read
messages (tests/contract checks each with `ledgerline contract validate`'s own function)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from pydantic.json_schema import models_json_schema

from .catalogue import EVENT_TYPES, PINNED_ENVELOPES
from .topics import SERVICES, Topics

REF = "#/components/schemas/{model}"
KEY = {"type": "string", "description": "the customer id (else the aggregate id): everything "
       "about one customer stays in order on one partition"}
INBOUND = ("sales.OrderPlaced", "sales.OrderDelivered", "sales.OrderCancelled",
           "sales.CustomerUpserted")
REJECTED = "sales.InboundEventRejected"
DEAD_LETTER_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["reason", "source_topic", "source_partition", "source_offset",
                                   "consumer", "original"],
    "properties": {"reason": {"type": "string"}, "source_topic": {"type": "string"},
                   "source_partition": {"type": "integer"}, "source_offset": {"type": "integer"},
                   "consumer": {"type": "string"},
                   "original": {"type": "string", "description": "the message as received"}}}


def document(topics: Topics | None = None, version: str = "1.0.0") -> dict[str, Any]:
    topics = topics or Topics()
    keyed, schemas = models_json_schema(
        [(PINNED_ENVELOPES[t], "validation") for t in sorted(EVENT_TYPES)], ref_template=REF)
    components_schemas: dict[str, Any] = {**schemas.get("$defs", {}),
                                          "DeadLetter": DEAD_LETTER_SCHEMA}
    messages = {t: _message(t, keyed[(PINNED_ENVELOPES[t], "validation")]) for t in EVENT_TYPES}
    messages["DeadLetter"] = {
        "name": "DeadLetter", "title": "A message a consumer could not apply",
        "contentType": "application/json", "payload": {"$ref": "#/components/schemas/DeadLetter"},
        "bindings": {"kafka": {"key": KEY, "bindingVersion": "0.5.0"}}}
    channels, operations = _channels(topics)
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "ledgerline events", "version": version,
                 "description": "The event contract of ledgerline's accounts-receivable "
                                "services: what ERPs publish to us, what we publish, and what "
                                "we answer. Compatibility rules: libs/events/README.md.",
                 "license": {"name": "Apache-2.0",
                             "url": "https://www.apache.org/licenses/LICENSE-2.0"}},
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:19092", "protocol": "kafka",
                              "description": "the local broker `make infra` starts"}},
        "channels": channels, "operations": operations,
        "components": {"schemas": components_schemas, "messages": messages},
    }


def _message(event_type: str, ref: dict[str, Any]) -> dict[str, Any]:
    cls = EVENT_TYPES[event_type]
    name = PINNED_ENVELOPES[event_type].__name__
    return {
        "name": event_type, "title": cls.__name__,
        "summary": " ".join((cls.__doc__ or event_type).split())[:500],
        "contentType": "application/json",
        "payload": ref,
        "bindings": {"kafka": {"key": KEY, "bindingVersion": "0.5.0"}},
        "examples": [{"name": f"{cls.__name__}-v{cls.schema_version}",
                      "summary": f"schema version {cls.schema_version}",
                      "payload": example_of(event_type)}],
        "x-schema-version": cls.schema_version, "x-model": name,
    }


def _channels(topics: Topics) -> tuple[dict[str, Any], dict[str, Any]]:
    """The channels and what ledgerline does on each (receives the ERP's sales, sends the rest)."""
    def refs(types: list[str]) -> dict[str, Any]:
        return {t.replace(".", "_"): {"$ref": f"#/components/messages/{t}"} for t in types}

    plan: list[tuple[str, str, list[str], str, str]] = [
        ("salesInbound", topics.sales_inbound, list(INBOUND), "receive",
         "Sales events the ERP or order management publishes; we invoice deliveries."),
        ("salesRejections", topics.sales_rejections, [REJECTED], "send",
         "Our answer to each inbound event a consumer refused or could not read."),
    ]
    for service in SERVICES:
        own = sorted(t for t in EVENT_TYPES if t.startswith(f"{service}."))
        plan.append((f"{_camel(service)}Events", topics.events(service), own, "send",
                     f"What {service} decided (its event store, published by its relay)."))
        plan.append((f"{_camel(service)}DeadLetters", topics.dead_letter(service), ["DeadLetter"],
                     "send", f"Messages {service}'s consumers could not apply, with the reason."))
    channels = {cid: {"address": address, "description": text, "messages": refs(types)}
                for cid, address, types, _, text in plan}
    operations = {f"{action}{cid[0].upper()}{cid[1:]}": {
        "action": action, "channel": {"$ref": f"#/channels/{cid}"},
        "messages": [{"$ref": f"#/channels/{cid}/messages/{m}"} for m in refs(types)]}
        for cid, _, types, action, _ in plan}
    return channels, operations


def _camel(service: str) -> str:
    head, *rest = service.split("-")
    return head + "".join(part.title() for part in rest)


# Examples: each field gets a plausible value by its name, else by its schema.
PLAUSIBLE: dict[str, Any] = {
    "envelope_version": 2, "aggregate_id": "order-SO-1001",
    "customer_id": "C-1001", "currency": "EUR", "order_id": "SO-1001", "country": "FR",
    "invoice_id": "inv-so-SO-1001", "invoice_number": "INV-2026-000123", "language": "fr",
    "payment_id": "pay-7f3a", "credit_note_number": "CN-2026-000007", "name": "Dupont SARL",
    "sku": "W-100", "description": "Widgets", "quantity": "2", "unit_price": "100.00",
    "tax_rate": "20", "rate": "2.15", "agreed_rate": "8.00", "net_days": 30,
    "reason": "as agreed with the customer", "nonce": "bGVkZ2VybGluZTEy",
    "text": "c2VhbGVkIHdpdGggdGhlIGN1c3RvbWVyJ3Mga2V5",
    "producer": "erp", "subject": "fay@example.com", "level": 1, "email": "ap@dupont.example",
    "iban": "FR7630006000011234567890189", "bic": "AGRIFRPP", "city": "Lyon",
    "postcode": "69002", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
}
PATTERNS = {
    "^-?[0-9]+(\\.[0-9]+)?$": "100.00", "^[0-9a-f]{64}$": PLAUSIBLE["sha256"],
    "^[A-Z0-9]*$": "ABC123", "^[A-Z0-9]{7}$": "ABC1234", "^[A-Z]{2,8}$": "EUR",
    "^[A-Z]{2}$": "FR", "^[A-Z]{2}[0-9A-Za-z]{2,13}$": "FR12345678901",
    "^[A-Za-z0-9._-]+$": "dupont.example", "^[^/]+$": "C-1001",
    "^https?://": "https://portal.example/documents/1",
}
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def example_of(event_type: str) -> dict[str, Any]:
    schema = PINNED_ENVELOPES[event_type].model_json_schema()
    found = _value(schema, schema.get("$defs", {}), "")
    assert isinstance(found, dict)
    found["event_id"] = str(UUID(int=sorted(EVENT_TYPES).index(event_type) + 1))
    found["correlation_id"] = found["event_id"]
    producer = event_type.split(".", 1)[0]
    found["producer"] = "erp" if producer == "sales" else producer
    found["actor"] = {"kind": "component", "subject": found["producer"], "roles": []}
    return found


def _value(schema: dict[str, Any], defs: dict[str, Any], field: str) -> Any:
    if "$ref" in schema:
        return _value(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, field)
    for choice in ("anyOf", "oneOf", "allOf"):
        if choice in schema:
            options = [s for s in schema[choice] if s.get("type") != "null"]
            return _value(options[0], defs, field) if options else None
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and field not in PLAUSIBLE:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        return {name: _value(sub, defs, name) for name, sub in schema.get("properties", {}).items()
                if name in schema.get("required", []) or name in PLAUSIBLE}
    if kind == "array":
        return [_value(schema["items"], defs, field)] if schema.get("minItems", 0) > 0 or (
            field in ("lines", "letters", "totals")) else []
    return _scalar(schema, field)


def _scalar(schema: dict[str, Any], field: str) -> Any:
    kind, plausible = schema.get("type"), PLAUSIBLE.get(field)
    if kind in ("integer", "number"):
        return plausible if isinstance(plausible, int) else max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    if schema.get("format") == "date-time":
        return AT.isoformat()
    if schema.get("format") == "date":
        return date(2026, 3, 2).isoformat()
    if schema.get("format") == "uuid":
        return str(UUID(int=1))
    if isinstance(plausible, str):
        return plausible
    if "pattern" in schema:
        return PATTERNS[schema["pattern"]]
    return field.replace("_", " ") or "text"
