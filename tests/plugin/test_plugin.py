"""The wix_api pytest plugin, exercised through pytester the way an integrator's suite uses it."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MSB = "0b6ab2c4-5b5f-4d0e-9a55-3c1e8f0b7a10"
B1, B2 = "1f0a3c2e-8a41-4d6b-9c11-2b7e5f0d9a01", "1f0a3c2e-8a41-4d6b-9c11-2b7e5f0d9a02"

HEAD = f'''
import asyncio, httpx, pytest
H = {{"Authorization": "Bearer t0k", "wix-site-id": "site-1"}}
MSB, B1, B2 = "{MSB}", "{B1}", "{B2}"
DECLINE = f"https://www.wixapis.com/bookings/multiServiceBookings/v2/multi_service_bookings/{{MSB}}/decline"
CREATE = "https://www.wixapis.com/bookings/v2/bookings"
SLOT = {{"serviceId": B1, "scheduleId": B2, "startDate": "2026-12-26T12:00:00.000Z", "endDate": "2026-12-26T13:00:00.000Z"}}
def seed(api):
    api.emulator.seed({{"bookings": [{{"id": B1}}, {{"id": B2, "status": "PENDING"}}],
                       "multiServiceBookings": {{MSB: [B1, B2]}}}})
def decline_body(rev=1):
    return {{"declineBookingsInfo": [{{"bookingId": B1, "revision": rev}}, {{"bookingId": B2, "revision": rev}}]}}
'''


def run(pytester, src, *args, subprocess=False, name="test_it"):
    pytester.makepyfile(**{name: HEAD + src})
    f = pytester.runpytest_subprocess if subprocess else pytester.runpytest
    return f("-p", "no:cacheprovider", *args)


def failure_section(r, test: str) -> list[str]:
    """The lines pytest prints for one failing test (its ``___ test ___`` block)."""
    lines = r.outlines
    start = next(i for i, x in enumerate(lines) if x.startswith("_") and f" {test} " in x)
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].startswith("_" * 5) or lines[i].startswith("=")), len(lines))
    return lines[start:end]


def test_good_call_passes_and_calls_are_recorded(pytester):
    r = run(pytester, """
def test_ok(wix_api):
    seed(wix_api)
    r = httpx.post(DECLINE, json=decline_body(), headers=H)
    assert r.status_code == 200, r.text
    assert wix_api.calls.last.operation == "bookings.declineMultiServiceBooking"
    assert wix_api.calls.of("declineMultiServiceBooking") == wix_api.calls.of("bookings.declineMultiServiceBooking") == [wix_api.calls.last]
    op, req, resp = wix_api.calls.last
    assert resp.json()["multiServiceBooking"]["id"] == MSB and len(wix_api.calls) == 1
    assert wix_api.calls.last.source == "emulator" and wix_api.calls.last.status == 200
""")
    r.assert_outcomes(passed=1)


def test_violation_is_one_compact_block_without_plugin_frames(pytester):
    r = run(pytester, """
def helper(body):
    return httpx.post(DECLINE, json=body, headers={"Authorization": "x"})

def test_bad(wix_api):
    try:
        helper({"declineBookingsInfo": [{"bookingId": B1, "revison": 1}]})
    except Exception:
        pass  # the integrator swallows everything
""")
    r.assert_outcomes(failed=1)
    block = failure_section(r, "test_bad")
    text = "\n".join(block)
    assert len(block) < 25, text
    for frame in ("respx", "wixcontracts/plugin", "wixcontracts/pytest_plugin", "httpx/_", "site-packages"):
        assert frame not in text, (frame, text)
    r.stdout.fnmatch_lines([
        "WixContractViolation: bookings.declineMultiServiceBooking (POST /bookings/*",
        "*request /declineBookingsInfo/0/revison  rule: undocumented-field*",
        "*expected: ?'bookingId', 'paymentStatus', 'revision'?*",
        "*actual:   1*",
        "*did you mean: 'revision'?*",
        "*docs:     https://dev.wix.com/docs/*decline-multi-service-booking*",
        "*header /wix-site-id  rule: header*",
        "*called at test_it.py:* in helper*",
    ])


def test_an_own_assertion_after_a_violation_is_named_too(pytester):
    r = run(pytester, """
def test_both(wix_api):
    try:
        httpx.post(DECLINE, json={"nope": 1}, headers=H)
    except AssertionError:
        pass
    assert 1 == 2, "my own check"
""")
    r.assert_outcomes(failed=1)
    r.stdout.fnmatch_lines(["*rule: undocumented-field*", "*the test also failed at test_it.py:*my own check*"])


def test_no_route_lists_nearest_operations_with_a_diff(pytester):
    r = run(pytester, """
def test_typo(wix_api):
    httpx.post(f"https://www.wixapis.com/_api/bookings-service/v2/multi_service_booking/{MSB}/decline", json={}, headers=H)
""")
    r.assert_outcomes(failed=1)
    r.stdout.fnmatch_lines(["*no documented operation for POST /_api/bookings-service/v2/multi_service_booking/*/decline*",
                            "*nearest operations:*", "*bookings.declineMultiServiceBooking: POST *",
                            "*path segment: documented 'multi_service_bookings', sent 'multi_service_booking'*"])


def test_non_bookings_path_says_how_to_allow_it(pytester, echo_server):
    r = run(pytester, """
def test_contacts(wix_api):
    httpx.post("https://www.wixapis.com/contacts/v4/contacts", json={}, headers=H)

def test_own_route_wins(wix_api):
    wix_api.router.post("/contacts/v4/contacts").respond(json={"contact": {"id": "c1"}})
    assert httpx.post("https://www.wixapis.com/contacts/v4/contacts", json={}).json() == {"contact": {"id": "c1"}}
    # the plugin's own answer for Bookings is still there
    wix_api.router.post("/bookings/v2/bookings").respond(json={"booking": {"id": "mine"}})
    assert httpx.post(CREATE, json={}).json()["booking"]["id"] == "mine"   # user routes win, unchecked

def test_passthrough_method(wix_api):
    wix_api.passthrough("/contacts/")
    r = httpx.post("https://www.wixapis.com/contacts/v4/contacts", json={}, headers=H)
    assert r.json() == {"echo": "/contacts/v4/contacts"} and wix_api.calls.last.source == "passthrough"

@pytest.mark.wix_passthrough("/contacts/")
def test_passthrough_marker(wix_api):
    import requests
    assert requests.get("https://www.wixapis.com/contacts/v4/contacts?x=1").json() == {"echo": "/contacts/v4/contacts?x=1"}
""", "--wix-base-url", echo_server.url)
    r.assert_outcomes(passed=3, failed=1)
    r.stdout.fnmatch_lines(["*POST /contacts/v4/contacts is not a Wix Bookings API path*",
                            "*To allow it: wix_api.passthrough('/contacts/') (or @pytest.mark.wix_passthrough('/contacts/'))*",
                            "*wix_api.router.post('/contacts/v4/contacts').respond(json={...})*"])


def test_non_wix_hosts_pass_through_untouched(pytester, echo_server):
    r = run(pytester, f"""
import urllib.request, requests
def test_other_hosts(wix_api):
    assert httpx.get("{echo_server.url}/a").json() == {{"echo": "/a"}}
    assert requests.get("{echo_server.url}/b").json() == {{"echo": "/b"}}
    assert json.loads(urllib.request.urlopen("{echo_server.url}/c").read()) == {{"echo": "/c"}}
    assert wix_api.calls == []
import json
""")
    r.assert_outcomes(passed=1)


def test_async_client(pytester):
    r = run(pytester, """
def test_async(wix_api):
    seed(wix_api)
    async def go():
        async with httpx.AsyncClient(base_url="https://www.wixapis.com") as c:
            ok = await c.post(f"/bookings/v2/bookings/{B1}/cancel", json={"revision": "1"}, headers=H)
            bad = None
            try:
                await c.post(f"/bookings/v2/bookings/{B1}/cancel", json={"revision": "x1"}, headers=H)
            except AssertionError as e:
                bad = e
            return ok, bad
    ok, bad = asyncio.run(go())
    assert ok.json()["booking"]["status"] == "CANCELED"
    assert type(bad).__name__ == "WixContractViolation" and "/revision" in str(bad)
    wix_api.violations.clear()  # handled on purpose
""")
    r.assert_outcomes(passed=1)


def _fixture(path: Path, response_body, status=200):
    from wixcontracts.fixtures.format import FixtureFile, Interaction, save

    it = Interaction("declineMultiServiceBooking",
                     {"method": "POST", "url": f"https://www.wixapis.com/bookings/multiServiceBookings/v2/multi_service_bookings/{MSB}/decline",
                      "headers": {"authorization": "<scrubbed>", "wix-site-id": "s"},
                      "body": {"declineBookingsInfo": [{"bookingId": B1, "revision": 1}, {"bookingId": B2, "revision": 1}]}},
                     {"status": status, "headers": {}, "body": response_body}, "live")
    save(FixtureFile([it], "1"), path)


def test_shared_fixture_replay_and_stale_report(pytester):
    fx = pytester.path / "fixtures" / "wix"
    _fixture(fx / "good.json", {"multiServiceBooking": {"id": MSB, "bookings": [{"bookingId": B1}]}})
    _fixture(fx / "stale.json", {"multiServiceBooking": {"id": 42}})
    r = run(pytester, """
@pytest.mark.wix_fixtures("good")
def test_replay(wix_api):
    r = httpx.post(DECLINE, json=decline_body(), headers=H)   # no seed: only the fixture knows MSB
    assert r.json()["multiServiceBooking"]["bookings"] == [{"bookingId": B1}]
    assert wix_api.calls.last.source.startswith("fixture ")

@pytest.mark.wix_fixtures("stale")
def test_stale(wix_api):
    httpx.post(DECLINE, json=decline_body(), headers=H)

@pytest.mark.wix_fixtures("missing")
def test_missing(wix_api):
    pass
""")
    r.assert_outcomes(passed=1, failed=1, errors=1)
    r.stdout.fnmatch_lines(["*wix_fixtures: missing.json not found (looked in *fixtures/wix*",
                            "*response of bookings.declineMultiServiceBooking from fixture *stale.json interactions?0?*stale fixture*",
                            "*response /multiServiceBooking/id  rule: type*"])


def test_unreadable_fixture_is_a_short_failure_naming_the_file(pytester):
    bad = pytester.path / "fixtures" / "wix" / "test_it" / "test_x.json"
    bad.parent.mkdir(parents=True)
    bad.write_text("{nope")
    r = run(pytester, "def test_x(wix_api):\n    pass\n")
    r.assert_outcomes(errors=1)
    r.stdout.fnmatch_lines(["*wix_api: *test_x.json: not a JSON fixture*"])
    assert "Traceback" not in r.stdout.str()


def test_strict_fails_on_undocumented_response_fields(pytester):
    fx = pytester.path / "fixtures" / "wix"
    _fixture(fx / "drift.json", {"multiServiceBooking": {"id": MSB, "newField": 1}})
    src = """
@pytest.mark.wix_fixtures("drift")
def test_drift(wix_api):
    httpx.post(DECLINE, json=decline_body(), headers=H)
"""
    run(pytester, src).assert_outcomes(passed=1)
    r = pytester.runpytest("-p", "no:cacheprovider", "--wix-strict")
    r.assert_outcomes(failed=1)
    r.stdout.fnmatch_lines(["*/multiServiceBooking/newField*"])


def test_coverage_counts_the_operations_touched_and_gates(pytester):
    src = """
def test_a(wix_api):
    seed(wix_api)
    httpx.post(DECLINE, json=decline_body(), headers=H)
    wix_api.fail("declineMultiServiceBooking", code="REVISION_MISSING")
    httpx.post(DECLINE, json=decline_body(), headers=H)
"""
    r = run(pytester, src, "--wix-cov-json", "cov.json")
    r.assert_outcomes(passed=1)
    assert r.ret == 0
    r.stdout.fnmatch_lines(["*Wix contract coverage (operations the tests called*", "operations * 1 * 1 *100.0%",
                            "error codes * 1 *", "total *", "*bookings.declineMultiServiceBooking*"])
    cov = json.loads((pytester.path / "cov.json").read_text())
    assert cov["scope"] == "touched" and cov["operations"] == {**cov["operations"], "exercised": 1, "available": 1}
    assert "bookings.declineMultiServiceBooking:REVISION_MISSING" not in cov["codes"]["missing"]
    assert "bookings.declineMultiServiceBooking:/declineBookingsInfo/bookingId" not in cov["fields"]["missing"]
    assert all(m.startswith("bookings.declineMultiServiceBooking:") for k in ("fields", "enums", "codes")
               for m in cov[k]["missing"])
    touched = cov["total"]["percent"]
    r = pytester.runpytest("-p", "no:cacheprovider", "--wix-cov-all", "--wix-cov-json", "all.json")
    every = json.loads((pytester.path / "all.json").read_text())
    assert every["scope"] == "all" and every["operations"]["available"] == 192 and every["total"]["percent"] < touched
    r.stdout.fnmatch_lines(["*Wix contract coverage (all operations)*", "operations * 1 * 192 *"])
    r = pytester.runpytest("-p", "no:cacheprovider", "--wix-cov-fail-under", str(touched + 1))
    r.assert_outcomes(passed=1)
    assert r.ret == 1
    r.stdout.fnmatch_lines(["*under --wix-cov-fail-under*"])
    assert pytester.runpytest("-p", "no:cacheprovider", "--wix-cov-fail-under", str(touched - 1)).ret == 0


@pytest.mark.slow
def test_xdist_workers_combine_coverage_and_report(pytester):
    src = """
def test_a(wix_api):
    seed(wix_api)
    httpx.post(DECLINE, json=decline_body(), headers=H)

def test_b(wix_api):
    httpx.post(CREATE, json={"booking": {"bookedEntity": {}, "totalParticipants": 1}}, headers=H)

def test_c(wix_api):
    wix_api.fail("createBooking", code="SLOT_NOT_AVAILABLE")
    httpx.post(CREATE, json={"booking": {"bookedEntity": {}, "totalParticipants": 1}}, headers=H)

def test_d(wix_api):
    httpx.post(CREATE, json={"booking": {"bookedEntity": {}, "totalParticipants": "one"}}, headers=H)
"""
    r = run(pytester, src, "-p", "xdist", "-n", "2", "--wix-cov-json", "cov.json", "--wix-report", "rep.json",
            subprocess=True)
    r.assert_outcomes(passed=3, failed=1)
    cov = json.loads((pytester.path / "cov.json").read_text())
    assert cov["operations"]["exercised"] == 2
    assert "bookings.createBooking:SLOT_NOT_AVAILABLE" not in cov["codes"]["missing"]
    rep = json.loads((pytester.path / "rep.json").read_text())
    assert rep["violations"] == 1 and len(rep["tests"]) == 4
    d = next(t for t in rep["tests"] if t["test"].endswith("test_d"))
    assert d["outcome"] == "failed" and "/booking/totalParticipants" in d["violations"][0]
    c = next(t for t in rep["tests"] if t["test"].endswith("test_c"))
    assert c["calls"][0]["fault"] == "428 SLOT_NOT_AVAILABLE" and c["calls"][0]["source"] == "injected"


def test_generated_backend_is_deterministic(pytester):
    r = run(pytester, """
import json
def test_gen(wix_api):
    wix_api.backend = "generated"
    a = httpx.post(DECLINE, json=decline_body(), headers=H).json()
    b = httpx.post(DECLINE, json=decline_body(), headers=H).json()
    assert a["multiServiceBooking"]["id"] and a != b          # a new document per call
    print("DOC", json.dumps(a, sort_keys=True))

def test_not_emulated_is_generated(wix_api):
    r = httpx.get("https://www.wixapis.com/bookings/staff/v2/staff-members/trash-bin/" + B1, headers=H)
    assert r.status_code == 200 and wix_api.calls.last.source == "generated"
""", "-s")
    r.assert_outcomes(passed=2)
    first = [x for x in r.outlines if x.startswith("DOC")]
    r2 = pytester.runpytest("-p", "no:cacheprovider", "-s", "-k", "test_gen")
    assert first == [x for x in r2.outlines if x.startswith("DOC")]  # same test, same documents


def test_webhooks_seam(pytester):
    r = run(pytester, """
def test_hooks(wix_api):
    try:
        import wixcontracts.webhooks.deliver  # noqa: F401
    except ModuleNotFoundError:
        with pytest.raises(NotImplementedError, match="wixcontracts.webhooks.deliver"):
            wix_api.webhooks.deliver("http://127.0.0.1:9/x", "booking_created")
    else:
        assert callable(wix_api.webhooks.deliver)
""")
    r.assert_outcomes(passed=1)


def test_examples_integrator_suite(pytester):
    ex = ROOT / "examples" / "integrator"
    r = pytester.runpytest_subprocess(str(ex), "-p", "no:cacheprovider", "-p", "no:xdist")
    r.assert_outcomes(passed=9)


def test_a_request_is_read_and_validated_once(pytester):
    """The emulator gets the message the plugin read: no second parse, no second validation."""
    r = run(pytester, """
def test_once(wix_api, monkeypatch):
    Contracts, Emulator = type(wix_api.contracts), type(wix_api.emulator)  # the classes the plugin uses
    seen = []
    orig = Contracts.check_request
    monkeypatch.setattr(Contracts, "check_request", lambda self, *a, **k: seen.append(a[0]) or orig(self, *a, **k))
    def twice(*a, **k):
        raise AssertionError("the emulator validated the request again")
    monkeypatch.setattr(Emulator, "_validate", twice)
    monkeypatch.setattr(Emulator, "_parse", twice)
    seed(wix_api)
    assert httpx.post(DECLINE, json=decline_body(), headers=H).status_code == 200
    assert httpx.post(f"https://www.wixapis.com/bookings/v2/bookings/{B1}/cancel", json={"revision": "2"}, headers=H).status_code == 200
    assert seen == ["bookings.declineMultiServiceBooking", "bookings.cancelBooking"]
""")
    r.assert_outcomes(passed=1)


def test_webhooks_deliver_a_signed_event_to_an_in_process_handler(pytester):
    """``wix_api.webhooks.deliver``: an integrator's ASGI handler receives a signed booking_created delivery."""
    r = run(pytester, '''
import jwt
import pytest
from wixcontracts.webhooks.keys import cached_key_pair
received = []
async def app(scope, receive, send):
    body = b""
    while True:
        msg = await receive()
        body += msg.get("body", b"")
        if not msg.get("more_body"):
            break
    claims = jwt.decode(body.decode(), cached_key_pair().public_pem, algorithms=["RS256"],
                        options={"verify_aud": False})
    received.append(claims)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})
def test_deliver(wix_api):
    res = wix_api.webhooks.deliver(app, "booking_created")
    assert res.ok and res.status == 200 and res.elapsed_ms < 1250
    assert received and "booking_created" in received[0]["data"]
''')
    r.assert_outcomes(passed=1)
