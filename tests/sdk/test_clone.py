"""``ir.clone_*`` (used instead of ``copy.deepcopy`` in the SDK import and the merge) copies everything
and shares nothing mutable, checked on every type of every pinned package and on constructed edge cases."""

from __future__ import annotations

import copy

import pytest

from wixcontracts.ir import (EnumValue, Field, OneOf, Source, TypeDef, TypeRef, clone_member, clone_members,
                             clone_type, clone_typedef)
from wixcontracts.sdk.fetch import SdkFetchError, fetch_all
from wixcontracts.sdk.model import is_rest_package, load_sdk_model

SRC = Source("https://example.invalid/x", 1)


def _mutables(obj, out: list) -> list:
    """Every mutable object reachable from ``obj`` (lists, dicts, sets, IR dataclasses)."""
    if isinstance(obj, (list, set)):
        out.append(obj)
        for x in obj:
            _mutables(x, out)
    elif isinstance(obj, dict):
        out.append(obj)
        for x in obj.values():
            _mutables(x, out)
    elif isinstance(obj, (Field, OneOf, TypeRef, TypeDef, EnumValue)):
        out.append(obj)
        for v in vars(obj).values():
            _mutables(v, out)
    return out


def _assert_clone(original, clone) -> None:
    assert clone == original == copy.deepcopy(original)
    shared = {id(x) for x in _mutables(original, [])} & {id(x) for x in _mutables(clone, [])}
    assert not shared


def test_edge_cases():
    inner = Field("b", TypeRef("array", items=TypeRef("map", items=TypeRef.named("T")),
                               constraints={"enum": ["x"], "nested": {"k": [1]}, "minLength": 1}), SRC,
                  enum=[EnumValue("A", SRC)], origins={"sdk"}, also=[SRC], public=False, wire="field-mask")
    f = Field("a", TypeRef("object"), SRC, required=True, members=[inner, OneOf([copy.deepcopy(inner)], SRC, True)],
              doc="d", read_only=True, deprecated=True)
    _assert_clone(f, clone_member(f))
    _assert_clone([f, f.members[1]], clone_members([f, f.members[1]]))
    assert clone_type(None) is None
    td = TypeDef("T", SRC, [f], [EnumValue("E")], {"docs", "sdk"}, [SRC])
    _assert_clone(td, clone_typedef(td))


def test_every_type_of_every_pinned_package():
    try:
        dirs = fetch_all()
    except SdkFetchError as e:
        pytest.skip(f"the pinned SDK packages are unavailable here ({e})")
    n = 0
    for d in dirs.values():
        if is_rest_package(d):
            for td in load_sdk_model(d).types.values():
                _assert_clone(td, clone_typedef(td))
                n += 1
    assert n > 1000
