"""The operations that come from the SDK typings only (no docs page, no documented errors): confirmBooking,
declineBooking, markBookingAsPending and the multi-service create / get / confirm / cancel (policy sdk_ops.*,
create_msb.*, get_msb.*, confirm_msb.*, cancel_msb.*). Every response is checked against the schemas."""

import uuid

import pytest

from .helpers import CANON, code
from wixcontracts.emulator.fuzz import G3_STATUSES
from wixcontracts.emulator.policy import DECISIONS, FROM_STATUSES

MSB_ALIAS = "/bookings/multiServiceBookings/v2"
SINGLE = ("confirmBooking", "declineBooking", "markBookingAsPending")


def _new(client, **kw):
    s, out = client.create(**kw)
    assert s == 200
    return out["booking"]


# ------------------------------------------------------------------ lifecycles
def test_create_confirm_cancel(client):
    b = _new(client)
    s, out = client.booking_op("confirmBooking", b["id"], {"revision": b["revision"], "paymentStatus": "PAID"})
    assert s == 200 and out["booking"]["status"] == "CONFIRMED" and out["booking"]["revision"] == "2"
    assert out["booking"]["paymentStatus"] == "PAID" and out["booking"]["id"] == b["id"]
    s, out = client.cancel(b["id"], {"revision": "2"})
    assert s == 200 and out["booking"]["status"] == "CANCELED" and out["booking"]["revision"] == "3"
    assert client.emu.bookings[b["id"]] == out["booking"]


def test_create_decline(client):
    b = _new(client)
    s, out = client.booking_op("declineBooking", b["id"], {"revision": 1}, prefix="/bookings/v2")
    assert s == 200 and out["booking"]["status"] == "DECLINED" and out["booking"]["revision"] == "2"
    s, out = client.booking_op("confirmBooking", b["id"], {"revision": "2"})
    assert (s, code(out)) == (428, "INVALID_BOOKING_STATUS")


def test_mark_as_pending_then_confirm(client):
    b = _new(client)
    s, out = client.booking_op("markBookingAsPending", b["id"], {"revision": "1", "doubleBooked": True})
    assert s == 200 and out["booking"]["status"] == "PENDING" and out["booking"]["doubleBooked"] is True
    s, out = client.booking_op("confirmBooking", b["id"], {"revision": "2"})
    assert s == 200 and out["booking"]["status"] == "CONFIRMED" and out["booking"]["revision"] == "3"


def test_msb_create_get_confirm_cancel(client):
    s, out = client.create_msb(3, multiServiceBookingType="SEQUENTIAL_BOOKINGS", returnFullEntity=True)
    assert s == 200
    msb = out["multiServiceBooking"]
    ids = [x["bookingId"] for x in msb["bookings"]]
    assert len(ids) == 3 and client.emu.msbs[msb["id"]] == ids
    for x in msb["bookings"]:
        assert x["booking"]["status"] == "CREATED" and x["booking"]["revision"] == "1"
        assert x["booking"]["multiServiceBookingInfo"] == {"id": msb["id"], "type": "SEQUENTIAL_BOOKINGS"}
    s, got = client.get_msb(msb["id"], prefix=MSB_ALIAS)
    assert s == 200 and got == out
    info = [{"bookingId": i, "revision": "1"} for i in ids]
    s, out = client.msb_op("confirmMultiServiceBooking", msb["id"], {"confirmBookingsInfo": info,
                                                                    "returnFullEntity": True})
    assert s == 200 and [x["bookingId"] for x in out["multiServiceBooking"]["bookings"]] == ids
    assert all(x["booking"]["status"] == "CONFIRMED" and x["booking"]["revision"] == "2"
               for x in out["multiServiceBooking"]["bookings"])
    s, out = client.msb_op("cancelMultiServiceBooking", msb["id"], {})
    assert s == 200 and all(set(x) == {"bookingId"} for x in out["multiServiceBooking"]["bookings"])
    assert {b["status"] for b in client.emu.bookings.values()} == {"CANCELED"}
    assert {b["revision"] for b in client.emu.bookings.values()} == {"3"}
    s, out = client.get_msb(msb["id"])
    assert s == 200 and all(x["booking"]["status"] == "CANCELED" for x in out["multiServiceBooking"]["bookings"])


def test_msb_create_then_decline(client):
    s, out = client.create_msb(2)
    mid = out["multiServiceBooking"]["id"]
    ids = client.emu.msbs[mid]
    s, out = client.decline(mid, {"declineBookingsInfo": [{"bookingId": i, "revision": "1"} for i in ids]})
    assert s == 200
    s, out = client.msb_op("confirmMultiServiceBooking", mid, {})
    assert (s, code(out)) == (428, "INVALID_BOOKING_STATUS")


def test_msb_create_skip_confirmation_and_read_only(client):
    s, out = client.post("createMultiServiceBooking", f"{CANON}/multi_service_bookings", {
        "bookings": [{"bookedEntity": {}, "totalParticipants": 1, "id": str(uuid.uuid4()), "revision": "9"},
                     {"bookedEntity": {}, "totalParticipants": 2}],
        "flowControlSettings": {"skipBusinessConfirmation": True}, "returnFullEntity": True})
    assert s == 200
    bs = [x["booking"] for x in out["multiServiceBooking"]["bookings"]]
    assert [b["status"] for b in bs] == ["CONFIRMED", "CONFIRMED"] and [b["revision"] for b in bs] == ["1", "1"]
    assert "type" not in bs[0]["multiServiceBookingInfo"]


def test_msb_create_validation(client):
    s, out = client.create_msb(1)  # minItems 2 in the contract
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["field"] == "bookings"
    assert not client.emu.bookings and not client.emu.msbs


def test_msb_confirm_without_info_confirms_all(client):
    mid = client.create_msb(2)[1]["multiServiceBooking"]["id"]
    s, out = client.msb_op("confirmMultiServiceBooking", mid, {"doubleBooked": False})
    assert s == 200
    assert all(client.emu.bookings[i]["status"] == "CONFIRMED" and client.emu.bookings[i]["doubleBooked"] is False
               for i in client.emu.msbs[mid])


# ------------------------------------------------------------------ errors of the single-booking operations
@pytest.mark.parametrize("op", SINGLE)
def test_single_errors(client, op):
    b = _new(client)
    before = client.emu.snapshot()
    s, out = client.booking_op(op, b["id"], {"revision": "2"})
    assert (s, code(out)) == (428, "BOOKING_REVISION_MISMATCH")
    assert out["details"]["applicationError"]["data"]["currentRevision"] == "1"
    s, out = client.booking_op(op, str(uuid.uuid4()), {"revision": "1"})
    assert (s, code(out)) == (404, "BOOKING_NOT_FOUND")
    s, out = client.booking_op(op, b["id"], {})
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["field"] == "revision"
    assert client.emu.snapshot() == before
    # wrong status: the target status itself, and CANCELED
    to = FROM_STATUSES[f"bookings.{op}"][1]
    client.emu.bookings[b["id"]]["status"] = to
    s, out = client.booking_op(op, b["id"], {"revision": "1"})
    assert (s, code(out)) == (428, "INVALID_BOOKING_STATUS")
    client.emu.bookings[b["id"]]["status"] = "CANCELED"
    s, out = client.booking_op(op, b["id"], {"revision": "1"})
    assert (s, code(out)) == (428, "INVALID_BOOKING_STATUS")
    assert client.emu.bookings[b["id"]]["revision"] == "1"


@pytest.mark.parametrize("op", SINGLE)
def test_single_from_statuses(client, op):
    allowed, to = FROM_STATUSES[f"bookings.{op}"]
    for st in ("CREATED", "PENDING", "WAITING_LIST", "CONFIRMED", "DECLINED", "CANCELED"):
        b = _new(client)
        client.emu.bookings[b["id"]]["status"] = st
        s, out = client.booking_op(op, b["id"], {"revision": "1"})
        ok = st in allowed and st != to
        assert s == (200 if ok else 428), (op, st, out)


# ------------------------------------------------------------------ errors of the multi-service operations
@pytest.mark.parametrize("op", ("getMultiServiceBooking", "confirmMultiServiceBooking", "cancelMultiServiceBooking"))
def test_msb_not_found(client, op):
    mid = str(uuid.uuid4())
    s, out = client.get_msb(mid) if op == "getMultiServiceBooking" else client.msb_op(op, mid, {})
    assert (s, code(out)) == (404, "MULTI_SERVICE_BOOKING_NOT_FOUND")


@pytest.mark.parametrize("case, http, expected", [
    ("stale", 428, "BOOKING_REVISION_MISMATCH"),
    ("foreign", 404, "BOOKING_NOT_FOUND"),
    ("bad_status", 428, "INVALID_BOOKING_STATUS"),
    ("no_revision", 400, None),
    ("duplicate", 400, None),
])
def test_msb_confirm_errors(client, msb, case, http, expected):
    mid, ids = msb
    info = [{"bookingId": i, "revision": "1"} for i in ids]
    if case == "stale":
        info[1]["revision"] = "2"
    elif case == "foreign":
        info.append({"bookingId": _new(client)["id"], "revision": "1"})
    elif case == "bad_status":
        client.emu.bookings[ids[1]]["status"] = "CONFIRMED"  # the target status: all or nothing
    elif case == "no_revision":
        del info[0]["revision"]
    elif case == "duplicate":
        info.append(dict(info[0]))
    before = client.emu.snapshot()
    s, out = client.msb_op("confirmMultiServiceBooking", mid, {"confirmBookingsInfo": info})
    assert s == http
    if expected:
        assert code(out) == expected
    else:
        assert out["details"]["validationError"]["fieldViolations"][0]["field"].startswith("confirmBookingsInfo[")
    assert client.emu.snapshot() == before


def test_msb_cancel_wrong_status_is_all_or_nothing(client, msb):
    mid, ids = msb
    client.emu.bookings[ids[0]]["status"] = "CANCELED"
    before = client.emu.snapshot()
    s, out = client.msb_op("cancelMultiServiceBooking", mid, {})
    assert (s, code(out)) == (428, "INVALID_BOOKING_STATUS") and out["details"]["applicationError"]["data"] \
        == {"bookingIds": [ids[0]]}
    assert client.emu.snapshot() == before


def test_msb_with_a_missing_booking(client):
    mid = str(uuid.uuid4())
    client.emu.seed({"multiServiceBookings": {mid: [str(uuid.uuid4())]}})
    s, out = client.msb_op("cancelMultiServiceBooking", mid, {})
    assert (s, code(out)) == (404, "BOOKING_NOT_FOUND")
    s, out = client.get_msb(mid)
    assert s == 200 and list(out["multiServiceBooking"]["bookings"][0]) == ["bookingId"]


def test_errors_stay_within_the_known_gap(client):
    """Every non-200/400 status these tests produce is one G3 tolerates, and its choice is in DECISIONS."""
    from wixcontracts.emulator.core import EMULATED

    cat = client.emu.catalog
    sdk_only = {o for o in EMULATED if cat.operation(o)["source"] == ["sdk"] and not cat.operation(o)["errors"]}
    assert set(G3_STATUSES) == sdk_only
    for key in ("sdk_ops.errors", "sdk_ops.from_statuses", "confirm_msb.info", "cancel_msb.revision",
                "create_msb.bookings", "get_msb.response"):
        assert DECISIONS[key]
    assert "G3" in DECISIONS["sdk_ops.errors"]
