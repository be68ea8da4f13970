"""WQL (``wixcontracts.emulator.wql``) against a naive reference evaluator, with Hypothesis: the compiled filter,
the sort, both paging styles and the count agree with a direct reading of the rules on random entities and
random filters; unsupported filters are 400-worthy errors naming the field."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wixcontracts.emulator import wql

# `make test` runs 100 examples a property; `make fuzz` (CI) 3,000
SETTINGS = settings(max_examples=int(os.environ.get("WIXCONTRACTS_WQL_FUZZ", 100)), database=None, deadline=None, suppress_health_check=list(HealthCheck))
ABSENT = object()

# ---------------------------------------------------------------------- the reference: the rules, read directly


def ref_get(e, path):
    """Walk dicts; a list maps over its elements and the values found (flattened one level) form a list."""
    node = e
    parts = path.split(".")
    for i, p in enumerate(parts):
        if isinstance(node, dict):
            if p not in node:
                return ABSENT
            node = node[p]
        elif isinstance(node, list):
            found = []
            for x in node:
                v = ref_get(x, ".".join(parts[i:]))
                if v is not ABSENT:
                    found.append(v)
            if not found:
                return ABSENT
            out = []
            for v in found:
                if isinstance(v, list):
                    out.extend(v)
                else:
                    out.append(v)
            return out
        else:
            return ABSENT
    return node


def ref_instant(v):
    if not isinstance(v, str) or len(v) < 16 or v[4] != "-":
        return None
    if not (v.endswith("Z") or v[-3:-2] == ":" or v[-5:-4] in "+-"):
        return None
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else None


def ref_eq(a, b):
    if type(a) is bool or type(b) is bool:
        return type(a) is bool and type(b) is bool and a == b
    num = (int, float)
    if isinstance(a, num) and isinstance(b, num):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        da, db = ref_instant(a), ref_instant(b)
        return a == b or (da is not None and db is not None and da == db)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(ref_eq(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(ref_eq(a[k], b[k]) for k in a)
    return a is None and b is None


def ref_cmp(a, b):
    if type(a) is bool or type(b) is bool:
        return None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        da, db = ref_instant(a), ref_instant(b)
        if da is not None and db is not None:
            return (da > db) - (da < db)
        return (a > b) - (a < b)
    return None


def present(v):
    return v is not ABSENT and v is not None


def elements(v):
    return v if isinstance(v, list) else [v]


def ref_op(op, arg, v):
    arg = arg["$date"] if isinstance(arg, dict) and list(arg) == ["$date"] else arg
    if op == "$eq":
        if not present(v):
            return False
        return ref_eq(v, arg) or any(ref_eq(x, arg) for x in elements(v))
    if op == "$ne":
        return not ref_op("$eq", arg, v)
    if op == "$in":
        return present(v) and any(ref_eq(x, o) for x in elements(v) for o in arg)
    if op in ("$gt", "$gte", "$lt", "$lte"):
        ok = {"$gt": {1}, "$gte": {0, 1}, "$lt": {-1}, "$lte": {-1, 0}}[op]
        return present(v) and any(ref_cmp(x, arg) in ok for x in elements(v))
    if op == "$exists":
        return present(v) == arg
    if op == "$hasSome":
        return isinstance(v, list) and any(ref_eq(x, o) for x in v for o in arg)
    if op == "$hasAll":
        return isinstance(v, list) and all(any(ref_eq(x, o) for x in v) for o in arg)
    if op == "$startsWith":
        return present(v) and any(isinstance(x, str) and x.startswith(arg) for x in elements(v))
    raise AssertionError(op)


def ref_match(f, e):
    for key, cond in f.items():
        if key == "$and":
            ok = all(ref_match(c, e) for c in cond)
        elif key == "$or":
            ok = any(ref_match(c, e) for c in cond)
        elif key == "$not":
            ok = not ref_match(cond, e)
        else:
            v = ref_get(e, wql.SDK_ALIASES.get(key, key))
            if isinstance(cond, dict) and cond and all(k.startswith("$") for k in cond) and list(cond) != ["$date"]:
                ok = all(ref_op(op, arg, v) for op, arg in cond.items())
            else:
                ok = ref_op("$eq", cond, v)
        if not ok:
            return False
    return True


def ref_key(v):
    if v is ABSENT or v is None:
        return (0,)
    if type(v) is bool:
        return (1, v)
    if isinstance(v, (int, float)):
        return (2, v)
    if isinstance(v, str):
        d = ref_instant(v)
        return (3, d.timestamp()) if d else (4, v)
    return (5, json.dumps(v, sort_keys=True, default=str))


def ref_sort(items, sort):
    out = list(items)
    for s in reversed(sort):
        out.sort(key=lambda e: ref_key(ref_get(e, s["fieldName"])), reverse=s.get("order") == "DESC")
    return out


# ---------------------------------------------------------------------- generators

DATES = ["2030-01-07T09:00:00.000Z", "2030-01-07T09:00:00Z", "2030-01-07T10:00:00+01:00", "2029-12-31T23:59:59.999Z",
         "2030-01-08T00:00:00.000Z"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([0.5, 1.0, 2.5]),
                    st.sampled_from(["", "a", "ab", "b", "Ada", "ada", "CONFIRMED", "CREATED"]), st.sampled_from(DATES))
values = st.one_of(scalars, st.lists(scalars, max_size=3))


@st.composite
def entities(draw):
    e = {"id": draw(st.uuids()).hex}
    for key in ("status", "n", "tags"):
        if draw(st.booleans()):
            e[key] = draw(values)
    if draw(st.integers(0, 3)):  # mostly a date-time, in the spellings of one instant
        e["when"] = draw(st.one_of(st.sampled_from(DATES), values))
    if draw(st.booleans()):
        e["slot"] = {k: draw(values) for k in draw(st.lists(st.sampled_from(["serviceId", "start"]), unique=True))}
    if draw(st.booleans()):
        e["items"] = [{"x": draw(scalars)} for _ in range(draw(st.integers(0, 2)))]
    return e


PATHS = ["status", "n", "when", "tags", "slot.serviceId", "slot.start", "items.x", "_id"]


@st.composite
def conditions(draw):
    op = draw(st.sampled_from(["lit", *wql.OPERATORS]))
    if op == "lit":
        return draw(values)
    if op in ("$in", "$hasSome", "$hasAll"):
        arg = draw(st.lists(scalars, max_size=3))
    elif op == "$exists":
        arg = draw(st.booleans())
    elif op == "$startsWith":
        arg = draw(st.sampled_from(["", "a", "A", "C", "2030"]))
    elif op in ("$gt", "$gte", "$lt", "$lte"):
        arg = draw(st.one_of(st.integers(-3, 3), st.sampled_from(["a", "b", *DATES])))
    else:
        arg = draw(st.one_of(values, st.builds(lambda d: {"$date": d}, st.sampled_from(DATES))))
    cond = {op: arg}
    if draw(st.integers(0, 4)) == 0:  # two operators on one field
        cond["$exists"] = True
    return cond


def filters(depth=2):
    leaf = st.dictionaries(st.sampled_from(PATHS), conditions(), min_size=1, max_size=2)
    if depth == 0:
        return leaf
    sub = filters(depth - 1)
    return st.one_of(leaf,
                     st.builds(lambda xs: {"$and": xs}, st.lists(sub, max_size=3)),
                     st.builds(lambda xs: {"$or": xs}, st.lists(sub, max_size=3)),
                     st.builds(lambda x: {"$not": x}, sub),
                     st.builds(lambda a, b: {**a, **b}, leaf,
                               st.builds(lambda xs: {"$or": xs}, st.lists(sub, max_size=2))))


sorts = st.lists(st.builds(lambda f, o: {"fieldName": f, **({"order": o} if o else {})},
                           st.sampled_from(PATHS[:-1]), st.sampled_from([None, "ASC", "DESC"])), max_size=2)


# ---------------------------------------------------------------------- properties

@SETTINGS
@given(st.lists(entities(), max_size=12), filters())
def test_compiled_filter_agrees_with_the_reference(items, flt):
    pred = wql.compile_filter(flt)
    assert [pred(e) for e in items] == [ref_match(flt, e) for e in items]
    assert wql.count(items, flt) == sum(ref_match(flt, e) for e in items)


@SETTINGS
@given(st.lists(entities(), max_size=15), filters(1), sorts, st.integers(1, 5))
def test_cursor_pages_are_the_sorted_filtered_list(items, flt, sort, limit):
    want = ref_sort([e for e in items if ref_match(flt, e)], sort)
    got, cursor, pages = [], None, 0
    while True:
        q = {"cursorPaging": {"limit": limit, **({"cursor": cursor} if cursor else {})}}
        if not cursor:
            q.update({"filter": flt, "sort": sort})
        page = wql.run(items, q)
        got += page.items
        pages += 1
        assert page.meta["count"] == len(page.items) <= limit and page.meta["total"] == len(want)
        cursor = page.cursors.get("next")
        assert page.meta["hasNext"] == bool(cursor)
        if not cursor:
            break
        assert pages <= len(items) + 1
    assert got == want


@SETTINGS
@given(st.lists(entities(), max_size=15), filters(1), sorts, st.integers(0, 16), st.integers(1, 6))
def test_offset_paging_is_a_slice(items, flt, sort, offset, limit):
    want = ref_sort([e for e in items if ref_match(flt, e)], sort)
    page = wql.run(items, {"filter": flt, "sort": sort, "paging": {"limit": limit, "offset": offset}})
    assert page.items == want[offset:offset + limit]
    assert page.meta["total"] == len(want) and page.meta["offset"] == offset
    assert page.meta["hasNext"] == (offset + limit < len(want))


@SETTINGS
@given(st.lists(entities(), max_size=8), st.lists(st.sampled_from(["status", "slot.serviceId", "items.x"]),
                                                   unique=True, min_size=1))
def test_projection_keeps_only_the_fields_asked_and_the_id(items, fields):
    page = wql.run(items, {"fields": fields})
    for e, p in zip(items, page.items):
        assert p["id"] == e["id"]
        for f in fields:
            v = ref_get(e, f)
            assert ref_get(p, f) == v or (v is ABSENT and ref_get(p, f) is ABSENT)
        assert set(p) <= {"id", *(f.split(".")[0] for f in fields)}


# ---------------------------------------------------------------------- examples and errors

BOOKINGS = [{"id": "1", "status": "CONFIRMED", "createdDate": "2030-01-01T10:00:00.000Z", "tags": ["a", "b"],
             "bookedEntity": {"slot": {"serviceId": "s1"}}},
            {"id": "2", "status": "CANCELED", "createdDate": "2030-01-02T10:00:00.000Z", "tags": ["b"]},
            {"id": "3", "status": "CREATED", "createdDate": "2030-01-03T10:00:00.000Z",
             "bookedEntity": {"slot": {"serviceId": "s2"}}}]


@pytest.mark.parametrize("flt, ids", [
    ({"status": "CONFIRMED"}, ["1"]),
    ({"status": {"$ne": "CANCELED"}}, ["1", "3"]),
    ({"status": {"$in": ["CREATED", "CANCELED"]}}, ["2", "3"]),
    ({"createdDate": {"$gt": "2030-01-01T10:00:00Z"}}, ["2", "3"]),  # instants, not text: .000Z == Z
    ({"createdDate": {"$lte": {"$date": "2030-01-02T10:00:00.000Z"}}}, ["1", "2"]),
    ({"tags": {"$hasSome": ["a"]}}, ["1"]), ({"tags": {"$hasAll": ["a", "b"]}}, ["1"]),
    ({"bookedEntity.slot.serviceId": {"$exists": False}}, ["2"]),
    ({"bookedEntity.slot.serviceId": {"$startsWith": "s"}}, ["1", "3"]),
    ({"$or": [{"status": "CREATED"}, {"tags": "b"}]}, ["1", "2", "3"]),
    ({"$and": [{"tags": "b"}, {"$not": {"status": "CANCELED"}}]}, ["1"]),
    ({"_id": "2"}, ["2"]),  # the SDK's _id
])
def test_examples(flt, ids):
    assert [e["id"] for e in wql.run(BOOKINGS, {"filter": flt}).items] == ids


@pytest.mark.parametrize("flt, field, rule", [
    ({"status": {"$regex": "C.*"}}, "query.filter.status.$regex", "wql-operator"),
    ({"$nor": [{"status": "x"}]}, "query.filter", "wql-operator"),
    ({"status": {"$in": "CREATED"}}, "query.filter.status.$in", "wql-operand"),
    ({"status": {"$exists": "yes"}}, "query.filter.status.$exists", "wql-operand"),
    ({"$or": {"status": "x"}}, "query.filter.$or", "wql-operand"),
    ({"status": {"$eq": 1, "tags": 2}}, "query.filter.status", "wql-operand"),
    ({"bookedEntity..slot": 1}, "query.filter.bookedEntity..slot", "wql-field"),
])
def test_unsupported_filters_name_the_field(flt, field, rule):
    with pytest.raises(wql.WqlError) as e:
        wql.run(BOOKINGS, {"filter": flt})
    assert (e.value.field, e.value.rule_name) == (field, rule)


def test_unknown_fields_are_refused_when_the_entity_is_known():
    known = lambda p: p in ("status", "createdDate", "id", "tags")  # noqa: E731
    with pytest.raises(wql.WqlError, match="unknown field 'statuss'") as e:
        wql.run(BOOKINGS, {"filter": {"statuss": "x"}}, known=known)
    assert e.value.field == "query.filter.statuss"
    with pytest.raises(wql.WqlError, match="unknown field"):
        wql.run(BOOKINGS, {"sort": [{"fieldName": "nope"}]}, known=known)
    assert [b["id"] for b in wql.run(BOOKINGS, {"filter": {"_createdDate": {"$gt": "2030-01-02T00:00:00Z"}}},
                                     known=known).items] == ["2", "3"]


def test_paging_errors():
    for q, field in (({"paging": {"limit": 101}}, "query.paging.limit"),
                     ({"paging": {"offset": -1}}, "query.paging.offset"),
                     ({"paging": {}, "cursorPaging": {}}, "query"),
                     ({"cursorPaging": {"cursor": "not-a-cursor"}}, "query.cursorPaging.cursor")):
        with pytest.raises(wql.WqlError) as e:
            wql.run(BOOKINGS, q)
        assert e.value.field == field, q


def test_sort_reads_date_times_as_instants():
    items = [{"id": "1", "when": "2030-01-07T10:00:00+01:00"}, {"id": "2", "when": "2030-01-07T09:00:00.000Z"},
             {"id": "3", "when": "2029-12-31T23:59:59.999Z"}, {"id": "4"}, {"id": "5", "when": "b"}]
    asc = [e["id"] for e in wql.run(items, {"sort": [{"fieldName": "when"}]}).items]
    assert asc == ["4", "3", "1", "2", "5"]  # missing first; equal instants keep their order; then other strings
    desc = [e["id"] for e in wql.run(items, {"sort": [{"fieldName": "when", "order": "DESC"}]}).items]
    assert desc == ["5", "1", "2", "3", "4"]


def test_default_sort_and_limit():
    page = wql.run(BOOKINGS, {}, default_sort=[("createdDate", True)], default_limit=2, cursor_default=True)
    assert [b["id"] for b in page.items] == ["3", "2"] and page.cursors["next"]
    rest = wql.run(BOOKINGS, {"cursorPaging": {"cursor": page.cursors["next"]}}, default_sort=[("createdDate", True)])
    assert [b["id"] for b in rest.items] == ["1"] and "prev" in rest.cursors
