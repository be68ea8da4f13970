"""The delivery helper for integrators' handler tests: ASGI / WSGI apps in process, URLs, latency."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from wixcontracts.catalog import Catalog
from wixcontracts.webhooks import WebhookError, cached_key_pair, decode_delivery, validate_event
from wixcontracts.webhooks.deliver import (
    DEFAULT_INSTANCE_ID, deliver, example_entity, make_delivery, target_kind,
)

from .conftest import UUID, serving

pytestmark = pytest.mark.usefixtures("test_cache")


def make_asgi(seen: list, status: int = 200, delay: float = 0.0):
    async def hook(request):
        if delay:
            await asyncio.sleep(delay)
        body = (await request.body()).decode()
        d = decode_delivery(body, public_key=cached_key_pair().public_pem)
        seen.append(d)
        return JSONResponse({"eventType": d.event_type}, status_code=status)

    return Starlette(routes=[Route("/webhooks", hook, methods=["POST"])])


def test_asgi_app_in_process():
    seen: list = []
    r = deliver(make_asgi(seen), "booking_created", path="/webhooks")
    assert r.ok and r.status == 200 and r.in_time and 0 <= r.elapsed_ms < r.deadline_ms == 1250
    assert json.loads(r.body) == {"eventType": "wix.bookings.v2.booking_created"}
    assert seen[0].message["instanceId"] == DEFAULT_INSTANCE_ID == r.delivery.message["instanceId"]
    assert seen[0].payload == r.delivery.payload and r.summary().startswith("ok wix.bookings.v2.booking_created -> ")
    assert r.problems == []


def test_explicit_entity_instance_and_key():
    from wixcontracts.webhooks import generate

    pair = generate()
    seen: list = []

    async def hook(request):
        seen.append(decode_delivery(await request.body(), public_key=pair.public_pem))
        return PlainTextResponse("")

    web = Starlette(routes=[Route("/", hook, methods=["POST"])])
    booking = {"id": UUID, "status": "CANCELED"}
    r = deliver(web, "wix.bookings.v2.booking_canceled", {"booking": booking}, instance_id="inst-9", key=pair)
    assert r.ok and seen[0].payload == {"booking": booking} and seen[0].message["instanceId"] == "inst-9"
    assert seen[0].event["entityId"] == UUID and seen[0].event["slug"] == "canceled"
    r = deliver(web, "booking_created", booking, form="object", key=pair.private_pem)  # a PEM works too
    assert r.ok and seen[-1].body_field == ("createdEvent", "entity")


def test_wsgi_app_in_process():
    seen = []

    def wsgi(environ, start_response):
        size = int(environ.get("CONTENT_LENGTH") or 0)
        seen.append(environ["wsgi.input"].read(size).decode())
        start_response("204 No Content", [])
        return [b""]

    r = deliver(wsgi, "booking_updated")
    assert r.ok and r.status == 204 and target_kind(wsgi) == "wsgi"
    assert decode_delivery(seen[0], public_key=cached_key_pair().public_pem).event_type == "wix.bookings.v2.booking_updated"


def test_url_target():
    seen: list = []
    with serving(make_asgi(seen)) as url:
        r = deliver(url + "/webhooks", "bookings.booking_confirmed")
    assert r.ok and seen[0].event_type == "wix.bookings.v2.booking_confirmed" and r.target == url + "/webhooks"


def test_url_deliveries_share_one_tls_context(monkeypatch):
    """Each delivery to a URL opens a client; the CA bundle is loaded once per process, not per client."""
    import ssl

    loads = []
    real = ssl.SSLContext.load_verify_locations
    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", lambda self, *a, **kw: (loads.append(a),
                                                                                        real(self, *a, **kw))[1])
    seen: list = []
    with serving(make_asgi(seen)) as url:
        results = [deliver(url + "/webhooks", "bookings.booking_confirmed") for _ in range(3)]
    assert all(r.ok for r in results) and len(seen) == 3
    assert len(loads) <= 1, loads


def test_failures_are_results_not_exceptions():
    assert not deliver(make_asgi([], status=500), "booking_created", path="/webhooks").ok
    r = deliver(make_asgi([]), "booking_created", path="/nowhere")
    assert r.status == 404 and r.problems == ["status 404, expected 2xx"]

    async def raising(scope, receive, send):
        raise RuntimeError("boom")

    r = deliver(raising, "booking_created")
    assert not r.ok and r.status is None and r.error == "the app raised RuntimeError: boom"
    assert "FAILED" in r.summary() and "boom" in r.summary()


def test_deadline():
    r = deliver(make_asgi([], delay=0.05), "booking_created", path="/webhooks", deadline_ms=10)
    assert r.status == 200 and not r.in_time and not r.ok
    assert r.problems[0].endswith("over the 10 ms deadline")


def test_inside_a_running_event_loop():
    async def main():
        return deliver(make_asgi([]), "booking_created", path="/webhooks")

    assert asyncio.run(main()).ok


def test_target_kinds():
    class AsgiClass:
        async def __call__(self, scope, receive, send):
            pass

    async def asgi_fn(scope, receive, send):
        pass

    def three(scope, receive, send):
        pass

    assert target_kind(AsgiClass()) == target_kind(asgi_fn) == target_kind(three) == "asgi"
    assert target_kind(make_asgi([])) == "asgi" and target_kind("http://127.0.0.1:1/x") == "url"
    for bad in ("127.0.0.1:8000/x", 42):
        with pytest.raises(WebhookError, match="expected an http"):
            target_kind(bad)


def test_unknown_and_ambiguous_events():
    with pytest.raises(WebhookError, match="unknown event 'bookng_created'; did you mean booking_created"):
        deliver(make_asgi([]), "bookng_created")
    with pytest.raises(WebhookError, match="ambiguous event 'created'"):
        deliver(make_asgi([]), "created")


def test_generated_entities_are_deterministic_and_realistic():
    a, b = example_entity("booking_created"), example_entity("booking_created")
    assert a == b and a != example_entity("booking_created", seed=1)
    slot = a["bookedEntity"]["slot"]
    assert slot["timezone"] == "Europe/Dublin" and slot["startDate"].endswith("Z")
    assert a["contactDetails"]["email"].endswith("@example.com")
    assert example_entity("attendance_deleted") is None  # the event carries no body


@pytest.mark.slow
def test_every_event_delivers_a_valid_message():
    """All 47 events: a generated delivery passes its own contract, every layer."""
    cat = Catalog()
    pub = cached_key_pair().public_pem
    for eid in cat.events:
        for seed in (0, 1):
            token, d = make_delivery(eid, seed=seed, catalog=cat)
            r = validate_event(cat.event_schema_by_type, token, public_key=pub)
            assert r.findings == [], (eid, r.findings[:3])


def test_fast_enough_for_a_test_suite():
    web = make_asgi([])
    deliver(web, "booking_created", path="/webhooks")
    start = time.perf_counter()
    for _ in range(5):
        assert deliver(web, "booking_created", path="/webhooks").ok
    assert time.perf_counter() - start < 10
