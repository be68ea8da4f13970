"""The committed OpenAPI contract: loadable by schemathesis without warnings, every ref
resolvable, shared schemas under components/schemas."""

from __future__ import annotations

import json

import jsonschema
import pytest

from wixcontracts.build import ROOT, OPENAPI_NAME

DOC = ROOT / "contracts" / OPENAPI_NAME


@pytest.fixture(scope="module")
def openapi():
    return json.loads(DOC.read_text())


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for v in node.values():
            yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_schemathesis_sees_no_schema_warnings():
    import schemathesis

    schema = schemathesis.openapi.from_path(str(DOC))
    assert list(schema.iter_schema_warnings()) == []
    assert {op.definition.raw["operationId"] for op in (r.ok() for r in schema.get_all_operations())} >= {
        "createBooking", "declineMultiServiceBooking", "cancelBooking"}


def test_every_ref_resolves_inside_components(openapi):
    refs = set(_refs(openapi))
    assert refs and all(r.startswith("#/components/schemas/") for r in refs)
    names = set(openapi["components"]["schemas"])
    assert {r.rsplit("/", 1)[1] for r in refs} <= names
    assert "$defs" not in json.dumps(openapi)


def test_component_schemas_are_valid_2020_12(openapi):
    for name, s in openapi["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(s)


def test_every_documented_error_status_is_a_response(openapi):
    catalog = json.loads((ROOT / "contracts" / "catalog.json").read_text())
    for op in catalog["operations"]:
        item = openapi["paths"][op["path"]][op["method"].lower()]
        assert item["operationId"] == op["name"]
        assert "200" in item["responses"]
        for e in op["errors"]:
            assert str(e["http"]) in item["responses"]
        assert item["x-wix-path-aliases"] == op["path_aliases"]
