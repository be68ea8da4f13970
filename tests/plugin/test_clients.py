"""Every client gets the same checks; any other route to a Wix host is blocked; faults of every kind."""

import pytest

from tests.plugin.test_plugin import failure_section, run


def test_requests_gets_the_same_checks_and_real_responses(pytester):
    r = run(pytester, """
import requests
def test_ok(wix_api):
    seed(wix_api)
    r = requests.post(DECLINE, json=decline_body(), headers=H)
    assert isinstance(r, requests.Response) and r.status_code == 200 and r.ok
    assert r.json()["multiServiceBooking"]["id"] == MSB and r.headers["Content-Type"] == "application/json"
    assert r.request.url == DECLINE and r.url == DECLINE
    c = wix_api.calls.last
    assert (c.operation, c.client, c.status) == ("bookings.declineMultiServiceBooking", "requests", 200)
    assert c.response is r

def test_session_and_error(wix_api):
    s = requests.Session()
    s.headers.update(H)
    wix_api.fail("declineMultiServiceBooking", code="BOOKING_REVISION_MISMATCH")
    r = s.post(DECLINE, json=decline_body())
    assert r.status_code == 428 and r.json()["details"]["applicationError"]["code"] == "BOOKING_REVISION_MISMATCH"
    with pytest.raises(requests.HTTPError):
        r.raise_for_status()

def test_bad(wix_api):
    try:
        requests.post(DECLINE, json={"declineBookingsInfo": [{"bookingId": "nope", "revision": 1}]}, headers=H)
    except Exception:
        pass
""")
    r.assert_outcomes(passed=2, failed=1)
    block = "\n".join(failure_section(r, "test_bad"))
    assert "/declineBookingsInfo/0/bookingId  rule: format" in block and "requests/" not in block
    assert len(block.splitlines()) < 25


def test_faults_for_any_status_timeout_and_disconnect(pytester):
    r = run(pytester, """
import requests
def test_documented(wix_api):
    f = wix_api.fail("declineMultiServiceBooking", code="BOOKING_REVISION_MISMATCH")
    r = httpx.post(DECLINE, json=decline_body(), headers=H)
    body = r.json()
    assert r.status_code == 428 and set(body) == {"message", "details"}
    assert body["details"]["applicationError"]["code"] == "BOOKING_REVISION_MISMATCH"
    assert not wix_api.calls.last.undocumented and wix_api.calls.last.fault is f
    seed(wix_api)
    assert httpx.post(DECLINE, json=decline_body(), headers=H).status_code == 200  # only the next call

def test_undocumented_status_and_retry_after(wix_api):
    wix_api.fail("declineMultiServiceBooking", status=503, times=2)
    wix_api.fail("declineMultiServiceBooking", status=429, retry_after=30)
    a = httpx.post(DECLINE, json=decline_body(), headers=H)
    b = httpx.post(DECLINE, json=decline_body(), headers=H)
    c = httpx.post(DECLINE, json=decline_body(), headers=H)
    assert (a.status_code, b.status_code, c.status_code) == (503, 503, 429)
    assert a.json()["details"]["applicationError"]["code"] == "UNAVAILABLE"
    assert c.headers["retry-after"] == "30" and c.json()["details"]["applicationError"]["code"]
    assert all(x.undocumented for x in wix_api.calls)
    assert "(undocumented)" in repr(wix_api.calls[0])

def test_default_retry_after_and_always(wix_api):
    wix_api.fail("declineMultiServiceBooking", code="MY_OWN_CODE", status=429, times=None)
    for _ in range(3):
        r = httpx.post(DECLINE, json=decline_body(), headers=H)
        assert r.status_code == 429 and r.headers["retry-after"] == "1"
        assert r.json()["details"]["applicationError"]["code"] == "MY_OWN_CODE"

def test_timeouts(wix_api):
    wix_api.timeout("declineMultiServiceBooking", times=3)
    with pytest.raises(httpx.ReadTimeout) as e:
        httpx.post(DECLINE, json=decline_body(), headers=H)
    assert e.value.request.url == DECLINE
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(DECLINE, json=decline_body(), headers=H, timeout=5)
    async def go():
        async with httpx.AsyncClient() as c:
            await c.post(DECLINE, json=decline_body(), headers=H)
    with pytest.raises(httpx.TimeoutException):
        asyncio.run(go())
    assert [c.fault.kind for c in wix_api.calls] == ["timeout"] * 3

def test_disconnects(wix_api):
    wix_api.disconnect("declineMultiServiceBooking", times=2)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(DECLINE, json=decline_body(), headers=H)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(DECLINE, json=decline_body(), headers=H)

def test_bad_fault_input(wix_api):
    with pytest.raises(ValueError, match="give code= .documented: .*BOOKING_REVISION_MISMATCH"):
        wix_api.fail("declineMultiServiceBooking")
    with pytest.raises(ValueError, match="status 200 is not an error status"):
        wix_api.fail("declineMultiServiceBooking", status=200)
    with pytest.raises(ValueError, match="times must be a positive int"):
        wix_api.fail("declineMultiServiceBooking", code="X", times=0)
    with pytest.raises(KeyError, match="declineMultiServiceBookin"):
        wix_api.timeout("declineMultiServiceBookin")
""")
    r.assert_outcomes(passed=6)


def test_other_clients_are_blocked_even_when_the_error_is_swallowed(pytester):
    r = run(pytester, """
import socket, urllib.request
def test_urllib(wix_api):
    try:
        urllib.request.urlopen("https://www.wixapis.com/bookings/v2/bookings", timeout=2)
    except OSError as e:
        assert "wixcontracts: a connection to www.wixapis.com:443 was blocked" in str(e)

def test_raw_socket(wix_api):
    s = socket.socket()
    try:
        s.connect(("manage.wix.com", 443))
    except OSError as e:
        assert type(e).__name__ == "WixNetworkBlocked"
    finally:
        s.close()

def test_asyncio_stream(wix_api):
    async def go():
        await asyncio.open_connection("www.wixapis.com", 443)
    with pytest.raises(OSError):
        asyncio.run(go())

def test_other_wix_host_through_httpx(wix_api):
    httpx.get("https://www.wix.com/_api/whatever")
""")
    r.assert_outcomes(failed=4)
    r.stdout.fnmatch_lines(["*a connection to www.wixapis.com:443 was blocked*",
                            "*the client that opened this connection is not intercepted,",
                            "*Use httpx or requests, or run with --wix-allow-network.",
                            "*called at test_it.py:* in test_urllib"])
    out = r.stdout.str()
    assert "manage.wix.com:443 was blocked" in out and "Wix host www.wix.com is not intercepted" in out


def test_aiohttp_is_blocked_too(pytester):
    """aiohttp resolves in an executor thread (asyncio's getaddrinfo): the guard holds there as well."""
    pytest.importorskip("aiohttp", reason="aiohttp is not installed (the dev extra brings it)")
    r = run(pytester, """
import aiohttp
def test_aiohttp(wix_api):
    async def go():
        async with aiohttp.ClientSession() as s:
            try:
                async with s.get("https://www.wixapis.com/bookings/v2/bookings", timeout=aiohttp.ClientTimeout(5)):
                    pass
            except aiohttp.ClientError as e:
                return e
    err = asyncio.run(go())
    assert err is not None and "blocked" in str(err), err   # swallowed: the violation still fails the test
""")
    r.assert_outcomes(failed=1)
    r.stdout.fnmatch_lines(["*a connection to www.wixapis.com:443 was blocked*",
                            "*the client that opened this connection is not intercepted,"])


def test_allow_network_turns_the_guard_off(pytester):
    r = run(pytester, """
import socket
def test_raw(wix_api):
    try:
        socket.getaddrinfo("www.wixapis.com", 443)
    except OSError as e:
        assert type(e).__name__ != "WixNetworkBlocked", e   # the resolver's own answer (no network here)
""", "--wix-allow-network")
    r.assert_outcomes(passed=1)


def test_guard_is_only_active_inside_wix_api_tests(pytester):
    r = run(pytester, """
import socket
def test_plain():
    try:
        socket.getaddrinfo("www.wixapis.com", 443)
    except OSError as e:
        assert type(e).__name__ != "WixNetworkBlocked"

def test_after(wix_api):
    pass

def test_plain_again():
    assert socket.getaddrinfo.__module__ == "socket"
""")
    r.assert_outcomes(passed=3)


def test_user_respx_router_keeps_other_hosts(pytester):
    """A suite that also uses respx's own ``respx_mock`` for another host: both routers work."""
    r = run(pytester, """
def test_both(respx_mock, wix_api):
    respx_mock.get("https://payments.example/charge").respond(json={"ok": True})
    assert httpx.get("https://payments.example/charge").json() == {"ok": True}
    seed(wix_api)
    assert httpx.post(DECLINE, json=decline_body(), headers=H).status_code == 200
""")
    r.assert_outcomes(passed=1)


def test_unknown_operation_names_in_faults_are_did_you_mean(pytester):
    r = run(pytester, """
def test_x(wix_api):
    wix_api.fail("declineMultiServiceBookng", code="X")
""")
    r.assert_outcomes(failed=1)
    r.stdout.fnmatch_lines(["*declineMultiServiceBookng*", "*declineMultiServiceBooking*"])
