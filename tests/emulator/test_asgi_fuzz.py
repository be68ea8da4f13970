"""The ASGI app under hostile input: hypothesis drives it with raw ASGI messages (bodies, paths, raw
paths, methods, headers).  Every response is JSON; every non-200 carries Wix's error envelope; none is
a 5xx.  Bounded here (``make test``); ``make fuzz`` runs it long (``WIXCONTRACTS_ASGI_FUZZ_EXAMPLES``)."""

from __future__ import annotations

import asyncio
import json
import logging
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wixcontracts.emulator.asgi import OPERATIONS_PATH, create_app
from wixcontracts.emulator.core import Emulator

EXAMPLES = int(os.environ.get("WIXCONTRACTS_ASGI_FUZZ_EXAMPLES", "300"))
LOOP = asyncio.new_event_loop()


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def call(app, method: str, path: str, body: bytes = b"", headers=(), raw_path: bytes | None = None,
         query: bytes = b"", chunks: int = 1):
    """One request through the raw ASGI interface: (status, headers dict, body bytes)."""
    size = max(1, -(-len(body) // max(1, chunks)))
    parts = [body[i:i + size] for i in range(0, len(body), size)] or [b""]
    incoming = [{"type": "http.request", "body": p, "more_body": i < len(parts) - 1} for i, p in enumerate(parts)]
    sent: list[dict] = []

    async def receive():
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode("utf-8", "surrogateescape") if raw_path is None else raw_path,
             "query_string": query, "root_path": "", "headers": list(headers), "client": ("127.0.0.1", 5000),
             "server": ("127.0.0.1", 8787)}
    LOOP.run_until_complete(app(scope, receive, send))
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert len(starts) == 1, sent
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return starts[0]["status"], {k.decode("latin-1"): v.decode("latin-1") for k, v in starts[0]["headers"]}, body


def assert_wix_response(status: int, headers: dict, body: bytes) -> None:
    assert status < 500, (status, body[:500])
    assert headers.get("content-type", "").startswith("application/json"), headers
    data = json.loads(body.decode("utf-8"), parse_constant=lambda c: pytest.fail(f"{c} in a response"))
    assert isinstance(data, dict), data
    if status == 200:
        return
    assert isinstance(data.get("message"), str) and data["message"], data
    details = data.get("details")
    assert isinstance(details, dict) and len(details) == 1, data
    if "validationError" in details:
        violations = details["validationError"]["fieldViolations"]
        assert isinstance(violations, list) and violations, data
        assert all(isinstance(v.get("field"), str) and isinstance(v.get("description"), str) for v in violations)
    else:
        err = details["applicationError"]
        assert isinstance(err.get("code"), str) and isinstance(err.get("description"), str), data


@pytest.fixture(scope="module")
def app():
    return create_app(Emulator())


@pytest.fixture(scope="module")
def errors():
    h = _Errors()
    logger = logging.getLogger("wixcontracts.emulator")
    logger.addHandler(h)
    yield h
    logger.removeHandler(h)


CANON = "/_api/bookings-service/v2"
TEMPLATES = [f"{CANON}/bookings", f"{CANON}/bookings/{{id}}/cancel", f"{CANON}/bookings/{{id}}/confirm",
             f"{CANON}/bookings/{{id}}/decline", f"{CANON}/bookings/{{id}}/mark_booking_as_pending",
             f"{CANON}/multi_service_bookings", f"{CANON}/multi_service_bookings/{{id}}",
             f"{CANON}/multi_service_bookings/{{id}}/decline", "/bookings/v2/bookings", OPERATIONS_PATH, "/"]

json_leaf = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
             | st.text(max_size=20))
json_values = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=30)
booking = st.fixed_dictionaries({"booking": st.fixed_dictionaries({
    "totalParticipants": st.integers(-3, 10) | st.text(max_size=3),
    "bookedEntity": st.fixed_dictionaries({"slot": st.fixed_dictionaries({
        "serviceId": st.uuids().map(str) | st.text(max_size=5),
        "startDate": st.just("2030-01-01T10:00:00"), "endDate": st.just("2030-01-01T11:00:00")})})})})
revision = st.fixed_dictionaries({"revision": st.integers(-2, 5) | st.text("0123456789x", max_size=25)})


@st.composite
def nested(draw):
    depth = draw(st.sampled_from([50, 99, 100, 101, 150, 990, 1000, 3000]))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    leaf = "1" if opener != "[" else ""
    return ('{"booking":' + opener * depth + leaf + closer * depth + "}").encode()


odd_literals = st.sampled_from([b'{"revision": NaN}', b'{"revision": Infinity}', b'{"revision": -Infinity}',
                                b'{"revision": 1e999}', b'{"revision": ' + b"9" * 5000 + b"}",
                                b'{"booking": {"id": "\\ud800"}}', b'{"booking": {"\\udfff": 1}}',
                                b'{"a": 1, "a": 2}', b"\xef\xbb\xbf{}", b"\xff\xfe{\x00}\x00", b'"\xed\xa0\x80"',
                                b"{", b"[]", b"null", b"0", b'"x"', b"{}" * 3, b" " * 10])
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    booking.map(lambda v: json.dumps(v).encode()),
    revision.map(lambda v: json.dumps(v).encode()),
    nested(),
    odd_literals,
    st.text(max_size=60).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
segment = st.one_of(st.uuids().map(str), st.text(max_size=12), st.sampled_from(["%0A", "%2F", "..", "%ff", "%", ""]))
paths = st.one_of(
    st.tuples(st.sampled_from(TEMPLATES), segment).map(lambda t: t[0].replace("{id}", t[1])),
    st.text(max_size=40).map(lambda t: "/" + t),
)
methods = st.one_of(st.sampled_from(["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"]),
                    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ-_!", min_size=1, max_size=10))
header_names = st.one_of(st.sampled_from([b"content-type", b"authorization", b"wix-site-id", b"wix-account-id",
                                          b"content-length", b"accept", b"x-wix-request-id"]),
                         st.binary(min_size=1, max_size=12).map(bytes.lower))
header_values = st.one_of(st.sampled_from([b"application/json", b"text/plain", b"application/json; charset=latin-1",
                                           b"", b"0", b"99999999999", b"-1"]), st.binary(max_size=30))
headers = st.lists(st.tuples(header_names, header_values), max_size=5)


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
@given(method=methods, path=paths, body=bodies, hdrs=headers, raw=st.none() | st.binary(max_size=40),
       query=st.binary(max_size=20), chunks=st.integers(1, 3))
def test_every_response_is_json_with_the_envelope(app, errors, method, path, body, hdrs, raw, query, chunks):
    status, h, out = call(app, method, path, body, hdrs, raw_path=None if raw is None else b"/" + raw, query=query,
                          chunks=chunks)
    assert_wix_response(status, h, out)
    assert not errors.records, errors.records[-1].getMessage()


@pytest.mark.parametrize("body,needle", [
    (b'{"booking":' + b"[" * 990 + b"]" * 990 + b"}", "nested deeper than 100 levels"),
    (b'{"a":' * 995 + b"1" + b"}" * 995, "nested deeper than 100 levels"),
    (b'{"booking": "\xff\xfe"}', "utf-8"),
    (b'{"booking": {"totalParticipants": ' + b"9" * 5000 + b"}}", "integer too large"),
    (b'{"booking": {"totalParticipants": 1e999}}', "number out of range"),
    (b'{"booking": {"totalParticipants": NaN}}', "NaN is not a JSON value"),
    (b'{"booking": {"id": "\\ud800"}}', "not valid Unicode"),
])
def test_hostile_bodies_get_a_400_with_the_validation_envelope(app, body, needle):
    status, h, out = call(app, "POST", f"{CANON}/bookings", body, [(b"content-type", b"application/json")])
    assert status == 400, out
    assert_wix_response(status, h, out)
    data = json.loads(out)
    assert needle in data["details"]["validationError"]["fieldViolations"][0]["description"]


def test_an_unexpected_exception_is_a_500_with_the_envelope_and_is_logged(errors, monkeypatch):
    emu = Emulator()
    app = create_app(emu)

    def boom(*a, **k):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(emu, "handle", boom)
    before = len(errors.records)
    status, h, out = call(app, "POST", f"{CANON}/bookings", b"{}")
    assert status == 500 and h["content-type"].startswith("application/json")
    data = json.loads(out)
    assert data["details"]["applicationError"]["code"] == "INTERNAL_ERROR" and data["message"]
    logged = errors.records[before:]
    errors.records[before:] = []
    assert len(logged) == 1 and logged[0].exc_info[0] is ZeroDivisionError


def test_too_large_bodies_are_refused_with_the_envelope():
    app = create_app(Emulator(), max_body=1000)
    status, h, out = call(app, "POST", f"{CANON}/bookings", b"[" + b"1," * 600 + b"1]", chunks=3)
    assert status == 413 and json.loads(out)["details"]["applicationError"]["code"] == "PAYLOAD_TOO_LARGE"
    status, _, out = call(app, "POST", f"{CANON}/bookings", b"{}", [(b"content-length", b"5000")])
    assert status == 413


def test_operations_endpoint_lists_what_is_emulated(app):
    status, h, out = call(app, "GET", OPERATIONS_PATH)
    data = json.loads(out)
    assert status == 200 and data["emulator"] == "wixcontracts"
    assert "bookings.createBooking" in data["operations"] and "services.cloneService" not in data["operations"]
    assert data["operations"] == sorted(Emulator().handlers)
