"""The committed JSON text is the standard library's ``indent=2`` text, whichever writer made it."""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wixcontracts.emit import jsontext

pytest.importorskip("orjson", reason="orjson (the sources extra) is not installed: only the standard writer runs")


def _std(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


scalars = (st.none() | st.booleans() | st.integers() | st.integers(-2**70, 2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text())
values = st.recursive(scalars, lambda kids: st.lists(kids, max_size=4)
                      | st.dictionaries(st.text(max_size=8), kids, max_size=4), max_leaves=30)


@settings(max_examples=int(os.environ.get("WIXCONTRACTS_JSONTEXT_FUZZ", "300")), deadline=None)
@given(values)
def test_same_bytes_as_the_standard_library(value):
    assert jsontext.dumps(value) == _std(value)


@pytest.mark.parametrize("value", [
    1e-05, 1e16, 1.5e300, -0.0, float("nan"), [float("inf"), -float("inf")], {"a": [1e22, 0.1]},
    2**64, -2**63 - 1, {1: "int key"}, {"lone": "\ud800"}, "\x00\x1f\x7f\u2028\u2029 é ✓ 𝄞", {"": {}, "e": []},
])
def test_the_cases_orjson_writes_differently_or_refuses(value):
    assert jsontext.dumps(value) == _std(value)


@dataclasses.dataclass
class _Point:
    x: int


@pytest.mark.parametrize("value", [uuid.UUID(int=1), datetime.date(2026, 1, 1), _Point(1), {"at": uuid.UUID(int=2)}])
def test_what_the_standard_library_refuses_is_refused_the_same_way(value):
    with pytest.raises(TypeError) as std:
        _std(value)
    with pytest.raises(TypeError) as ours:
        jsontext.dumps(value)
    assert str(ours.value) == str(std.value)


def test_a_reference_loop_is_refused_the_same_way():
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        jsontext.dumps(loop)


def test_the_fast_writer_is_the_one_used(monkeypatch):
    """Not a silent fallback: for a plain schema, orjson writes the text."""
    calls = []
    real = jsontext._orjson.dumps
    monkeypatch.setattr(jsontext, "_orjson", type("O", (), {
        "dumps": staticmethod(lambda v, option=0: calls.append(option) or real(v, option=option)),
        "OPT_INDENT_2": jsontext._orjson.OPT_INDENT_2}))
    assert jsontext.dumps({"type": "object", "properties": {"a": {"type": "string"}}}) == \
        _std({"type": "object", "properties": {"a": {"type": "string"}}})
    assert calls == [0, jsontext._orjson.OPT_INDENT_2]
