"""The emulator emits the documented events for its state changes, and they are what Wix would deliver:
each one, signed as a webhook, validates against its committed event schema; tests see them as
``wix_api.events``; ``wixcontracts serve --webhook-url`` posts them to the integrator's handler."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

pytest.importorskip("jwt", reason="PyJWT is not installed (pip install 'wixcontracts[webhooks]')")

from tests.serving import serving  # noqa: E402
from wixcontracts.catalog import Catalog  # noqa: E402
from wixcontracts.emulator.core import Emulator  # noqa: E402
from wixcontracts.emulator.flow import SUNDAY, Flow, script  # noqa: E402
from wixcontracts.webhooks.emulated import delivery_of  # noqa: E402
from wixcontracts.webhooks.keys import generate  # noqa: E402
from wixcontracts.webhooks.validate import EventContracts, validate_event  # noqa: E402

CAT = Catalog()
KEY = generate()


@pytest.fixture(scope="module")
def flow_events():
    emu = Emulator(seed="business", clock=SUNDAY)
    f = Flow(emu, None)
    try:
        script(f)
    finally:
        f.close()
    return emu.events


def test_the_whole_flow_emits_documented_events(flow_events):
    types = {e.type for e in flow_events}
    assert {"wix.bookings.v2.booking_created", "wix.bookings.v2.booking_confirmed",
            "wix.bookings.v2.booking_canceled"} <= types, types
    for t in types:  # every type the emulator emits is one a pinned package declares
        assert CAT.event(t)["event_type"] == t


def test_every_emulated_event_is_a_valid_signed_delivery(flow_events):
    contracts = EventContracts(CAT.event_schema_by_type)
    problems = []
    for e in flow_events:
        token, delivery = delivery_of(e, key=KEY)
        assert delivery.event["id"] == e.id and delivery.event["entityId"] == e.entity_id
        r = validate_event(contracts, token, public_key=KEY.public_pem)
        if not r.ok:
            problems.append(f"{e.type}: " + "; ".join(f"{f.pointer} {f.rule}: {f.message}" for f in r.errors))
    assert not problems, "\n".join(problems)


def test_a_bad_entity_in_an_emulated_event_is_caught(flow_events):
    """The check can fail: the same event with a status the contract does not have."""
    e = next(x for x in flow_events if x.type == "wix.bookings.v2.booking_created")
    entity = e.entity
    entity["status"] = "TELEPORTED"
    import marshal

    bad = type(e)(e.type, e.entity_id, marshal.dumps(entity), e.time, e.operation)
    token, _ = delivery_of(bad, key=KEY)
    r = validate_event(EventContracts(CAT.event_schema_by_type), token, public_key=KEY.public_pem)
    assert [(f.rule, f.pointer.rsplit("/", 1)[-1]) for f in r.errors] == [("enum", "status")]


def test_wix_api_events_in_an_integrators_test(pytester):
    pytester.makepyfile(test_events='''
import httpx
SLOT = {"serviceId": "8ee826a3-64c4-416d-a22c-e01d39f56931", "scheduleId": "5fa50f19-4c94-4c42-a72b-289505ba2028",
        "startDate": "2030-01-01T10:00:00.000Z", "endDate": "2030-01-01T11:00:00.000Z"}
H = {"Authorization": "k", "wix-site-id": "5fa50f19-4c94-4c42-a72b-289505ba2028"}
received = []
def handler(environ, start_response):  # an integrator's WSGI webhook endpoint
    n = int(environ.get("CONTENT_LENGTH") or 0)
    received.append(environ["wsgi.input"].read(n))
    start_response("200 OK", [("content-type", "text/plain")])
    return [b"ok"]
def test_created_then_canceled(wix_api):
    r = httpx.post("https://www.wixapis.com/bookings/v2/bookings", headers=H,
                   json={"booking": {"totalParticipants": 1, "bookedEntity": {"slot": SLOT}}})
    b = r.json()["booking"]
    httpx.post(f"https://www.wixapis.com/bookings/v2/bookings/{b['id']}/cancel", headers=H,
               json={"revision": b["revision"]})
    assert [e.type.rsplit(".", 1)[-1] for e in wix_api.events] == ["booking_created", "booking_canceled"]
    assert wix_api.events.last.entity["status"] == "CANCELED"
    assert len(wix_api.events.of("booking_created")) == 1
    results = wix_api.events.deliver(handler)
    assert [x.ok for x in results] == [True, True] and len(received) == 2
''')
    r = pytester.runpytest("-p", "no:cacheprovider")
    r.assert_outcomes(passed=1)


class _Hook(BaseHTTPRequestHandler):
    bodies: list = []

    def do_POST(self):  # noqa: N802
        n = int(self.headers.get("content-length") or 0)
        _Hook.bodies.append(self.rfile.read(n))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *a):
        pass


def test_serve_delivers_its_events_to_a_registered_url(tmp_path):
    hook = HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=hook.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()  # shutdown() waits a poll
    try:
        with serving("--webhook-url", f"http://127.0.0.1:{hook.server_port}/webhooks",
                     env={"WIXCONTRACTS_CACHE": str(tmp_path)}) as base:
            _create_and_receive(base)
    finally:
        hook.shutdown()


def _create_and_receive(base: str) -> None:
    import httpx

    slot = {"serviceId": "8ee826a3-64c4-416d-a22c-e01d39f56931", "scheduleId": "5fa50f19-4c94-4c42-a72b-289505ba2028",
            "startDate": "2030-01-01T10:00:00.000Z", "endDate": "2030-01-01T11:00:00.000Z"}
    r = httpx.post(f"{base}/bookings/v2/bookings", json={"booking": {"totalParticipants": 1,
                                                                      "bookedEntity": {"slot": slot}}})
    assert r.status_code == 200, r.text
    deadline = time.monotonic() + 20
    while not _Hook.bodies and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _Hook.bodies, "no webhook arrived"
    from wixcontracts.webhooks.delivery import decode_delivery

    d = decode_delivery(_Hook.bodies[0].decode(), verify=False)
    assert d.event_type == "wix.bookings.v2.booking_created"
    assert d.event["entityId"] == r.json()["booking"]["id"]
    assert json.loads(d.event["createdEvent"]["entityAsJson"])["id"] == r.json()["booking"]["id"]
