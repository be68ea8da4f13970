"""The request hot path's shortcuts (issue 12) answer exactly what the general code answers:

* ``_canonical_names``: the raw-JSON test that lets ``wire.read`` skip looking for proto names never says
  "no key holds ``_``" when one does, and stays linear on a body of underscores;
* ``_parse``'s direct C-scanner call reads what ``json`` reads (BOM, whitespace, extra data refused);
* the ASGI front's JSON encoder writes ``json.dumps(allow_nan=False)`` byte for byte;
* ``rfc3339`` formats as ``isoformat(timespec="milliseconds")`` did;
* the router's table of parameterless paths finds what the trie walk finds;
* ``_has_underscore_key`` is ``any("_" in k for k in _keys(v))`` (up to its depth bound)."""

import json
import random
import time
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wixcontracts.emulator.asgi import _dumps
from wixcontracts.emulator.clock import rfc3339
from wixcontracts.emulator.core import Emulator, _canonical_names, shared
from wixcontracts.validate.wire import _has_underscore_key, _keys

from .helpers import CANON

_TEXT = st.text(alphabet='ab_"\\: /éu\n', max_size=6)
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | _TEXT,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
                     max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_TEXT, _JSON, max_size=4), st.sampled_from([None, 1, "\t"]), st.booleans())
def test_canonical_names_never_misses_an_underscore_key(value, indent, ascii_only):
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only).encode()
    if _canonical_names(text):
        assert not any("_" in k for k in _keys(value))


@pytest.mark.parametrize("text, canonical", [
    (b'{"a_b": 1}', False), (b'{"a": "x_y"}', True), (b'{"a": "x_y", "b_": 2}', False),
    (b'{"a\\"_b": 1}', False), (b'{"a_\\"b": 1}', False), (b'{"a": "_\\": "}', True),
    (b'{"a": ["x_", {"k_ k" :1}]}', False), (b'{"a":{"b":{"c_d"\n:\t1}}}', False),
    (b'{"\\u005f": 1}', False),  # an escape may spell "_": never canonical
])
def test_canonical_names_cases(text, canonical):
    assert _canonical_names(text) is canonical


def test_canonical_names_is_linear():
    start = time.perf_counter()
    assert _canonical_names(b'{"a": "' + b"_" * 60000 + b'"}')
    assert time.perf_counter() - start < 0.5


def test_proto_names_are_still_read_through_handle():
    emu = Emulator()
    body = {"booking": {"total_participants": 2, "contact_details": {"first_name": "Ada"},
                        "booked_entity": {"slot": {"service_id": "11111111-1111-4111-8111-111111111111"}}}}
    status, _, out = emu.handle("POST", f"{CANON}/bookings", {}, json.dumps(body).encode())
    assert status == 200, out
    b = out["booking"]
    assert b["totalParticipants"] == 2 and b["contactDetails"] == {"firstName": "Ada"}
    assert b["bookedEntity"]["slot"]["serviceId"] == "11111111-1111-4111-8111-111111111111"


@pytest.mark.parametrize("raw", [b'{"a": 1}', b'\xef\xbb\xbf{"a": [1, 2.5, "x"]}', b' \r\n{"a": {}}\t\n',
                                 b'[1]', b'"s"', b'null', b'{"a": "\xc3\xa9"}'])
def test_parse_reads_what_json_reads(raw):
    assert Emulator._parse(raw) == json.loads(raw.decode("utf-8-sig"))


@pytest.mark.parametrize("raw", [b'{"a": 1} x', b'{"a": 1}{}', b'{"a": NaN}', b'{"a": 1e999}', b'{"a": \xff}',
                                 b'\xef\xbb\xbf', b'{"a": 1'])
def test_parse_refuses_what_it_refused(raw):
    with pytest.raises(Exception) as e:
        Emulator._parse(raw)
    assert type(e.value).__name__ == "ValidationFailure"


@pytest.mark.parametrize("value", [{"a": [1, 2.5, "é\u2028", None, True, {"x": {}}]}, "str", 5, [], -0.0, 1e300,
                                   {1: 2, 2.5: 3, None: 1, True: 2}, {"booking": {"id": "x", "revision": "1"}}])
def test_dumps_is_json_dumps(value):
    assert _dumps(value) == json.dumps(value, allow_nan=False, ensure_ascii=True)


@pytest.mark.parametrize("value", [float("nan"), {"a": float("inf")}, {"a": object()}, {(1, 2): 3}])
def test_dumps_refuses_what_json_dumps_refuses(value):
    with pytest.raises(Exception) as expected:
        json.dumps(value, allow_nan=False)
    with pytest.raises(type(expected.value)):
        _dumps(value)


def test_rfc3339_is_isoformat_milliseconds():
    rnd = random.Random(12)
    zones = [timezone.utc, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
    for _ in range(5000):
        dt = datetime(rnd.choice([1, 999, 1000, 9999, rnd.randint(2, 9998)]), rnd.randint(1, 12), rnd.randint(1, 28),
                      rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59),
                      rnd.choice([0, 999, 999999, rnd.randint(0, 999999)]), tzinfo=rnd.choice(zones))
        try:
            want = dt.astimezone(timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z"
        except OverflowError:
            continue
        assert rfc3339(dt) == want


def test_static_routes_are_what_the_trie_finds():
    router = shared().router
    assert router.static
    for (method, path), op in router.static.items():
        for variant in (f"/{path}", f"/{path}/", path):
            got = router.match(method.lower(), variant)
            seen: list = []
            walked = router._walk(router.root, variant.strip("/").split("/"), 0, [], method, seen)
            assert got == (op, {}) and walked is not None and walked[0][0] is op and walked[1] == []


def test_has_underscore_key_is_the_generator_definition():
    rnd = random.Random(3)

    def value(d=0):
        r = rnd.random()
        if d < 4 and r < 0.35:
            return {rnd.choice(["a", "b", "c_d", "e", "_"]) + str(i): value(d + 1) for i in range(rnd.randint(0, 3))}
        if d < 4 and r < 0.5:
            return [value(d + 1) for _ in range(rnd.randint(0, 3))]
        return rnd.choice(["x_y", 1, None])

    for _ in range(3000):
        v = {"k": value()}
        assert _has_underscore_key(v) == any("_" in k for k in _keys(v))
