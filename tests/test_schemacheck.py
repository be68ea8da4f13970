"""tests/schemacheck.py: the fast schema check refuses what Python jsonschema's check_schema refuses."""

import re

import jsonschema
import jsonschema_rs
import pytest

from tests.schemacheck import check_schema

BAD = [
    {"type": 5},
    {"type": "object", "properties": {"a": {"minLength": -1}}},
    {"$defs": {"x": {"enum": "not a list"}}},
    {"required": "id"},
    {"pattern": "(?<year>[0-9]{4})"},  # ECMA named group: Python's re refuses it, as check_schema's "regex" format does
]


@pytest.mark.parametrize("schema", BAD, ids=range(len(BAD)))
def test_refuses_what_check_schema_refuses(schema):
    with pytest.raises(jsonschema.SchemaError):
        jsonschema.Draft202012Validator.check_schema(schema)
    with pytest.raises((jsonschema_rs.ValidationError, re.error)):
        check_schema(schema)


def test_accepts_a_real_schema():
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
              "properties": {"id": {"type": "string", "pattern": "^[0-9a-f-]{36}(?![\\s\\S])"}}, "required": ["id"]}
    jsonschema.Draft202012Validator.check_schema(schema)
    check_schema(schema)
