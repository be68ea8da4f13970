"""A schema is a valid draft 2020-12 schema, for both engines: jsonschema-rs's meta-schema check (as Python
jsonschema's ``check_schema``, about 300x faster) and every ``pattern`` compiled by Python's ``re`` too (what
``check_schema``'s "regex" format adds)."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs


def walk(node: Any):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def check_schema(doc: dict) -> None:
    jsonschema_rs.meta.validate(doc)  # raises ValidationError naming the place
    for node in walk(doc):
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            re.compile(pattern)
