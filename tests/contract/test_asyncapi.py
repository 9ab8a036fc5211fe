"""The event contract as publishers read it: an AsyncAPI 3.0 document that the official AsyncAPI
JSON Schema (npm @asyncapi/specs) accepts and the AsyncAPI project's own parser (npm
@asyncapi/parser, both fetched by deploy/local/schemas.sh) reads without a warning, whose
references all resolve, whose examples match their schemas and read as our consumers read messages, as
`make schemas` published it and as every service serves it with its own topic names."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

from ledgerline_events.contract import Topics
from ledgerline_events.contract.asyncapi import document
from ledgerline_events.contract.catalogue import EVENT_TYPES
from ledgerline_ops.contract_check import check

from .service_apps import app_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def contract() -> dict[str, Any]:
    return document()


def official_schema() -> dict[str, Any]:
    path = Path(subprocess.run([ROOT / "deploy/local/schemas.sh", "asyncapi-path"], check=True,
                               capture_output=True, text=True).stdout.strip())
    assert path.is_file(), f"{path} missing: run deploy/local/schemas.sh install (make setup)"
    found: dict[str, Any] = json.loads(path.read_text())
    return found


def test_the_document_is_valid_asyncapi_3(contract: dict[str, Any]) -> None:
    spec = official_schema()
    registry = Registry().with_resources(
        (uri, Resource.from_contents(s, default_specification=DRAFT7))
        for uri, s in {spec["$id"]: spec, **spec["definitions"]}.items())
    validator = Draft7Validator(spec, registry=registry)
    assert [e.message for e in validator.iter_errors(contract)] == []
    broken = {**contract, "channels": {"salesInbound": {"address": 5}}}
    assert list(validator.iter_errors(broken)), "the schema must refuse a broken document"


def test_the_asyncapi_project_s_own_parser_reads_it_without_an_error_or_a_warning(
    contract: dict[str, Any], tmp_path: Path,
) -> None:
    parser = Path(subprocess.run([ROOT / "deploy/local/schemas.sh", "parser-path"], check=True,
                                 capture_output=True, text=True).stdout.strip())
    assert (parser / "node_modules/@asyncapi/parser").is_dir(), (
        f"{parser} missing: run deploy/local/schemas.sh install (make setup)")

    def parsed(document: dict[str, Any]) -> dict[str, Any]:
        path = tmp_path / "asyncapi.json"
        path.write_text(json.dumps(document))
        ran = subprocess.run(["node", str(ROOT / "tests/contract/asyncapi_parse.mjs"),
                              str(parser), str(path)], capture_output=True, text=True,
                             check=True, timeout=120)
        found: dict[str, Any] = json.loads(ran.stdout)
        return found

    read = parsed(contract)
    # severity 0 error, 1 warning; 2 is information (that 3.1.0 exists: 3.0.0 is the version
    # most tools read)
    assert [d for d in read["diagnostics"] if d["severity"] < 2] == [] and read["parsed"]
    assert read["messages"] == len(contract["components"]["messages"])
    broken = json.loads(json.dumps(contract))
    broken["channels"]["salesInbound"]["messages"]["nope"] = {"$ref": "#/components/messages/nope"}
    assert [d["code"] for d in parsed(broken)["diagnostics"] if d["severity"] == 0] == [
        "invalid-ref"]


def refs_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref" and isinstance(v, str)] + [
            r for v in node.values() for r in refs_in(v)]
    return [r for v in node for r in refs_in(v)] if isinstance(node, list) else []


def test_every_reference_resolves_and_every_topic_and_event_is_there(
    contract: dict[str, Any],
) -> None:
    for ref in set(refs_in(contract)):
        node: Any = contract
        for part in ref.removeprefix("#/").split("/"):
            assert part in node, f"{ref} does not resolve"
            node = node[part]
    addresses = {c["address"] for c in contract["channels"].values()}
    topics = Topics()
    assert {topics.sales_inbound, topics.sales_rejections, topics.invoicing,
            topics.cash_application, topics.collections, topics.credit,
            topics.dead_letter("invoicing")} <= addresses
    assert set(EVENT_TYPES) <= set(contract["components"]["messages"])
    delivered = contract["components"]["messages"]["sales.OrderDelivered"]
    assert delivered["x-schema-version"] == EVENT_TYPES["sales.OrderDelivered"].schema_version
    assert delivered["bindings"]["kafka"]["key"]["type"] == "string"


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_each_example_matches_its_schema_and_reads_as_our_consumers_read_it(
    event_type: str, contract: dict[str, Any],
) -> None:
    message = contract["components"]["messages"][event_type]
    [example] = message["examples"]
    registry = Registry().with_resource(
        "urn:ledgerline:asyncapi", Resource.from_contents(contract, DRAFT202012))
    schema = {"$ref": "urn:ledgerline:asyncapi" + message["payload"]["$ref"]}
    errors = [e.message for e in Draft202012Validator(schema, registry=registry).iter_errors(
        example["payload"])]
    assert errors == []
    verdict = check("example", orjson.dumps(example["payload"]))
    assert verdict.accepted, verdict.said


def test_make_schemas_published_this_very_document(contract: dict[str, Any]) -> None:
    published = json.loads((ROOT / "libs/events/asyncapi.json").read_text())
    assert published == json.loads(json.dumps(contract)), "run `make schemas`"


@pytest.mark.parametrize("service", ["credit", "invoicing", "cash-application", "collections"])
async def test_each_service_serves_the_contract_with_its_own_topic_names(service: str) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app_of(service)),
                                 base_url="http://service") as http:
        answer = await http.get("/asyncapi.json")
    assert answer.status_code == 200
    served = answer.json()
    assert served["channels"]["salesInbound"]["address"] == "t_api.erp.sales.events"
    assert served["components"]["messages"].keys() == document()["components"]["messages"].keys()
