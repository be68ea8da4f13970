"""The whole booking flow, driven by Wix's official JS SDK packages (bookings, services, staff-members,
availability-time-slots, event-time-slots, multi-service-availability-time-slots) against a real
``wixcontracts serve`` process on the shipped business seed, its clock frozen on a Sunday:

find staff and create a service -> query availability -> book a slot -> the slot is full (428) -> confirm ->
reschedule -> cancel -> the slot is free again; a full class (428); two services on consecutive slots as one
multi-service booking.  Every request the client sends is also checked against the contracts.

Skipped with npm's reason when the registry cannot be reached (see conftest)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.serving import serving

from wixcontracts.sdk import jsclient
from wixcontracts.validate import Contracts

P = "@wix/auto_sdk_bookings_"
BOOKINGS, SERVICES, STAFF = P + "bookings", P + "services", P + "staff-members"
SLOTS, EVENTS, MULTI = P + "availability-time-slots", P + "event-time-slots", P + "multi-service-availability-time-slots"
SUNDAY = "2030-01-06T12:00:00Z"
MASSAGE = "fb03e015-7d89-4bfd-847c-2235ce2b6f2e"
SPORTS = "effc753a-ea96-4a60-98e6-ed07c878925c"
PILATES = "daacb388-382c-4a18-a905-7ee7f541782b"
TZ = "Europe/Dublin"


@pytest.fixture(scope="module")
def serve():
    with serving("--clock", SUNDAY) as base:
        yield base


def control(base: str, path: str, body: dict | None = None) -> dict:
    req = urllib.request.Request(base + path, data=json.dumps(body or {}).encode() if body is not None else None,
                                 method="POST" if body is not None else "GET")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture
def base(serve):
    control(serve, "/_wixcontracts/reset", {"seed": "business", "scenarios": []})
    control(serve, "/_wixcontracts/clock", {"now": SUNDAY})
    return serve


class Client:
    """Plans run one after another against the same server; every request the client sent is validated."""

    def __init__(self, js_root, base: str):
        self.js_root, self.base = js_root, base
        self.contracts = Contracts.load()
        self.problems: list[str] = []

    def run(self, *calls: dict) -> dict[str, dict]:
        out = {r["id"]: r for r in jsclient.run_plan({"mode": "forward", "base_url": self.base, "calls": list(calls)},
                                                     root=self.js_root)}
        for cid, r in out.items():
            for req in r.get("requests", []):
                url = req["url"].replace(self.base, "https://www.wixapis.com")
                body = json.loads(req["body"]) if req["body"] else None
                res = self.contracts.validate_exchange(req["method"], url, req["headers"], body, None, None)
                self.problems += [f"{cid}: {f.location} {f.pointer} {f.rule}: {f.message}" for f in res.errors]
        return out


def call(cid: str, module: str, method: str, *args, chain=None) -> dict:
    c = {"id": cid, "module": module, "method": method, "args": list(args)}
    if chain:
        c["chain"] = chain
    return c


def ok(r: dict) -> dict:
    assert "error" not in r, r.get("error")
    return r["result"]


def code(r: dict) -> tuple[int, str]:
    assert "error" in r, r.get("result")
    return r["error"]["status"], r["error"]["details"]["applicationError"]["code"]


def slots(c: Client, service: str, day: str) -> list[dict]:
    r = c.run(call("s", SLOTS, "listAvailabilityTimeSlots", {
        "serviceId": service, "fromLocalDate": f"{day}T00:00:00", "toLocalDate": f"{day}T23:59:59", "timeZone": TZ}))
    return ok(r["s"])["timeSlots"]


def at(ts: list[dict], start: str) -> dict:
    return next(s for s in ts if s["localStartDate"] == start)


def booking_for(service: str, slot: dict, **extra) -> dict:
    return {"totalParticipants": 1, "contactDetails": {"firstName": "Ada", "email": "ada@example.com"},
            "bookedEntity": {"slot": {"serviceId": service, "startDate": slot["localStartDate"],
                                      "endDate": slot["localEndDate"], "timezone": TZ,
                                      "location": slot.get("location") or {}}}, **extra}


def test_find_staff_create_service_query_availability(js_root, base):
    c = Client(js_root, base)
    r = c.run(call("staff", STAFF, "queryStaffMembers", chain=[{"method": "find"}]),
              call("new", STAFF, "createStaffMember", {"name": "Sam Doyle", "email": "sam@example.com"}),
              call("got", STAFF, "getStaffMember", {"$ref": "new", "path": "_id"}))
    names = {m["name"]: m["_id"] for m in ok(r["staff"])["_items"]}
    assert {"Aoife Byrne", "Liam Walsh", "Niamh Kelly"} <= set(names)
    assert ok(r["got"])["name"] == "Sam Doyle" and ok(r["got"])["resourceId"] == ok(r["new"])["resourceId"]
    r = c.run(
        call("svc", SERVICES, "createService", {
            "name": "Hot stone massage", "type": "APPOINTMENT", "staffMemberIds": [names["Aoife Byrne"]],
            "schedule": {"availabilityConstraints": {"sessionDurations": [90]}},
            "locations": [{"type": "BUSINESS", "business": {"_id": "878a5385-6e04-460a-a34d-2fa6126f3ce4"}}]}),
        call("get", SERVICES, "getService", {"$ref": "svc", "path": "_id"}),
        call("upd", SERVICES, "updateService", {"$ref": "svc", "path": "_id"},
             {"revision": {"$ref": "svc", "path": "revision"}, "tagLine": "90 minutes"}),
        call("stale", SERVICES, "updateService", {"$ref": "svc", "path": "_id"}, {"revision": "1", "tagLine": "x"}),
        call("q", SERVICES, "queryServices", chain=[{"method": "eq", "args": ["name", "Hot stone massage"]},
                                                    {"method": "find"}]))
    svc = ok(r["svc"])
    assert ok(r["get"])["_id"] == svc["_id"] and ok(r["upd"])["revision"] == "2"
    assert code(r["stale"]) == (428, "REVISION_MISMATCH")
    assert [s["_id"] for s in ok(r["q"])["_items"]] == [svc["_id"]]
    hot = slots(c, svc["_id"], "2030-01-07")  # Monday: Aoife 09:00-13:00, 14:00-17:00; 90 minutes
    assert [s["localStartDate"][11:16] for s in hot] == ["09:00", "10:30", "14:00", "15:30"]
    assert all(s["bookable"] and s["availableResources"][0]["resources"][0]["name"] == "Aoife Byrne" for s in hot)
    assert not c.problems, c.problems


def test_pick_a_length_from_end_options_and_book_it(js_root, base):
    """An hourly duration-range service (the customer picks the length): the official client lists the end
    options for a start, books the longest, and the options for that start are gone."""
    c = Client(js_root, base)
    r = c.run(call("staff", STAFF, "queryStaffMembers", chain=[{"method": "find"}]))
    aoife = next(m["_id"] for m in ok(r["staff"])["_items"] if m["name"] == "Aoife Byrne")
    r = c.run(call("svc", SERVICES, "createService", {
        "name": "Studio hire", "type": "APPOINTMENT", "staffMemberIds": [aoife],
        "schedule": {"availabilityConstraints": {"durationRange": {
            "unitType": "HOUR", "hourOptions": {"minDurationInMinutes": 60, "maxDurationInMinutes": 120}}}},
        "locations": [{"type": "BUSINESS", "business": {"_id": "878a5385-6e04-460a-a34d-2fa6126f3ce4"}}]}))
    hire = ok(r["svc"])["_id"]
    where = {"localStartDate": "2030-01-07T11:00:00", "timeZone": TZ, "location": {"locationType": "BUSINESS"}}
    r = c.run(call("ends", SLOTS, "listAvailabilityTimeSlotEndOptions", hire, where))
    ends = ok(r["ends"])["endOptions"]
    assert [e["localEndDate"][11:16] for e in ends] == ["12:00", "12:30", "13:00"]  # Aoife's break at 13:00
    r = c.run(call("b", BOOKINGS, "createBooking", booking_for(hire, ends[-1])),
              call("after", SLOTS, "listAvailabilityTimeSlotEndOptions", hire, where))
    booked = ok(r["b"])["booking"]  # dates as the client returns them (Date objects; Dublin is UTC in January)
    assert (booked["startDate"], booked["endDate"]) == ({"$date": "2030-01-07T11:00:00.000Z"},
                                                        {"$date": "2030-01-07T13:00:00.000Z"})
    assert ok(r["after"])["endOptions"] == []
    assert not c.problems, c.problems


def test_book_full_confirm_reschedule_cancel_free_again(js_root, base):
    c = Client(js_root, base)
    monday = slots(c, MASSAGE, "2030-01-07")
    nine, ten = at(monday, "2030-01-07T09:00:00"), at(monday, "2030-01-07T10:00:00")
    assert nine["bookable"] and nine["remainingCapacity"] == 1  # only Aoife works on Mondays
    r = c.run(call("b", BOOKINGS, "createBooking", booking_for(MASSAGE, nine)),
              call("full", BOOKINGS, "createBooking", booking_for(MASSAGE, nine)),
              call("confirm", BOOKINGS, "confirmBooking", {"$ref": "b", "path": "booking._id"},
                   {"$ref": "b", "path": "booking.revision"}))
    b = ok(r["b"])["booking"]
    assert b["status"] == "CREATED" and b["bookedEntity"]["slot"]["resource"]["name"] == "Aoife Byrne"
    assert code(r["full"]) == (428, "SLOT_NOT_AVAILABLE")
    assert ok(r["confirm"])["booking"]["status"] == "CONFIRMED"
    assert not at(slots(c, MASSAGE, "2030-01-07"), "2030-01-07T09:00:00")["bookable"]
    r = c.run(call("move", BOOKINGS, "rescheduleBooking", b["_id"],
                   {"serviceId": MASSAGE, "startDate": ten["localStartDate"], "endDate": ten["localEndDate"],
                    "timezone": TZ}, {"revision": "2"}))
    moved = ok(r["move"])["booking"]
    assert moved["revision"] == "3" and moved["bookedEntity"]["slot"]["startDate"].startswith("2030-01-07T10:00")
    now = slots(c, MASSAGE, "2030-01-07")
    assert at(now, "2030-01-07T09:00:00")["bookable"] and not at(now, "2030-01-07T10:00:00")["bookable"]
    r = c.run(call("cancel", BOOKINGS, "cancelBooking", b["_id"], {"revision": "3"}),
              call("stale", BOOKINGS, "cancelBooking", b["_id"], {"revision": "3"}))
    assert ok(r["cancel"])["booking"]["status"] == "CANCELED"
    assert code(r["stale"]) == (428, "BOOKING_REVISION_MISMATCH")
    assert at(slots(c, MASSAGE, "2030-01-07"), "2030-01-07T10:00:00")["bookable"]  # free again
    events = [e["type"] for e in control(base, "/_wixcontracts/events")["events"]]
    assert events == ["wix.bookings.v2.booking_created", "wix.bookings.v2.booking_confirmed",
                      "wix.bookings.v2.booking_rescheduled", "wix.bookings.v2.booking_canceled"]
    assert not c.problems, c.problems


def test_a_full_class_is_refused(js_root, base):
    c = Client(js_root, base)
    r = c.run(call("ev", EVENTS, "listEventTimeSlots", {
        "fromLocalDate": "2030-01-08T00:00:00", "toLocalDate": "2030-01-09T00:00:00", "timeZone": TZ,
        "serviceIds": [PILATES]}))
    (session,) = ok(r["ev"])["timeSlots"]
    assert session["remainingCapacity"] == 3
    eid = session["eventInfo"]["eventId"]
    book = lambda who: {"totalParticipants": 1, "contactDetails": {"firstName": who},  # noqa: E731
                        "bookedEntity": {"slot": {"serviceId": PILATES, "eventId": eid}}}
    r = c.run(call("a", BOOKINGS, "createBooking", book("Ada")),
              call("two", BOOKINGS, "createBooking", {**book("Grace"), "totalParticipants": 2}),
              call("over", BOOKINGS, "createBooking", book("Joan")),
              call("left", EVENTS, "getEventTimeSlot", eid))
    assert ok(r["a"])["booking"]["bookedEntity"]["slot"]["eventId"] == eid
    assert ok(r["two"])["booking"]["totalParticipants"] == 2
    assert code(r["over"]) == (428, "SESSION_CAPACITY_EXCEEDED")
    assert ok(r["left"])["timeSlot"]["remainingCapacity"] == 0
    assert not c.problems, c.problems


def test_multi_service_booking_on_consecutive_slots(js_root, base):
    c = Client(js_root, base)
    r = c.run(call("chains", MULTI, "listMultiServiceAvailabilityTimeSlots", {
        "services": [{"serviceId": MASSAGE}, {"serviceId": SPORTS}], "fromLocalDate": "2030-01-08T10:00:00",
        "toLocalDate": "2030-01-08T12:00:00", "timeZone": TZ}))
    first = ok(r["chains"])["timeSlots"][0]
    a, b = first["nestedTimeSlots"]
    assert a["localEndDate"] == b["localStartDate"]
    # the same chain, found with the single-service package: the sports massage starting when the massage ends
    assert at(slots(c, SPORTS, "2030-01-08"), a["localEndDate"])["bookable"]
    # and fetched on its own (positional arguments: services, start, end, time zone, location)
    r = c.run(call("one", MULTI, "getMultiServiceAvailabilityTimeSlot",
                   [{"serviceId": MASSAGE}, {"serviceId": SPORTS}], first["localStartDate"], first["localEndDate"],
                   TZ, {"locationType": "BUSINESS"}))
    assert ok(r["one"])["timeSlot"] == first
    r = c.run(call("m", BOOKINGS, "createMultiServiceBooking",
                   [booking_for(MASSAGE, a), booking_for(SPORTS, b)],
                   {"multiServiceBookingType": "SEQUENTIAL_BOOKINGS", "returnFullEntity": True}),
              call("get", BOOKINGS, "getMultiServiceBooking", {"$ref": "m", "path": "multiServiceBooking._id"}))
    parts = [x["booking"] for x in ok(r["m"])["multiServiceBooking"]["bookings"]]
    assert parts[0]["endDate"] == parts[1]["startDate"]
    assert [x["booking"]["status"] for x in ok(r["get"])["bookings"]] == ["CREATED", "CREATED"]
    assert not at(slots(c, SPORTS, "2030-01-08"), a["localEndDate"])["bookable"]  # taken by the multi-service booking
    r = c.run(call("full", MULTI, "getMultiServiceAvailabilityTimeSlot",
                   [{"serviceId": MASSAGE}, {"serviceId": SPORTS}], first["localStartDate"], first["localEndDate"],
                   TZ, {"locationType": "BUSINESS"}))
    assert ok(r["full"])["timeSlot"]["bookable"] is False
    later = [s for s in slots(c, SPORTS, "2030-01-08")
             if s["bookable"] and s["localStartDate"] >= "2030-01-08T16:00:00"]
    r = c.run(call("gap", BOOKINGS, "createMultiServiceBooking",
                   [booking_for(MASSAGE, at(slots(c, MASSAGE, "2030-01-08"), "2030-01-08T14:00:00")),
                    booking_for(SPORTS, later[0])], {"multiServiceBookingType": "SEQUENTIAL_BOOKINGS"}))
    assert code(r["gap"]) == (428, "VALIDATION_FAILURE")  # not consecutive
    assert not c.problems, c.problems
