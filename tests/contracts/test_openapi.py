"""The committed OpenAPI contracts, one per service: loadable by schemathesis without warnings, every ref
resolvable, shared schemas under components/schemas, every catalog operation present."""

from __future__ import annotations

import json

from tests.schemacheck import check_schema
import pytest

from wixcontracts.build import ROOT
from wixcontracts.catalog import Catalog
from wixcontracts.emit.openapi import openapi_path

CAT = Catalog(ROOT)
SERVICES = sorted(s for s, e in CAT.services.items() if e["openapi"])


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for v in node.values():
            yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_one_document_per_service_with_rest_operations():
    assert len(SERVICES) == 29
    assert {s["slug"] for s in CAT.data["services"] if s["kind"] == "service-plugin"} == {
        "availability-time-slots-configuration", "booking-policy", "bookings-validation", "pricing-provider",
        "staff-sorting"}
    for slug in SERVICES:
        assert CAT.openapi_path(slug).name == f"{slug}.openapi.json"


@pytest.mark.parametrize("slug", SERVICES)
def test_schemathesis_sees_no_schema_warnings(slug):
    import schemathesis

    schema = schemathesis.openapi.from_path(str(CAT.openapi_path(slug)))
    assert list(schema.iter_schema_warnings()) == []
    ids = {op.definition.raw["x-wix-id"] for op in (r.ok() for r in schema.get_all_operations())}
    assert ids == {o["id"] for o in CAT.of_service(slug)}


@pytest.mark.parametrize("slug", SERVICES)
def test_refs_resolve_inside_components_and_schemas_are_2020_12(slug):
    doc = CAT.openapi(slug)
    refs = set(_refs(doc))
    assert refs and all(r.startswith("#/components/schemas/") for r in refs)
    assert {r.rsplit("/", 1)[1] for r in refs} <= set(doc["components"]["schemas"])
    assert "$defs" not in json.dumps(doc)
    for s in doc["components"]["schemas"].values():
        check_schema(s)
    assert doc["info"]["x-wix-service"] == slug


def test_every_operation_is_in_its_services_document():
    docs = {slug: CAT.openapi(slug) for slug in SERVICES}
    for op in CAT.operations.values():
        item = docs[op["service"]]["paths"][openapi_path(op["path"])][op["method"].lower()]
        assert item["operationId"] == op["name"]
        assert item["x-wix-id"] == op["id"]
        assert item["x-wix-rpc"] == op["rpc"]
        assert "200" in item["responses"]
        for e in op["errors"]:
            assert str(e["http"]) in item["responses"]
        assert item["x-wix-path-aliases"] == op["aliases"]
