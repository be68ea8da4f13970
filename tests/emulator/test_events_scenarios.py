"""Domain events (every change records one; listeners after the commit) and the opt-in scenarios."""

from __future__ import annotations

import json
import threading

import pytest

from wixcontracts.emulator.core import Emulator
from .helpers import Wire, code

SUNDAY = "2030-01-06T12:00:00Z"
MASSAGE = "fb03e015-7d89-4bfd-847c-2235ce2b6f2e"
BOOKINGS = "/_api/bookings-service/v2/bookings"
SERVICES = "/_api/bookings/v2/services"


def booking(start="09:00", end="10:00", day="2030-01-07", **extra):
    return {"booking": {"totalParticipants": 1, "bookedEntity": {"slot": {
        "serviceId": MASSAGE, "startDate": f"{day}T{start}:00", "endDate": f"{day}T{end}:00"}}}, **extra}


@pytest.fixture
def wire():
    return Wire(seed="business", clock=SUNDAY)


# ---------------------------------------------------------------------- events

def test_every_change_records_an_event_in_order(wire):
    seen = []
    off = wire.emu.on_event(seen.append)
    bid = wire.post(BOOKINGS, booking())[1]["booking"]["id"]
    wire.post(f"{BOOKINGS}/{bid}/confirm", {"revision": "1"})
    wire.post(f"{BOOKINGS}/{bid}/reschedule", {"revision": "2", "slot": {"serviceId": MASSAGE,
                                                                         "startDate": "2030-01-07T10:00:00",
                                                                         "endDate": "2030-01-07T11:00:00"}})
    wire.post(f"{BOOKINGS}/{bid}/update_number_of_participants", {"revision": "3", "totalParticipants": 1})
    wire.post(f"{BOOKINGS}/{bid}/set-booking-submission-id",
              {"submissionId": "0b6ab2c4-5b5f-4d0e-9a55-3c1e8f0b7a10"})
    wire.post(f"{BOOKINGS}/{bid}/cancel", {"revision": "5"})
    b2 = wire.post(BOOKINGS, booking())[1]["booking"]["id"]
    wire.post(f"{BOOKINGS}/{b2}/mark_booking_as_pending", {"revision": "1"})
    wire.post(f"{BOOKINGS}/{b2}/decline", {"revision": "2"})
    slugs = [e.slug for e in wire.emu.events]
    assert slugs == ["created", "confirmed", "rescheduled", "number_of_participants_updated", "updated", "canceled",
                     "created", "markedAsPending", "declined"]
    assert seen == wire.emu.events
    first = wire.emu.events[0]
    assert first.type == "wix.bookings.v2.booking_created" and first.entity_id == bid
    assert first.entity["status"] == "CREATED" and first.entity["revision"] == "1"  # the entity as it was then
    assert first.time == "2030-01-06T12:00:00.000Z" and first.operation == "bookings.createBooking"
    assert first.as_dict()["entityFqdn"] == "wix.bookings.v2.booking"
    e = wire.emu.events[2]
    e.entity["status"] = "MESSED"  # each access is a copy: a listener cannot change what others see
    assert e.entity["status"] == "CONFIRMED"
    off()
    wire.post(BOOKINGS, booking("11:00", "12:00"))
    assert len(seen) == 9 and len(wire.emu.events) == 10


def test_failed_operations_record_nothing_and_listeners_cannot_undo(wire):
    wire.post(BOOKINGS, booking())
    n = len(wire.emu.events)
    assert wire.post(BOOKINGS, booking())[0] == 428  # the slot is full
    assert len(wire.emu.events) == n

    def boom(ev):
        raise RuntimeError("listener bug")

    wire.emu.on_event(boom)
    s, out = wire.post(BOOKINGS, booking("10:00", "11:00"))
    assert s == 200 and out["booking"]["id"] in wire.emu.bookings
    (ev, exc), = wire.emu.listener_errors
    assert ev.entity_id == out["booking"]["id"] and "listener bug" in str(exc)


def test_listeners_run_after_the_commit_outside_the_lock(wire):
    states = []

    def look(ev):  # another thread can use the emulator while the listener runs
        t = threading.Thread(target=lambda: states.append(wire.emu.snapshot()["bookings"][ev.entity_id]["status"]))
        t.start()
        t.join(5)

    wire.emu.on_event(look)
    wire.post(BOOKINGS, booking())
    assert states == ["CREATED"]


def test_service_staff_and_resource_events(wire):
    svc = wire.post(SERVICES, {"service": {"name": "Reiki"}})[1]["service"]
    wire("PATCH", f"{SERVICES}/{svc['id']}", {"service": {"id": svc["id"], "revision": "1", "name": "Reiki+"}})
    wire("DELETE", f"{SERVICES}/{svc['id']}")
    staff = wire.post("/bookings/v1/staff-members", {"staffMember": {"name": "Sam"}})[1]["staffMember"]
    wire("DELETE", f"/bookings/v1/staff-members/{staff['id']}")
    res = wire.post("/bookings/v2/resources", {"resource": {"name": "Room 3"}})[1]["resource"]
    wire("PATCH", f"/bookings/v2/resources/{res['id']}", {"resource": {"id": res["id"], "revision": "1",
                                                                      "name": "Room three"}})
    assert [e.type.rsplit(".", 1)[1] for e in wire.emu.events] == [
        "service_created", "service_updated", "service_deleted", "staff_member_created", "staff_member_deleted",
        "resource_created", "resource_updated"]
    assert wire.emu.events[2].entity is None


# ---------------------------------------------------------------------- scenarios

def test_form_submission_revision():
    w = Wire(seed="business", clock=SUNDAY)
    s, out = w.post(BOOKINGS, booking(formSubmission={"first_name": "Ada"}))
    b = out["booking"]
    assert s == 200 and b["revision"] == "1" and b["formSubmissionId"]  # off: the id comes with the booking
    w = Wire(seed="business", clock=SUNDAY, scenarios=["form-submission-revision"])
    s, out = w.post(BOOKINGS, booking(formSubmission={"first_name": "Ada"}))
    b = out["booking"]
    assert s == 200 and b["revision"] == "1" and "formSubmissionId" not in b
    assert w.emu.bookings[b["id"]]["revision"] == "2" and w.emu.bookings[b["id"]]["formSubmissionId"]
    assert [e.slug for e in w.emu.events] == ["created", "updated"]
    s, out = w.post(f"{BOOKINGS}/{b['id']}/confirm", {"revision": b["revision"]})  # the revision the client has
    assert (s, code(out)) == (428, "BOOKING_REVISION_MISMATCH")
    assert out["details"]["applicationError"]["data"]["currentRevision"] == "2"
    s, out = w.post(BOOKINGS, booking("10:00", "11:00"))  # no form submission: no second write
    assert out["booking"]["revision"] == w.emu.bookings[out["booking"]["id"]]["revision"] == "1"


def test_location_type_business():
    slots_req = {"serviceId": MASSAGE, "fromLocalDate": "2030-01-07T09:00:00", "toLocalDate": "2030-01-07T10:00:00"}
    w = Wire(seed="business", clock=SUNDAY)
    slot = w.post("/_api/service-availability/v2/time-slots", slots_req)[1]["timeSlots"][0]
    assert "locationType" not in slot["location"]
    body = booking()
    body["booking"]["bookedEntity"]["slot"]["location"] = slot["location"]
    assert w.post(BOOKINGS, body)[0] == 200  # copying the slot's location works
    w = Wire(seed="business", clock=SUNDAY, scenarios=["location-type-business"])
    slot = w.post("/_api/service-availability/v2/time-slots", slots_req)[1]["timeSlots"][0]
    assert slot["location"]["locationType"] == "BUSINESS"
    body["booking"]["bookedEntity"]["slot"]["location"] = slot["location"]
    s, _h, out = w.emu.handle("POST", BOOKINGS, {}, json.dumps(body).encode())  # invalid on purpose
    (v,) = out["details"]["validationError"]["fieldViolations"]
    assert s == 400 and v["field"] == "booking.bookedEntity.slot.location.locationType" and v["ruleName"] == "enum"
    body["booking"]["bookedEntity"]["slot"]["location"]["locationType"] = "OWNER_BUSINESS"
    assert w.post(BOOKINGS, body)[0] == 200


def test_eventual_consistency():
    w = Wire(seed="business", clock=SUNDAY, scenarios=["eventual-consistency:lagSeconds=5"])
    query = {"query": {"filter": {"name": "Reiki"}}}
    svc = w.post(SERVICES, {"service": {"name": "Reiki"}})[1]["service"]
    assert w.post(f"{SERVICES}/query", query)[1]["services"] == []  # not yet
    assert w.post(f"{SERVICES}/count", {"filter": {"name": "Reiki"}})[1]["count"] == 0
    assert w("GET", f"{SERVICES}/{svc['id']}")[0] == 200  # reads by id are consistent
    assert len(w.post(f"{SERVICES}/query", {"query": {}})[1]["services"]) == 6  # the seed is visible at once
    w.emu.clock.advance(5)
    assert [s["id"] for s in w.post(f"{SERVICES}/query", query)[1]["services"]] == [svc["id"]]
    w("DELETE", f"{SERVICES}/{svc['id']}")
    assert len(w.post(f"{SERVICES}/query", query)[1]["services"]) == 1  # the delete lags too
    w.emu.clock.advance(5)
    assert w.post(f"{SERVICES}/query", query)[1]["services"] == []
    # bookings through extended bookings
    b = w.post(BOOKINGS, booking())[1]["booking"]
    ext = "/_api/bookings-reader/v2/extended-bookings/query"
    assert w.post(ext, {"query": {}})[1]["extendedBookings"] == []
    w.emu.clock.advance(5)
    assert [x["booking"]["id"] for x in w.post(ext, {"query": {}})[1]["extendedBookings"]] == [b["id"]]
