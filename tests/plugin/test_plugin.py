"""The wix_api pytest plugin, exercised through pytester."""

import json
import os
import sys
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
def seed(api):
    api.emulator.seed({{"bookings": [{{"id": B1}}, {{"id": B2, "status": "PENDING"}}],
                       "multiServiceBookings": {{MSB: [B1, B2]}}}})
def decline_body(rev=1):
    return {{"declineBookingsInfo": [{{"bookingId": B1, "revision": rev}}, {{"bookingId": B2, "revision": rev}}]}}
'''


def run(pytester, src, *args, subprocess=False):
    pytester.makepyfile(test_it=HEAD + src)
    f = pytester.runpytest_subprocess if subprocess else pytester.runpytest
    return f("-p", "no:cacheprovider", *args)


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
""")
    r.assert_outcomes(passed=1)


def test_violation_message_and_swallowed_errors_still_fail(pytester):
    r = run(pytester, """
def test_bad(wix_api):
    try:
        httpx.post(DECLINE, json={"declineBookingsInfo": [{"bookingId": B1, "revison": 1}]},
                   headers={"Authorization": "x"})
    except Exception:
        pass  # the integrator swallows everything
""")
    r.assert_outcomes(failed=1)
    r.stdout.fnmatch_lines([
        "*WixContractViolation: Wix contract violation: bookings.declineMultiServiceBooking (POST /bookings/*",
        "*request /declineBookingsInfo/0/revison  rule: undocumented-field*",
        "*expected: ?'bookingId', 'paymentStatus', 'revision'?*",
        "*actual:   1*",
        "*docs:     https://dev.wix.com/docs/*decline-multi-service-booking*",
        "*header /wix-site-id  rule: header*",
    ])


def test_no_route_lists_nearest_operations_with_a_diff(pytester):
    r = run(pytester, """
def test_typo(wix_api):
    httpx.post(f"https://www.wixapis.com/_api/bookings-service/v2/multi_service_booking/{MSB}/decline", json={}, headers=H)
""")
    r.assert_outcomes(failed=1)
    r.stdout.fnmatch_lines(["*no documented operation for POST /_api/bookings-service/v2/multi_service_booking/*/decline*",
                            "*nearest operations:*", "*bookings.declineMultiServiceBooking: POST *",
                            "*path documented segment: multi_service_bookings*",
                            "*path sent       segment: multi_service_booking*"])


def test_fail_injection_and_unknown_code(pytester):
    r = run(pytester, """
def test_inject(wix_api):
    wix_api.fail("declineMultiServiceBooking", code="BOOKING_REVISION_MISMATCH")
    r = httpx.post(DECLINE, json=decline_body(), headers=H)
    assert r.status_code == 428
    assert r.json()["details"]["applicationError"]["code"] == "BOOKING_REVISION_MISMATCH"
    seed(wix_api)
    assert httpx.post(DECLINE, json=decline_body(), headers=H).status_code == 200  # only the next call

def test_unknown(wix_api):
    with pytest.raises(ValueError, match="documented: .*BOOKING_REVISION_MISMATCH \\\\(428\\\\)"):
        wix_api.fail("declineMultiServiceBooking", code="NOPE")
""")
    r.assert_outcomes(passed=2)


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


def test_fixture_replay_and_stale_report(pytester):
    fx = pytester.path / "tests" / "fixtures" / "wix"
    _fixture(fx / "good.json", {"multiServiceBooking": {"id": MSB, "bookings": [{"bookingId": B1}]}})
    _fixture(fx / "stale.json", {"multiServiceBooking": {"id": 42}})
    r = run(pytester, """
@pytest.mark.wix_fixtures("good")
def test_replay(wix_api):
    r = httpx.post(DECLINE, json=decline_body(), headers=H)   # no seed: only the fixture knows MSB
    assert r.json()["multiServiceBooking"]["bookings"] == [{"bookingId": B1}]

@pytest.mark.wix_fixtures("stale")
def test_stale(wix_api):
    httpx.post(DECLINE, json=decline_body(), headers=H)
""")
    r.assert_outcomes(passed=1, failed=1)
    r.stdout.fnmatch_lines(["*response of bookings.declineMultiServiceBooking from fixture *stale.json interactions?0?*stale fixture*",
                            "*response /multiServiceBooking/id  rule: type*"])


def test_strict_fails_on_undocumented_response_fields(pytester):
    fx = pytester.path / "tests" / "fixtures" / "wix"
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


SECRETS = ["Sup3rS3cretBearer", "cookieS3cret", "QueryT0ken", "S1gnatureVal", "jane.doe@secret-corp.test",
           "Zebulon", "Quimbyfield", "+44 7700 900123", "221B Baker Street", "apikeyS3cret"]


def test_record_mode_writes_scrubbed_atomic_fixtures(pytester):
    r = run(pytester, f"""
S = {SECRETS!r}
def test_rec(wix_api):
    h = {{"Authorization": "Bearer " + S[0], "Cookie": "session=" + S[1], "x-api-key": S[9], "wix-site-id": "real-site-id-777"}}
    contact = {{"contactId": "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "email": S[4], "firstName": S[5],
               "lastName": S[6], "phone": S[7], "fullAddress": {{"addressLine": S[8], "city": "Springfield"}}}}
    body = {{"booking": {{"bookedEntity": {{"slot": {{"serviceId": B1}}}}, "totalParticipants": 1, "contactDetails": contact}}}}
    r = httpx.post("https://www.wixapis.com/bookings/v2/bookings?token=" + S[2] + "&signature=" + S[3] + "&x=1",
                   json=body, headers=h)
    assert r.status_code == 200
    r2 = httpx.post("https://www.wixapis.com/bookings/v2/bookings", json=body, headers=h)
""", "--wix-record-mode", "once")
    r.assert_outcomes(passed=1)
    written = [p for p in pytester.path.rglob("*") if p.is_file() and "fixtures" in p.parts]
    names = sorted(p.name for p in written)
    assert names == [".scrub-salt", "test_it__test_rec.json"], names  # no temp files left behind
    blob = b"".join(p.read_bytes() for p in written)
    for s in SECRETS + ["real-site-id-777", "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"]:
        assert s.encode() not in blob, s
    fx = json.loads((pytester.path / "tests/fixtures/wix/test_it__test_rec.json").read_text())
    a, b = fx["interactions"]
    c = a["request"]["body"]["booking"]["contactDetails"]
    assert c["email"].endswith("@example.com") and c["phone"].startswith("+1555")
    import uuid
    uuid.UUID(c["contactId"])  # still a uuid
    assert c == b["request"]["body"]["booking"]["contactDetails"]  # stable pseudonyms: ids still link
    assert a["response"]["body"]["booking"]["contactDetails"]["contactId"] == c["contactId"]
    assert "token=%3Cscrubbed%3E" in a["request"]["url"] and "x=1" in a["request"]["url"]
    assert a["request"]["headers"]["authorization"] == "<scrubbed>" and "x-api-key" not in a["request"]["headers"]
    assert a["source"] == "emulator"
    # replays in mode none (default) and the CLI finds the set fresh
    pytester.makepyfile(test_replay=HEAD + """
@pytest.mark.wix_fixtures("test_it__test_rec")
def test_r(wix_api):
    r = httpx.post("https://www.wixapis.com/bookings/v2/bookings", json={"booking": {"bookedEntity": {"slot": {"serviceId": B1}}, "totalParticipants": 1}}, headers=H)
    assert "fixture" in repr(wix_api.calls) or r.status_code == 200
""")
    pytester.runpytest("-p", "no:cacheprovider", "test_replay.py").assert_outcomes(passed=1)


def test_coverage_summary_json_and_fail_under(pytester):
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
    r.stdout.fnmatch_lines(["*Wix contract coverage*", "operations * 1 *", "error codes * 1 *", "total *"])
    cov = json.loads((pytester.path / "cov.json").read_text())
    assert cov["operations"]["exercised"] == 1 and "bookings.declineMultiServiceBooking:REVISION_MISSING" not in cov["codes"]["missing"]
    assert "bookings.declineMultiServiceBooking:/declineBookingsInfo/bookingId" not in cov["fields"]["missing"]
    r = pytester.runpytest("-p", "no:cacheprovider", "--wix-cov-fail-under", "99")
    r.assert_outcomes(passed=1)
    assert r.ret == 1
    r.stdout.fnmatch_lines(["*under --wix-cov-fail-under 99*"])


def test_xdist_workers_combine_coverage(pytester):
    src = """
def test_a(wix_api):
    seed(wix_api)
    httpx.post(DECLINE, json=decline_body(), headers=H)

def test_b(wix_api):
    httpx.post("https://www.wixapis.com/bookings/v2/bookings", json={"booking": {"bookedEntity": {}, "totalParticipants": 1}}, headers=H)

def test_c(wix_api):
    wix_api.fail("createBooking", code="SLOT_NOT_AVAILABLE")
    httpx.post("https://www.wixapis.com/bookings/v2/bookings", json={"booking": {"bookedEntity": {}, "totalParticipants": 1}}, headers=H)
"""
    r = run(pytester, src, "-p", "xdist", "-n", "2", "--wix-cov-json", "cov.json", subprocess=True)
    r.assert_outcomes(passed=3)
    cov = json.loads((pytester.path / "cov.json").read_text())
    assert cov["operations"]["exercised"] == 2
    assert "createBooking:SLOT_NOT_AVAILABLE" not in cov["codes"]["missing"]


def test_live_without_credentials_skips(pytester, monkeypatch):
    monkeypatch.delenv("WIX_API_KEY", raising=False)
    monkeypatch.delenv("WIX_SITE_ID", raising=False)
    r = run(pytester, "def test_live(wix_api):\n    raise AssertionError('must not run')\n", "--wix-live", "-rs")
    r.assert_outcomes(skipped=1)
    r.stdout.fnmatch_lines(["*skipped: no credentials*"])


def test_generated_backend_is_deterministic(pytester):
    r = run(pytester, """
def test_gen(wix_api):
    wix_api.backend = "generated"
    a = httpx.post(DECLINE, json=decline_body(), headers=H).json()
    assert a["multiServiceBooking"]["id"]
    pytest.shared = a

def test_gen2(wix_api):
    wix_api.backend = "generated"
    a = httpx.post(DECLINE, json=decline_body(), headers=H).json()
    assert isinstance(a["multiServiceBooking"], dict)
""")
    r.assert_outcomes(passed=2)


def test_examples_integrator_suite(pytester):
    ex = ROOT / "examples" / "integrator"
    r = pytester.runpytest_subprocess(str(ex), "-p", "no:cacheprovider", "-p", "no:xdist")
    r.assert_outcomes(passed=6)
