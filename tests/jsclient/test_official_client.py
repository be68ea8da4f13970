"""Wix's official JavaScript client (@wix/sdk + the pinned @wix/auto_sdk_bookings_* packages) against our
contracts and our emulator:

1. every REST operation of the whole API, called through a capturing ``fetch``: each request the official
   client sends (path fields repeated in the body, GET messages in the query string, its own headers) passes
   ``Contracts.validate_exchange`` with no error;
2. ``wixcontracts serve`` (a real process on a loopback port), driven by the client through the booking
   lifecycle: create -> confirm -> cancel, create -> decline, multi-service create -> get -> decline, a stale
   revision -> 428, an unknown id -> 404.

Skipped with npm's reason when the registry cannot be reached (see conftest)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from tests.serving import serving

from wixcontracts.sdk import jsclient
from wixcontracts.validate import Contracts

BOOKINGS = "@wix/auto_sdk_bookings_bookings"
UNKNOWN = "0b6ab2c4-5b5f-4d0e-9a55-3c1e8f0b7a10"


def test_every_request_the_official_client_sends_is_accepted(all_capture):
    contracts = Contracts.load()
    problems, query_checked = [], 0
    for cid, (_call, res) in all_capture.items():
        req = res["requests"][0]
        body = json.loads(req["body"]) if req["body"] else None
        r = contracts.validate_exchange(req["method"], req["url"], req["headers"], body, None, None)
        if not r.ok:
            problems.append(f"{cid}: " + "; ".join(f"{f.location} {f.pointer} {f.rule}: {f.message}" for f in r.errors))
        if req["method"] == "GET" and urlsplit(req["url"]).query:
            query_checked += 1
            wire = contracts.read_request(r.operation, query=urlsplit(req["url"]).query, method="GET")
            assert wire.message, f"{cid}: the query string was not read"
    assert not problems, "\n".join(problems)
    assert query_checked >= 20  # the GETs' query strings were read and validated, not skipped


def test_the_bookings_package_alone_33_operations(all_capture):
    """The 33 operations of Bookings Writer V2 (the package the issue names) are among them."""
    ops = {cid for cid in all_capture if cid.startswith("bookings.")}
    assert len(ops) == 33


# ---------------------------------------------------------------- the official client against `serve`

@pytest.fixture(scope="module")
def serve():
    with serving() as base:
        yield base


def _booking(start: str) -> dict:
    return {"totalParticipants": 1, "contactDetails": {"firstName": "Ada", "email": "ada@example.com"},
            "bookedEntity": {"slot": {"serviceId": "8ee826a3-64c4-416d-a22c-e01d39f56931",
                                      "scheduleId": "5fa50f19-4c94-4c42-a72b-289505ba2028",
                                      "startDate": start, "endDate": start.replace("T10", "T11"),
                                      "timezone": "UTC", "location": {"locationType": "OWNER_BUSINESS"}}}}


def _call(cid: str, method: str, *args) -> dict:
    return {"id": cid, "module": BOOKINGS, "method": method, "args": list(args)}


def _ref(cid: str, path: str) -> dict:
    return {"$ref": cid, "path": path}


def _run(js_root, base: str, calls: list[dict]) -> dict[str, dict]:
    plan = {"mode": "forward", "base_url": base, "calls": calls}
    return {r["id"]: r for r in jsclient.run_plan(plan, root=js_root)}


def _status(res: dict) -> int:
    return res["error"]["status"] if "error" in res else 200


def test_lifecycle_flows_through_serve(js_root, serve):
    out = _run(js_root, serve, [
        # create -> confirm -> cancel
        _call("c1", "createBooking", _booking("2030-01-01T10:00:00")),
        _call("c1-confirm", "confirmBooking", _ref("c1", "booking._id"), _ref("c1", "booking.revision")),
        _call("c1-cancel", "cancelBooking", _ref("c1", "booking._id"), {"revision": _ref("c1-confirm", "booking.revision")}),
        # create -> decline
        _call("c2", "createBooking", _booking("2030-01-02T10:00:00")),
        _call("c2-decline", "declineBooking", _ref("c2", "booking._id"), _ref("c2", "booking.revision")),
        # a stale revision: c1 is at revision 3 now
        _call("stale", "cancelBooking", _ref("c1", "booking._id"), {"revision": "1"}),
        # an unknown id
        _call("unknown", "confirmBooking", UNKNOWN, "1"),
        # multi-service: create -> get -> decline (every booking, at its revision)
        _call("m1", "createMultiServiceBooking",
              [_booking("2030-01-03T10:00:00"), _booking("2030-01-03T11:00:00")], {"returnFullEntity": True}),
        _call("m1-get", "getMultiServiceBooking", _ref("m1", "multiServiceBooking._id")),
        _call("m1-decline", "declineMultiServiceBooking", _ref("m1", "multiServiceBooking._id"), {
            "declineBookingsInfo": [
                {"bookingId": _ref("m1", "multiServiceBooking.bookings.0.booking._id"), "revision": "1"},
                {"bookingId": _ref("m1", "multiServiceBooking.bookings.1.booking._id"), "revision": "1"}],
            "returnFullEntity": True}),
        _call("m1-unknown", "getMultiServiceBooking", UNKNOWN),
    ])
    got = {cid: _status(r) for cid, r in out.items()}
    assert got == {"c1": 200, "c1-confirm": 200, "c1-cancel": 200, "c2": 200, "c2-decline": 200, "stale": 428,
                   "unknown": 404, "m1": 200, "m1-get": 200, "m1-decline": 200, "m1-unknown": 404}, \
        {k: r.get("error") for k, r in out.items() if "error" in r}
    # the client saw the state machine, through its own response transforms (_id, Dates)
    assert out["c1-cancel"]["result"]["booking"]["status"] == "CANCELED"
    assert out["c2-decline"]["result"]["booking"]["status"] == "DECLINED"
    assert [b["booking"]["status"] for b in out["m1-decline"]["result"]["multiServiceBooking"]["bookings"]] == \
        ["DECLINED", "DECLINED"]
    assert out["stale"]["error"]["details"]["applicationError"]["code"] == "BOOKING_REVISION_MISMATCH"
    assert out["unknown"]["error"]["details"]["applicationError"]["code"] == "BOOKING_NOT_FOUND"
    # what went over the wire: path fields repeated in the body, the GET's message in the query string
    confirm = out["c1-confirm"]["requests"][0]
    assert json.loads(confirm["body"])["bookingId"] in confirm["url"]
    get = out["m1-get"]["requests"][0]
    assert get["method"] == "GET" and "multiServiceBookingId=" in get["url"] and get["body"] is None


def test_the_emulator_rejects_a_path_field_that_differs_from_the_path(serve):
    """The same rule for any client: the body's bookingId must equal the path's."""
    import urllib.request

    req = urllib.request.Request(f"{serve}/_api/bookings-service/v2/bookings/{UNKNOWN}/cancel", method="POST",
                                 data=json.dumps({"bookingId": "5fa50f19-4c94-4c42-a72b-289505ba2028",
                                                  "revision": "1"}).encode(),
                                 headers={"content-type": "application/json", "authorization": "k"})
    try:
        urlopen(req, timeout=10)
    except Exception as e:  # urllib raises on 400
        body = json.loads(e.read())
        assert e.code == 400
        (v,) = body["details"]["validationError"]["fieldViolations"]
        assert v["field"] == "bookingId" and v["ruleName"] == "path-param-mismatch"
    else:
        pytest.fail("expected a 400")
