"""WixClient: headers, rate limit, retries with backoff / Retry-After, timeouts, request ids (MockTransport + fake clock)."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.drift.helpers import FakeClock
from wixcontracts.live.client import Credentials, WixClient, retry_after
from wixcontracts.live.ratelimit import TokenBucket


def client(handler, clock=None, **kw):
    clock = clock or FakeClock()
    return WixClient(Credentials("KEY-raw", "site-1"), transport=httpx.MockTransport(handler),
                     bucket=TokenBucket(clock=clock, sleep=clock.sleep), sleep=clock.sleep, **kw), clock


def ok(request, rid="rid-1"):
    return httpx.Response(200, json={"booking": {"id": "b1"}}, headers={"x-wix-request-id": rid})


def test_headers_raw_key_site_id_and_url():
    seen = []
    c, _ = client(lambda r: seen.append(r) or ok(r), base_url="http://127.0.0.1:9")
    call = c.call("cancelBooking", {"revision": "1"}, {"bookingId": "a/b"})
    r = seen[0]
    assert r.headers["authorization"] == "KEY-raw" and "bearer" not in r.headers["authorization"].lower()
    assert r.headers["wix-site-id"] == "site-1" and "wix-account-id" not in r.headers
    assert str(r.url) == "http://127.0.0.1:9/_api/bookings-service/v2/bookings/a%2Fb/cancel"
    assert call.ok and call.request_id == "rid-1"


def test_account_id_header_when_no_site():
    seen = []
    c = WixClient(Credentials("K", None, "acc-1"), transport=httpx.MockTransport(lambda r: seen.append(r) or ok(r)),
                  bucket=TokenBucket(clock=FakeClock(), sleep=lambda s: None))
    c.call("createBooking", {})
    assert seen[0].headers["wix-account-id"] == "acc-1" and "wix-site-id" not in seen[0].headers
    assert Credentials.from_env({"WIX_API_KEY": "k"}) is None
    assert Credentials.from_env({"WIX_API_KEY": "k", "WIX_ACCOUNT_ID": "a"}).account_id == "a"


def test_rate_limit_keeps_under_200_per_minute():
    clock = FakeClock()
    c, _ = client(ok, clock)
    times = []
    for _ in range(400):
        c.call("createBooking", {})
        times.append(clock.now)
    for i in range(len(times)):
        window = [t for t in times[i:] if t < times[i] + 60]
        assert len(window) < 200
    assert clock.now > 60  # it had to wait
    with pytest.raises(ValueError):
        TokenBucket(per_minute=195, capacity=10)


def test_retries_5xx_and_429_with_exponential_backoff_then_succeeds():
    statuses = iter([503, 500, 429, 200])
    c, clock = client(lambda r: httpx.Response(next(statuses), json={}, headers={"x-wix-request-id": "r"}),
                      backoff=1.0)
    call = c.call("createBooking", {})
    assert call.status == 200 and call.attempts == 4
    assert [s for s in clock.sleeps if s >= 1] == [1.0, 2.0, 4.0]


def test_retry_after_seconds_and_http_date_override_backoff():
    seq = iter([httpx.Response(429, headers={"retry-after": "7"}), httpx.Response(200, json={})])
    c, clock = client(lambda r: next(seq))
    c.call("createBooking", {})
    assert 7.0 in clock.sleeps
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412470.0) == pytest.approx(10.0)
    assert retry_after("garbage") is None and retry_after(None) is None


def test_retries_are_bounded():
    n = []
    c, clock = client(lambda r: n.append(1) or httpx.Response(502, json={}), max_retries=2)
    call = c.call("createBooking", {})
    assert call.status == 502 and len(n) == 3 and len(call.retries) == 2


def test_timeouts_are_retried_then_raised():
    n = []

    def boom(r):
        n.append(1)
        raise httpx.ReadTimeout("slow", request=r)

    c, _ = client(boom, max_retries=3)
    with pytest.raises(httpx.ReadTimeout):
        c.call("createBooking", {})
    assert len(n) == 4
    seq = iter([httpx.ConnectTimeout("x"), None])

    def once(r):
        e = next(seq)
        if e:
            raise e
        return ok(r)

    c2, _ = client(once)
    assert c2.call("createBooking", {}).attempts == 2


def test_request_ids_are_logged(caplog):
    ids = iter(["a1", "a2"])
    c, _ = client(lambda r: ok(r, next(ids)))
    with caplog.at_level(logging.INFO, logger="wixcontracts.live"):
        c.call("createBooking", {})
        c.call("createBooking", {})
    assert c.request_ids == ["a1", "a2"]
    assert "x-wix-request-id=a1" in caplog.text and "x-wix-request-id=a2" in caplog.text
