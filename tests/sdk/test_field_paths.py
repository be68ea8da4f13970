"""Every operation of the whole API: the committed request and response schemas have exactly the field paths
of the package's public typings (request type minus the fields the path binds; response type).  Fields only
the internal typings declare are in the schemas too, marked ``x-wix-non-public``: they are left out here."""

from __future__ import annotations

import pytest

from wixcontracts.catalog import Catalog
from wixcontracts.ir import iter_fields, path_params
from wixcontracts.sdk.fetch import SdkFetchError, fetch_all
from wixcontracts.sdk.model import is_rest_package, load_sdk_model

CAT = Catalog()
MAX_DEPTH = 8


@pytest.fixture(scope="module")
def typings() -> dict:
    try:
        dirs = fetch_all()
    except SdkFetchError as e:
        pytest.skip(f"the pinned SDK packages are unavailable here ({e})")
    out = {}
    for _pkg, d in dirs.items():
        if is_rest_package(d):
            m = load_sdk_model(d)  # the public typings only
            for op in m.operations.values():
                out[op.id] = (m, op)
    return out


def ir_paths(members, types, prefix="", chain=frozenset(), depth=0) -> set[str]:
    out: set[str] = set()
    for f in iter_fields(members):
        p = f"{prefix}.{f.name}" if prefix else f.name
        out.add(p)
        t, q = f.type, p
        if f.wire == "field-mask":
            continue  # one comma-separated string on the wire (the typings say string[])
        while t is not None and t.kind == "array":
            q, t = q + "[]", t.items
            out.add(q)
        if depth >= MAX_DEPTH or t is None:
            continue
        if f.members:
            out |= ir_paths(f.members, types, q, chain, depth + 1)
        elif t.kind == "named" and t.name in types and t.name not in chain and types[t.name].enum is None:
            out |= ir_paths(types[t.name].members, types, q, chain | {t.name}, depth + 1)
    return out


def schema_paths(node, root, prefix="", chain=frozenset(), depth=0, skip_top=()) -> set[str]:
    out: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in chain:
            return out
        chain = chain | {ref}
        node = root["$defs"][ref.rsplit("/", 1)[1]]
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return out
    for k, sub in (node.get("properties") or {}).items():
        if sub.get("x-wix-non-public") or (not prefix and k in skip_top):
            continue
        p = f"{prefix}.{k}" if prefix else k
        out.add(p)
        if not sub.get("x-wix-field-mask"):
            out |= schema_paths(sub, root, p, chain, depth + 1)
    items = node.get("items")
    if isinstance(items, dict):
        out.add(prefix + "[]")
        out |= schema_paths(items, root, prefix + "[]", chain, depth)
    return out


def test_request_and_response_field_paths_equal_the_typings(typings):
    problems = []
    assert len(typings) == len(CAT.operations) == 192
    for oid, o in sorted(CAT.operations.items()):
        model, op = typings[oid]
        rest = op.surfaces["rest"]
        bound = set(path_params(rest.url))
        want_req = ir_paths([f for f in rest.params if f.name not in bound], model.types)
        want_resp = ir_paths(rest.response, model.types)
        req = CAT.schema(oid, "request")
        got_req = schema_paths(req, req, skip_top={k for k, v in req["properties"].items() if v.get("x-wix-path-param")})
        resp = CAT.schema(oid, "response")
        got_resp = schema_paths(resp, resp)
        for side, want, got in (("request", want_req, got_req), ("response", want_resp, got_resp)):
            if want != got:
                problems.append(f"{oid} {side}: only in the typings {sorted(want - got)[:4]}, "
                                f"only in the schema {sorted(got - want)[:4]}")
    assert not problems, "\n".join(problems[:20]) + f"\n({len(problems)} in all)"
