"""Differential test: the fast path (jsonschema-rs, ``engine.explain``) and the reference engine (Python
jsonschema, ``engine.explain_reference``) give the same verdicts on every committed schema file, its
``http<status>`` error defs and their strict in-memory variants, and the same findings (pointer, rule,
severity, expected, actual, source, location, in the same order) for every instance the strict variant
rejects, over generated valid-ish and mutated instances."""

from __future__ import annotations

import json
import random
import string

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator

from wixcontracts.catalog import Catalog
from wixcontracts.paths import data_root
from wixcontracts.validate.engine import CHUNK, Compiled, explain, explain_reference
from wixcontracts.validate.formats import format_checker, is_date_time, is_uuid

ROOT = data_root()
FILES = sorted((ROOT / "schemas").rglob("*.json"))
PER_SCHEMA = 8  # x ~2,400 schemas: > 10k instances, each checked against both forms by both engines

GOOD_UUIDS = ["5fa50f19-4c94-4c42-a72b-289505ba2028", "8EE826A3-64C4-416D-A22C-E01D39F56931"]
BAD_UUIDS = ["booking-massage-456", "5fa50f19-4c94-4c42-a72b-289505ba2028\n", "+fa50f19-4c94-4c42-a72b-289505ba2028",
             "5_a50f19-4c94-4c42-a72b-289505ba2028", "{5fa50f19-4c94-4c42-a72b-289505ba2028}",
             "5fa50f194c944c42a72b289505ba2028", "5fa50f19-4c94-4c42-a72b-289505ba202", "",
             "urn:uuid:5fa50f19-4c94-4c42-a72b-289505ba2028", "5fa50f19-4c94-4c42-a72b-289505ba202g",
             " 5fa50f19-4c94-4c42-a72b-289505ba2028", "٥fa50f19-4c94-4c42-a72b-289505ba2028"]
GOOD_DT = ["2022-12-26T12:00:00.000Z", "2022-12-26t12:00:00z", "2020-02-29T00:00:00+01:00",
           "2016-12-31T23:59:60Z", "2016-12-31T22:59:60-01:00", "2022-12-26T12:00:00.123456789+23:59"]
BAD_DT = ["2022-12-26 12:00:00Z", "2022-12-26T12:00:00Z\n", "2022-02-30T12:00:00Z", "2022-12-26T12:00:00+0100",
          "2022-12-26T12:00:00.Z", "2022-12-26T24:00:00Z", "2022-12-26T12:00:60Z", "2100-02-29T12:00:00Z",
          "2022-12-26T12:00Z", "2022-12-26", "2022-12-26T12:00:00", "2022-12-26T12:00:00+24:00",
          "٢٠٢٢-12-26T12:00:00Z", "2022-12-26T12:00:00,5Z", "2022-13-01T00:00:00Z"]
GOOD_I64 = ["0", "-1", "42", "9223372036854775807", "1234567890123456789"]
BAD_I64 = ["12\n", "1.5", "", " 1", "1 ", "+1", "12345678901234567890", "0x10", "١٢", "1e3", "--1", "\n12"]
JUNK = [None, True, False, 0, -3, 2.5, "", "x", [], {}, [1], {"a": 1}, "\n"]


def resolve(node, root):
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
        extra = {k: v for k, v in node.items() if k != "$ref"}
        target = root
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in extra.items() if k.startswith("x-")}}
    return node


class Gen:
    def __init__(self, root, rnd: random.Random, p_mut: float):
        self.root, self.r, self.p = root, rnd, p_mut

    def string(self, node):
        r = self.r
        fmt, pat = node.get("format"), node.get("pattern")
        if pat and "0-9" in pat:
            return r.choice(GOOD_I64 if r.random() > self.p else BAD_I64)
        if fmt == "uuid":
            return r.choice(GOOD_UUIDS if r.random() > self.p * 2 else BAD_UUIDS)
        if fmt == "date-time":
            return r.choice(GOOD_DT if r.random() > self.p * 2 else BAD_DT)
        if "enum" in node:
            return r.choice(node["enum"]) if r.random() > self.p else r.choice(["NOPE", "", "paid"])
        s = "".join(r.choice(string.ascii_letters + " é\n") for _ in range(r.randint(0, 8)))
        return s if len(s) >= node.get("minLength", 0) else s + "x" * node["minLength"]

    def value(self, node, depth=0):
        r = self.r
        node = resolve(node, self.root)
        if node is True or node == {}:
            return r.choice(JUNK)
        if r.random() < self.p / 3:
            return r.choice(JUNK)
        if "anyOf" in node and "type" not in node:
            return self.value(r.choice(node["anyOf"]), depth)
        if "enum" in node and "type" not in node:
            return r.choice(node["enum"])
        t = node.get("type")
        if t == "object" or "properties" in node:
            out = {}
            props = node.get("properties", {})
            req = set(node.get("required", []))
            for k, sub in props.items():
                want = k in req or (depth < 6 and r.random() < 0.45)
                if k in req and r.random() < self.p / 2:
                    want = False
                if want:
                    out[k] = self.value(sub, depth + 1)
            if r.random() < self.p / 2:
                out[r.choice(["extra", "skipRefundValidation", "id2"])] = r.choice(JUNK)
            if not props and r.random() < 0.5:
                out["free"] = {"form": [1, "x"]}
            if node.get("minProperties", 0) > len(out) and props and r.random() > self.p:
                k = r.choice(sorted(props))
                out[k] = self.value(props[k], depth + 1)
            return out
        if t == "array":
            return [self.value(node.get("items", {}), depth + 1) for _ in range(r.randint(0, 2 if depth < 5 else 0))]
        if t == "string":
            return self.string(node)
        if t == "integer":
            return r.choice([0, 1, 7, -2, 2 ** 62]) if r.random() > self.p else r.choice([1.5, "3", True])
        if t == "number":
            return r.choice([0, 1.25, -6.26, 53.34]) if r.random() > self.p else r.choice(["1", None])
        if t == "boolean":
            return r.random() < 0.5 if r.random() > self.p else r.choice(["true", 0, 1])
        return r.choice(JUNK)


def schemas():
    """(label, schema, request?, error?) of every committed schema file and its http<status> defs."""
    for f in FILES:
        s = json.loads(f.read_text(encoding="utf-8"))
        rel = f.relative_to(ROOT).as_posix()
        request, error = f.name.endswith(".request.json"), f.name.endswith(".error.json")
        yield rel, s, request, error
        for name, sub in (s.get("$defs") or {}).items():
            if name.startswith("http"):
                yield f"{rel}#/$defs/{name}", {**sub, "$defs": s["$defs"]}, request, True


def policies(error: bool):
    """The validator's policies (see Contracts): both severities of undocumented fields, and for error
    bodies the error-code and envelope rules."""
    if error:
        return [dict(location="response", default_source="page", undocumented="error", closed_by_us="warning",
                     code_path=("details", "applicationError", "code"), error_rule="envelope")]
    return [dict(location="request", default_source="page", undocumented="error", closed_by_us="warning"),
            dict(location="response", default_source=None, undocumented="warning", closed_by_us="error",
                 readonly="error")]


def key(findings):
    return [(f.pointer, f.rule, f.severity, json.dumps(f.expected, sort_keys=True, default=str), f.actual,
             f.source, f.location) for f in findings]


@pytest.mark.slow
def test_fast_path_and_reference_agree_on_every_schema():
    fc = format_checker()
    rnd = random.Random(20240501)
    total = valid = explained = truncated = 0
    disagreements, different = [], []
    seen_files = set()
    for label, schema, request, error in schemas():
        seen_files.add(label.split("#")[0])
        c = Compiled(schema, request=request)
        py = Draft202012Validator(schema, format_checker=fc)
        pols = policies(error)
        for i in range(PER_SCHEMA):
            # half from the committed schema, half from the strict one (read-only wrappers, closed objects)
            source = schema if i % 2 == 0 else c.strict
            inst = Gen(source, rnd, p_mut=(0.0, 0.02, 0.08, 0.2, 0.02, 0.3, 0.08, 0.2)[i % 8]).value(source)
            total += 1
            a, b = c.rs.is_valid(inst), py.is_valid(inst)
            sa, sb = c.rs_strict.is_valid(inst), c.py.is_valid(inst)
            valid += a
            if a != b or sa != sb:
                disagreements.append((label, inst, a, b, sa, sb))
            if sa:
                continue
            pol = pols[i % len(pols)]
            cap = 3 if i % 3 == 0 else None
            fast = explain(c, inst, max_findings=cap, **pol)
            ref = explain_reference(c, inst, max_findings=cap, **pol)
            explained += 1
            truncated += any(f.rule == "truncated" for f in ref)
            if not fast or key(fast) != key(ref):
                different.append((label, inst, key(fast), key(ref)))
    assert seen_files == {f.relative_to(ROOT).as_posix() for f in FILES}
    assert total >= 10_000
    # both verdicts occur in quantity, so the comparison means something
    assert 0.1 * total < valid < 0.9 * total, (valid, total)
    assert explained > 0.25 * total and truncated > 100, (explained, truncated)
    assert not disagreements, disagreements[:5]
    assert not different, different[:3]


@pytest.fixture(scope="module")
def booking_response_schema():
    return Compiled(Catalog(ROOT).schema("bookings.createBooking", "response"), request=False)


def test_long_arrays_are_explained_item_by_item_with_the_references_findings(booking_response_schema):
    """An array longer than CHUNK is not handed to jsonschema-rs whole (it would materialise every error
    before the first): its items are checked one by one, and the findings are the reference's still."""
    c = booking_response_schema
    good = "5fa50f19-4c94-4c42-a72b-289505ba2028"
    addons = [{"id": "x" if i % 7 == 0 else good, "quantity": "no" if i % 5 == 0 else 1,
               **({"zz": 1} if i % 11 == 0 else {})} for i in range(CHUNK * 2 + 500)]
    body = {"booking": {"id": good, "status": "MAYBE", "bookedAddOns": addons, "surprise": True}}
    pol = policies(False)[0]
    per_item = sum((i % 7 == 0) + (i % 5 == 0) + (i % 11 == 0) for i in range(len(addons)))
    for cap in (None, 10, 100_000):
        fast = explain(c, body, max_findings=cap, **pol)
        assert key(fast) == key(explain_reference(c, body, max_findings=cap, **pol))
        rules = [f.rule for f in fast]
        if cap == 100_000:  # everything: the long array's size, the booking's own two, every item's
            assert "truncated" not in rules and len(fast) == 3 + per_item
            assert sorted(rules[:3]) == ["enum", "maxItems", "undocumented-field"]  # the shallowest first
        else:
            assert len(fast) == (cap or 1000) + 1 and rules[-1] == "truncated"
            assert fast[-1].actual == str(3 + per_item - (cap or 1000))


def test_empty_names_fall_back_to_the_reference(booking_response_schema):
    """jsonschema-rs 0.60 leaves an empty key out of its error paths: such a payload is explained by the
    reference engine, with the right pointers."""
    c = booking_response_schema
    body = {"booking": {"": {"": 1}, "status": "MAYBE", "contactDetails": {"": None}}, "": []}
    pol = policies(False)[1]
    fast = explain(c, body, **pol)
    assert key(fast) == key(explain_reference(c, body, **pol))
    assert {f.pointer for f in fast} >= {"/", "/booking/", "/booking/contactDetails/", "/booking/status"}


@pytest.mark.parametrize("value", GOOD_UUIDS + BAD_UUIDS)
def test_uuid_format_agrees(value):
    rs = jsonschema_rs.validator_for({"format": "uuid"}, validate_formats=True)
    assert rs.is_valid(value) == is_uuid(value)


@pytest.mark.parametrize("value", GOOD_DT + BAD_DT)
def test_date_time_format_agrees(value):
    rs = jsonschema_rs.validator_for({"format": "date-time"}, validate_formats=True)
    assert rs.is_valid(value) == is_date_time(value) == (value in GOOD_DT)


def schema_at(root: dict, dotted: str) -> dict:
    """The resolved subschema for a dotted field path (``[]`` steps into array items)."""
    node = resolve(root, root)
    for part in dotted.replace("[]", ".[]").split("."):
        node = resolve(node["items"] if part == "[]" else node["properties"][part], root)
    return node


def test_int64_fields_found_by_walking():
    """Every committed int64 field (revision & co.) uses the same string pattern the next test exercises."""
    pats = set()

    def walk(n):
        if isinstance(n, dict):
            if n.get("x-wix-int64"):
                pats.update(b["pattern"] for b in n.get("anyOf", []) if b.get("type") == "string")
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    for f in FILES:
        walk(json.loads(f.read_text()))
    assert len(pats) == 1, pats


@pytest.mark.parametrize("value", GOOD_I64 + BAD_I64)
def test_int64_pattern_agrees(value):
    s = Catalog(ROOT).schema("bookings.declineMultiServiceBooking", "request")
    node = schema_at(s, "declineBookingsInfo[].revision")
    assert node.get("x-wix-int64")
    node = next(b for b in node["anyOf"] if b.get("type") == "string")
    rs = jsonschema_rs.validator_for(node)
    py = Draft202012Validator(node)
    assert rs.is_valid(value) == py.is_valid(value) == (value in GOOD_I64)


def test_stock_format_checker_would_disagree():
    """Why formats.py exists: the stock checker skips date-time (no rfc3339-validator) and
    accepts uuid.UUID's loose spellings, so it cannot explain the fast path's verdicts."""
    stock = Draft202012Validator({"format": "date-time"}, format_checker=Draft202012Validator.FORMAT_CHECKER)
    rs = jsonschema_rs.validator_for({"format": "date-time"}, validate_formats=True)
    differs = [v for v in BAD_DT if stock.is_valid(v) != rs.is_valid(v)]
    stock_u = Draft202012Validator({"format": "uuid"}, format_checker=Draft202012Validator.FORMAT_CHECKER)
    rs_u = jsonschema_rs.validator_for({"format": "uuid"}, validate_formats=True)
    differs += [v for v in BAD_UUIDS if stock_u.is_valid(v) != rs_u.is_valid(v)]
    assert differs  # if this ever fails, the stock checker caught up and formats.py can go
