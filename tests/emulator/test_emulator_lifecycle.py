import json
import uuid

import pytest

from .helpers import ALIAS, CANON, Client, check_response, code, infos, schema_at
from wixcontracts.emulator.core import Emulator
from wixcontracts.emulator.policy import DECISIONS
from wixcontracts.emulator.lifecycle import precondition


def test_create_booking_shape(client):
    status, body = client.create()
    assert status == 200
    b = body["booking"]
    assert b["revision"] == "1" and b["status"] == "CREATED"
    assert b["createdDate"].endswith("Z") and b["createdDate"] == b["updatedDate"]
    uuid.UUID(b["id"])
    assert client.emu.snapshot()["bookings"][b["id"]] == b


def test_create_skip_business_confirmation(client):
    status, body = client.post("createBooking", f"{CANON}/bookings", {
        "booking": {"bookedEntity": {}, "totalParticipants": 2},
        "flowControlSettings": {"skipBusinessConfirmation": True}})
    assert status == 200 and body["booking"]["status"] == "CONFIRMED"


@pytest.mark.parametrize("booking, field, rule", [
    ({"totalParticipants": 1}, "booking.bookedEntity", "REQUIRED_FIELD"),
    ({"bookedEntity": {}, "totalParticipants": "x"}, "booking.totalParticipants", "OTHER"),
    ({"bookedEntity": {}, "totalParticipants": 1, "nope": 1}, "booking.nope", "OTHER"),
    ({"bookedEntity": {}}, "booking", "REQUIRED_FIELD"),
    ({"bookedEntity": {}, "totalParticipants": 1, "contactDetails": {"contactId": "not-a-uuid"}},
     "booking.contactDetails.contactId", "FORMAT"),
    ({"bookedEntity": {}, "totalParticipants": 0}, "booking.totalParticipants", "MIN"),
])
def test_create_validation_errors(client, booking, field, rule):
    if rule == "FORMAT":  # the case only tests something while the contract keeps the format
        assert schema_at("createBooking", "request", field)["format"] == "uuid"
    status, body = client.post("createBooking", f"{CANON}/bookings", {"booking": booking})
    assert status == 400
    v = body["details"]["validationError"]["fieldViolations"]
    assert any(x["field"] == field and x["violatedRule"] == rule for x in v), v
    assert not client.emu.bookings


def test_create_violations_come_from_the_validation_engine(client):
    from wixcontracts.validate import Contracts

    body = {"booking": {"bookedEntity": {}, "totalParticipants": 1,
                        "additionalFields": [{"id": str(uuid.uuid4())}, {"id": "x", "value": 3}]}}
    status, out = client.post("createBooking", f"{CANON}/bookings", body)
    assert status == 400
    got = [(v["field"], v["violatedRule"], v["ruleName"], v["description"])
           for v in out["details"]["validationError"]["fieldViolations"]]
    errors = Contracts.load().validate_request("createBooking", body).errors
    assert {(r, d) for _, _, r, d in got} == {(f.rule, f.message) for f in errors}
    assert ("booking.additionalFields[1].id", "FORMAT") in {(f, r) for f, r, _, _ in got}
    assert ("booking.additionalFields[1].value", "OTHER") in {(f, r) for f, r, _, _ in got}


def test_create_drops_read_only_fields(client):
    """Read-only fields are only a warning for the validator; the server-side copy never keeps them."""
    sent = {"bookedEntity": {"title": "mine", "slot": {"serviceId": str(uuid.uuid4())}}, "totalParticipants": 1,
            "createdBy": {"contactId": str(uuid.uuid4())}, "doubleBooked": True, "id": str(uuid.uuid4())}
    props = schema_at("createBooking", "request", "booking")["properties"]
    assert all(props[k].get("readOnly") for k in ("id", "createdBy", "doubleBooked"))
    assert schema_at("createBooking", "request", "booking.bookedEntity")["properties"]["title"].get("readOnly")
    status, out = client.post("createBooking", f"{CANON}/bookings", {"booking": sent})
    assert status == 200
    b = out["booking"]
    assert b["id"] != sent["id"] and "createdBy" not in b and "doubleBooked" not in b
    assert "title" not in b["bookedEntity"] and b["bookedEntity"]["slot"] == sent["bookedEntity"]["slot"]


def test_create_missing_booking(client):
    status, body = client.post("createBooking", f"{CANON}/bookings", {})
    assert status == 400
    assert body["details"]["validationError"]["fieldViolations"][0]["field"] == "booking"


def test_aliases_and_canonical_share_state(client):
    s, b = client.create(prefix=ALIAS)
    assert s == 200
    bid = b["booking"]["id"]
    s, out = client.cancel(bid, {"revision": "1"}, prefix=ALIAS)
    assert s == 200 and out["booking"]["status"] == "CANCELED" and out["booking"]["revision"] == "2"
    s, out = client.cancel(bid, {"revision": "2"}, prefix=CANON)
    assert s == 428 and code(out) == "INVALID_BOOKING_STATUS"


def test_no_content_type_and_invalid_json(client):
    body = json.dumps({"booking": {"bookedEntity": {}, "totalParticipants": 1}}).encode()
    s, out = client.post("createBooking", f"{CANON}/bookings", raw=body, headers={})
    assert s == 200
    s, out = client.post("createBooking", f"{CANON}/bookings", raw=b"{nope", headers={})
    assert s == 400 and out["message"].startswith("INVALID_ARGUMENT")
    s, out = client.post("createBooking", f"{CANON}/bookings", raw=body, headers={"content-type": "text/plain"})
    assert s == 200


def test_unknown_route_and_method():
    emu = Emulator()
    s, h, out = emu.handle("POST", "/_api/bookings-service/v2/nothing", {}, b"{}")
    assert s == 404 and out["details"]["applicationError"]["code"] == "NOT_FOUND" and out["message"]
    s, h, out = emu.handle("GET", f"{CANON}/bookings", {}, b"")
    assert s == 405 and h["allow"] == "POST"


# ------------------------------------------------------------------ declineMultiServiceBooking
def test_decline_success_and_return_full_entity(client, msb):
    mid, ids = msb
    s, out = client.decline(mid, {"declineBookingsInfo": infos(client, ids, paymentStatus="EXEMPT"),
                                  "returnFullEntity": True})
    assert s == 200
    m = out["multiServiceBooking"]
    assert m["id"] == mid and [x["bookingId"] for x in m["bookings"]] == ids
    for x in m["bookings"]:
        assert x["booking"]["status"] == "DECLINED" and x["booking"]["revision"] == "2"
        assert x["booking"]["paymentStatus"] == "EXEMPT"


def test_decline_without_full_entity(client, msb):
    mid, ids = msb
    s, out = client.decline(mid, {"declineBookingsInfo": infos(client, ids)}, prefix="/bookings/multiServiceBookings/v2")
    assert s == 200 and all(set(x) == {"bookingId"} for x in out["multiServiceBooking"]["bookings"])


def test_decline_integer_revision(client, msb):
    mid, ids = msb
    s, _ = client.decline(mid, {"declineBookingsInfo": [{"bookingId": i, "revision": 1} for i in ids]})
    assert s == 200


@pytest.mark.parametrize("case, http, expected", [
    ("unknown_msb", 404, "MULTI_SERVICE_BOOKING_NOT_FOUND"),
    ("unknown_booking", 404, "BOOKING_NOT_FOUND"),
    ("revision_missing", 400, "REVISION_MISSING"),
    ("duplicate", 400, "DUPLICATE_BOOKING_INFO"),
    ("not_all", 400, "NOT_ALL_BOOKINGS_WERE_SENT"),
    ("empty", 400, "NOT_ALL_BOOKINGS_WERE_SENT"),
    ("stale", 428, "BOOKING_REVISION_MISMATCH"),
    ("bad_status", 428, "INVALID_BOOKING_STATUS"),
])
def test_decline_errors(client, msb, case, http, expected):
    mid, ids = msb
    before = client.emu.snapshot()
    info = infos(client, ids)
    if case == "unknown_msb":
        mid = str(uuid.uuid4())
    elif case == "unknown_booking":
        info.append({"bookingId": str(uuid.uuid4()), "revision": "1"})
    elif case == "revision_missing":
        del info[1]["revision"]
    elif case == "duplicate":
        info.append(dict(info[0]))
    elif case == "not_all":
        info = info[:1]
    elif case == "empty":
        info = []
    elif case == "stale":
        info[1]["revision"] = "7"
    elif case == "bad_status":
        client.emu.bookings[ids[1]]["status"] = "CONFIRMED"
        before = client.emu.snapshot()
    s, out = client.decline(mid, {"declineBookingsInfo": info})
    assert (s, code(out)) == (http, expected)
    assert client.emu.snapshot() == before  # all or nothing


def test_decline_status_set_comes_from_catalog(client, msb):
    pre = client.emu.catalog.operation("declineMultiServiceBooking")["preconditions"][0]
    mid, ids = msb
    for st in pre["from_statuses"]:
        client.emu.bookings[ids[0]]["status"] = st
        assert precondition(client.emu, "bookings.declineMultiServiceBooking")["from_statuses"] == pre["from_statuses"]
    s, _ = client.decline(mid, {"declineBookingsInfo": infos(client, ids)})
    assert s == 200


def test_decline_twice(client, msb):
    mid, ids = msb
    assert client.decline(mid, {"declineBookingsInfo": infos(client, ids)})[0] == 200
    s, out = client.decline(mid, {"declineBookingsInfo": infos(client, ids)})
    assert (s, code(out)) == (428, "ALL_BOOKINGS_ARE_ALREADY_DECLINED")
    s, out = client.decline(mid, {"declineBookingsInfo": [{"bookingId": i, "revision": "1"} for i in ids]})
    assert (s, code(out)) == (428, "BOOKING_REVISION_MISMATCH")


def test_decline_foreign_booking(client, msb):
    mid, ids = msb
    other = client.create()[1]["booking"]["id"]
    s, out = client.decline(mid, {"declineBookingsInfo": infos(client, [*ids, other])})
    assert (s, code(out)) == (404, "BOOKING_NOT_FOUND")


def test_decline_path_param_validated(client):
    s, out = client.decline("not-a-uuid", {})
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["field"] == "multiServiceBookingId"


def test_decline_request_closed(client, msb):
    mid, ids = msb
    s, out = client.decline(mid, {"declineBookingsInfo": infos(client, ids), "extra": 1})
    assert s == 400


# ------------------------------------------------------------------ cancelBooking / revisions
def test_cancel_revision_handling(client):
    bid = client.create()[1]["booking"]["id"]
    # the contract requires revision (int64): both failures are schema validation errors
    assert "revision" in client.emu.catalog.schema("cancelBooking", "request", "rest")["required"]
    s, out = client.cancel(bid, {})
    assert s == 400
    assert [(v["field"], v["violatedRule"]) for v in out["details"]["validationError"]["fieldViolations"]] \
        == [("revision", "REQUIRED_FIELD")]
    for bad in ("abc", "1.5", None, True):
        s, out = client.cancel(bid, {"revision": bad})
        assert s == 400, bad
        (v,) = out["details"]["validationError"]["fieldViolations"]
        assert (v["field"], v["violatedRule"]) == ("revision", "FORMAT"), v
    s, out = client.cancel(bid, {"revision": "5"})
    assert (s, code(out)) == (428, "BOOKING_REVISION_MISMATCH")
    assert out["details"]["applicationError"]["data"]["currentRevision"] == "1"
    s, out = client.cancel(str(uuid.uuid4()), {"revision": "1"})
    assert (s, code(out)) == (404, "BOOKING_NOT_FOUND")
    s, out = client.cancel(bid, {"revision": 1})
    assert s == 200 and out["booking"]["status"] == "CANCELED" and out["booking"]["revision"] == "2"
    assert out["booking"]["updatedDate"] >= out["booking"]["createdDate"]


def test_cancel_to_status_from_catalog(client):
    to = client.emu.catalog.operation("cancelBooking")["preconditions"][0]["to_status"]
    bid = client.create()[1]["booking"]["id"]
    assert client.cancel(bid, {"revision": "1"})[1]["booking"]["status"] == to


def test_seed_reset_snapshot():
    emu = Emulator(seed_state={"bookings": {"b1": {"id": "b1", "status": "PENDING", "revision": 3}},
                               "multiServiceBookings": [{"id": "m1", "bookings": [{"bookingId": "b1"}]}]})
    snap = emu.snapshot()
    assert snap["bookings"]["b1"]["revision"] == "3" and snap["multiServiceBookings"] == {"m1": ["b1"]}
    snap["bookings"]["b1"]["status"] = "X"
    assert emu.bookings["b1"]["status"] == "PENDING"
    emu.reset()  # back to the initial seed
    assert emu.snapshot()["bookings"]["b1"]["status"] == "PENDING"
    emu.reset(seed=None)
    snap = emu.snapshot()
    assert snap["bookings"] == {} and snap["multiServiceBookings"] == {} and snap["services"] == {}


def test_fixed_clock():
    from datetime import datetime, timezone
    emu = Emulator(clock=lambda: datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc))
    c = Client(emu)
    assert c.create()[1]["booking"]["createdDate"] == "2030-01-02T03:04:05.678Z"


def test_decisions_documented():
    assert isinstance(DECISIONS, dict) and len(DECISIONS) >= 10
    assert all(isinstance(v, str) and v for v in DECISIONS.values())


def test_check_response_rejects_bad_error_code():
    with pytest.raises(Exception):
        check_response("declineMultiServiceBooking", 404,
                       {"message": "x", "details": {"applicationError": {"code": "REVISION_MISSING"}}})


def test_asgi_front_always_answers_with_the_envelope(client):
    """Starlette routing used to answer a %0A in a path parameter with a text/plain 404 and unknown methods
    with a text/plain 405; every request now reaches the emulator."""
    r = client.http.post(f"{CANON}/bookings/%0Aabc/cancel", json={"revision": "1"})
    assert r.status_code == 400 and r.headers["content-type"] == "application/json"  # bookingId is a GUID
    assert [v["field"] for v in r.json()["details"]["validationError"]["fieldViolations"]] == ["bookingId"]
    bid = "5fa50f19-4c94-4c42-a72b-289505ba2028"
    r = client.http.post(f"{CANON}/bookings/{bid}/cancel", json={"revision": "1"})
    assert r.status_code == 404 and code(r.json()) == "BOOKING_NOT_FOUND"
    assert r.json()["details"]["applicationError"]["data"]["bookingId"] == bid
    r = client.http.request("TRACE", f"{CANON}/bookings")
    assert r.status_code == 405 and r.headers["allow"] == "POST" and code(r.json()) == "METHOD_NOT_ALLOWED"
