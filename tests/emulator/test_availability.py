"""One consistent state: slots computed from the seed's services, staff and hours; bookings take capacity
and give it back; reschedule moves it; full slots and classes give the documented errors; multi-service
bookings book consecutive slots, all or nothing.  Every exchange is validated (``helpers.Wire``)."""

from __future__ import annotations

import pytest

from wixcontracts.emulator.flow import run_flow
from .helpers import Wire, code

SUNDAY = "2030-01-06T12:00:00Z"
TZ = "Europe/Dublin"
MASSAGE = "fb03e015-7d89-4bfd-847c-2235ce2b6f2e"  # Aoife Mon-Fri (13-14 break, Fri mornings), Liam Tue-Sat; 60'
SPORTS = "effc753a-ea96-4a60-98e6-ed07c878925c"  # Liam, 30'
PHYSIO = "d75ae16e-ae03-4be0-8fe4-35b4ded1ce7f"  # Aoife, 45' + 15' between sessions
YOGA = "9283e2ef-7191-49e6-959c-4be6949ad840"  # class MON/WED/FRI 08:00, 10 places
PILATES = "daacb388-382c-4a18-a905-7ee7f541782b"  # class TUE/THU 18:00, 3 places
COURSE = "9f030512-bd86-403d-86fd-267892d4e117"  # 12 places
COURSE_SCHEDULE = "2c0a43f3-ca18-4a44-914f-973819e786f9"
AOIFE_RES, LIAM_RES = "dfdccfce-ccb3-410d-aff3-c7b471480a1b", "94cc2b9b-99e0-4e09-9cfd-65db1789a07d"
SLOTS = "/_api/service-availability/v2/time-slots"
BOOKINGS = "/_api/bookings-service/v2/bookings"
MSB = "/_api/bookings-service/v2/multi_service_bookings"


@pytest.fixture
def wire():
    return Wire(seed="business", clock=SUNDAY)


def slots(wire, service, day, **kw):
    s, out = wire.post(SLOTS, {"serviceId": service, "fromLocalDate": f"{day}T00:00:00",
                               "toLocalDate": f"{day}T23:59:59", "timeZone": TZ, **kw})
    assert s == 200, out
    return {x["localStartDate"][11:16]: x for x in out["timeSlots"]}


def book(wire, service, day, start, end, **extra):
    slot = {"serviceId": service, "startDate": f"{day}T{start}:00", "endDate": f"{day}T{end}:00", "timezone": TZ,
            **extra.pop("slot", {})}
    return wire.post(BOOKINGS, {"booking": {"totalParticipants": 1, "bookedEntity": {"slot": slot}, **extra.pop(
        "booking", {})}, **extra})


def test_run_flow_in_process():
    out = run_flow()
    assert out["status"] == "ok", out["detail"]
    assert len(out["data"]["calls"]) > 20 and all(not c["errors"] for c in out["data"]["calls"])


# ---------------------------------------------------------------------- slots from hours

def test_appointment_slots_follow_each_staff_members_hours(wire):
    monday = slots(wire, MASSAGE, "2030-01-07")  # Aoife only: 09-13, 14-17
    assert list(monday) == ["09:00", "10:00", "11:00", "12:00", "14:00", "15:00", "16:00"]
    assert {x["totalCapacity"] for x in monday.values()} == {1}
    tuesday = slots(wire, MASSAGE, "2030-01-08")  # Aoife 09-13, 14-17 and Liam 10-18
    assert tuesday["09:00"]["totalCapacity"] == 1 and tuesday["10:00"]["totalCapacity"] == 2
    assert tuesday["13:00"]["totalCapacity"] == 1 and tuesday["17:00"]["totalCapacity"] == 1
    names = {r["name"] for r in tuesday["10:00"]["availableResources"][0]["resources"]}
    assert names == {"Aoife Byrne", "Liam Walsh"}
    assert slots(wire, MASSAGE, "2030-01-12") and not slots(wire, MASSAGE, "2030-01-13")  # Liam Sat; nobody Sun
    physio = slots(wire, PHYSIO, "2030-01-07")  # 45' sessions + 15' between, inside 09-13 and 14-17
    assert list(physio) == ["09:00", "10:00", "11:00", "12:00", "14:00", "15:00", "16:00"]
    assert physio["09:00"]["localEndDate"].endswith("09:45:00")
    assert all("locationType" not in x["location"] and x["location"]["name"] for x in monday.values())


def test_slots_in_another_time_zone_and_the_past(wire):
    ny = wire.post(SLOTS, {"serviceId": MASSAGE, "fromLocalDate": "2030-01-07T04:00:00",
                           "toLocalDate": "2030-01-07T05:00:00", "timeZone": "America/New_York"})[1]
    assert [x["localStartDate"] for x in ny["timeSlots"]] == ["2030-01-07T04:00:00"]  # 09:00 in Dublin
    assert ny["timeZone"] == "America/New_York"
    wire.emu.clock.set("2030-01-07T10:30:00Z")
    assert list(slots(wire, MASSAGE, "2030-01-07"))[0] == "11:00"  # nothing before the clock's now


@pytest.mark.parametrize("body, field", [
    ({"fromLocalDate": "2030-01-07T00:00:00", "toLocalDate": "2030-01-08T00:00:00"}, "serviceId"),
    ({"serviceId": MASSAGE, "toLocalDate": "2030-01-08T00:00:00"}, "fromLocalDate"),
    ({"serviceId": MASSAGE, "fromLocalDate": "2030-01-07", "toLocalDate": "2030-01-08T00:00:00"}, "fromLocalDate"),
    ({"serviceId": MASSAGE, "fromLocalDate": "2030-01-08T00:00:00", "toLocalDate": "2030-01-07T00:00:00"},
     "toLocalDate"),
    ({"serviceId": MASSAGE, "fromLocalDate": "2030-01-07T00:00:00", "toLocalDate": "2030-06-07T00:00:00"},
     "toLocalDate"),
    ({"serviceId": MASSAGE, "fromLocalDate": "2030-01-07T00:00:00", "toLocalDate": "2030-01-08T00:00:00",
      "timeZone": "Mars/Olympus"}, "timeZone"),
    ({"serviceId": YOGA, "fromLocalDate": "2030-01-07T00:00:00", "toLocalDate": "2030-01-08T00:00:00"}, "serviceId"),
])
def test_slot_requests_that_cannot_be_answered_name_the_field(wire, body, field):
    s, out = wire.post(SLOTS, body)
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["field"] == field


def test_unknown_service_and_slot(wire):
    s, out = wire.post(SLOTS, {"serviceId": "0b6ab2c4-5b5f-4d0e-9a55-3c1e8f0b7a10",
                               "fromLocalDate": "2030-01-07T00:00:00", "toLocalDate": "2030-01-08T00:00:00"})
    assert (s, code(out)) == (404, "SERVICE_NOT_FOUND")
    s, out = wire.post(SLOTS + "/get", {"serviceId": MASSAGE, "localStartDate": "2030-01-07T09:30:00",
                                        "localEndDate": "2030-01-07T10:30:00"})
    assert (s, code(out)) == (404, "SLOT_NOT_FOUND")
    s, out = wire.post(SLOTS + "/get", {"serviceId": MASSAGE, "localStartDate": "2030-01-07T09:00:00",
                                        "localEndDate": "2030-01-07T10:00:00"})
    assert s == 200 and out["timeSlot"]["bookable"]


# ---------------------------------------------------------------------- capacity

def test_capacity_is_taken_and_given_back_by_every_write(wire):
    s, b = book(wire, MASSAGE, "2030-01-08", "10:00", "11:00")  # two staff offer 10:00 on Tuesdays
    assert s == 200 and b["booking"]["bookedEntity"]["slot"]["resource"]["id"] == AOIFE_RES
    assert slots(wire, MASSAGE, "2030-01-08")["10:00"]["remainingCapacity"] == 1
    s, b2 = book(wire, MASSAGE, "2030-01-08", "10:00", "11:00")
    assert s == 200 and b2["booking"]["bookedEntity"]["slot"]["resource"]["id"] == LIAM_RES
    full = slots(wire, MASSAGE, "2030-01-08")["10:00"]
    assert not full["bookable"] and full["nonBookableReasons"] == {"noRemainingCapacity": True}
    s, out = book(wire, MASSAGE, "2030-01-08", "10:00", "11:00")
    assert (s, code(out)) == (428, "SLOT_NOT_AVAILABLE")
    # decline gives the place back; mark-as-pending and confirm keep it
    bid = b["booking"]["id"]
    assert wire.post(f"{BOOKINGS}/{bid}/mark_booking_as_pending", {"revision": "1"})[0] == 200
    assert not slots(wire, MASSAGE, "2030-01-08")["10:00"]["bookable"]
    assert wire.post(f"{BOOKINGS}/{bid}/decline", {"revision": "2"})[0] == 200
    assert slots(wire, MASSAGE, "2030-01-08")["10:00"]["remainingCapacity"] == 1
    # the sports massage shares Liam: his 10:00 massage blocks his 10:00 and 10:30 sports massages
    sports = slots(wire, SPORTS, "2030-01-08")
    assert not sports["10:00"]["bookable"] and not sports["10:30"]["bookable"] and sports["11:00"]["bookable"]


def test_a_requested_resource_must_be_the_services_and_free(wire):
    s, out = book(wire, MASSAGE, "2030-01-08", "10:00", "11:00", slot={"resource": {"id": LIAM_RES}})
    assert s == 200 and out["booking"]["bookedEntity"]["slot"]["resource"]["name"] == "Liam Walsh"
    s, out = book(wire, MASSAGE, "2030-01-08", "10:00", "11:00", slot={"resource": {"id": LIAM_RES}})
    assert (s, code(out)) == (428, "SLOT_NOT_AVAILABLE")
    s, out = book(wire, SPORTS, "2030-01-08", "11:00", "11:30", slot={"resource": {"id": AOIFE_RES}})
    assert (s, code(out)) == (428, "SLOT_NOT_AVAILABLE")  # Aoife does not give sports massages


@pytest.mark.parametrize("start, end, slot, expected", [
    ("09:30", "10:30", {}, (428, "SLOT_NOT_AVAILABLE")),  # not on the grid
    ("09:00", "09:30", {}, (428, "SLOT_NOT_AVAILABLE")),  # not the service's length
    ("08:00", "09:00", {}, (428, "SLOT_NOT_AVAILABLE")),  # before hours
    ("09:00", "10:00", {"timezone": "Mars/Olympus"}, (400, "INVALID_TIME_ZONE")),
    ("nine", "10:00", {}, (400, "INVALID_DATE_FORMAT")),
])
def test_slots_that_are_not_slots(wire, start, end, slot, expected):
    body = {"serviceId": MASSAGE, "startDate": f"2030-01-07T{start}:00" if start != "nine" else "nine o'clock",
            "endDate": f"2030-01-07T{end}:00", "timezone": TZ, **slot}
    s, out = wire.post(BOOKINGS, {"booking": {"totalParticipants": 1, "bookedEntity": {"slot": body}}})
    assert (s, code(out)) == expected


def test_instants_with_offsets_and_the_booking_policy(wire):
    s, out = wire.post(BOOKINGS, {"booking": {"totalParticipants": 1, "bookedEntity": {"slot": {
        "serviceId": MASSAGE, "startDate": "2030-01-07T09:00:00.000Z", "endDate": "2030-01-07T10:00:00.000Z"}}}})
    assert s == 200 and out["booking"]["startDate"] == "2030-01-07T09:00:00.000Z"
    assert out["booking"]["bookedEntity"]["slot"]["timezone"] == TZ
    assert out["booking"]["bookedEntity"]["title"] == "Deep tissue massage"
    assert out["booking"]["bookedEntity"]["slot"]["location"]["locationType"] == "OWNER_BUSINESS"
    s, out = book(wire, MASSAGE, "2030-01-03", "09:00", "10:00")  # before the clock's now
    assert (s, code(out)) == (403, "BOOKING_POLICY_VIOLATION")
    s, out = book(wire, MASSAGE, "2030-01-03", "09:00", "10:00", flowControlSettings={"ignoreBookingWindow": True})
    assert s == 200


def test_skip_availability_validation(wire):
    assert book(wire, MASSAGE, "2030-01-07", "09:00", "10:00")[0] == 200
    s, out = book(wire, MASSAGE, "2030-01-07", "09:00", "10:00",
                  flowControlSettings={"skipAvailabilityValidation": True})
    assert (s, code(out)) == (428, "CAN_NOT_SKIP_AVAILABILITY_VALIDATION_IF_RESOURCE_NOT_PROVIDED")
    s, out = book(wire, MASSAGE, "2030-01-07", "09:00", "10:00", slot={"resource": {"id": AOIFE_RES}},
                  flowControlSettings={"skipAvailabilityValidation": True})
    assert s == 200 and out["booking"]["doubleBooked"] is True


def test_unknown_services_are_not_checked(wire):
    s, out = book(wire, "0b6ab2c4-5b5f-4d0e-9a55-3c1e8f0b7a10", "2030-01-07", "03:17", "03:18")
    assert s == 200 and "title" not in out["booking"]["bookedEntity"]


def test_classes_share_places_between_participants(wire):
    s, out = wire.post("/_api/service-availability/v2/time-slots/event", {
        "fromLocalDate": "2030-01-07T00:00:00", "toLocalDate": "2030-01-13T00:00:00", "timeZone": TZ})
    names = [(x["serviceId"], x["localStartDate"]) for x in out["timeSlots"]]
    assert names == [(YOGA, "2030-01-07T08:00:00"), (PILATES, "2030-01-08T18:00:00"), (YOGA, "2030-01-09T08:00:00"),
                     (PILATES, "2030-01-10T18:00:00"), (YOGA, "2030-01-11T08:00:00")]
    eid = out["timeSlots"][1]["eventInfo"]["eventId"]

    def take(n):
        return wire.post(BOOKINGS, {"booking": {"totalParticipants": n, "bookedEntity": {
            "slot": {"serviceId": PILATES, "eventId": eid, "startDate": "ignored", "endDate": "ignored"}}}})

    s, b = take(2)
    assert s == 200 and b["booking"]["bookedEntity"]["slot"]["startDate"] == "2030-01-08T18:00:00.000Z"
    assert b["booking"]["bookedEntity"]["tags"] == ["GROUP"]
    s, out = take(2)
    assert (s, code(out)) == (428, "SESSION_CAPACITY_EXCEEDED")
    assert out["details"]["applicationError"]["data"]["remainingCapacity"] == 1
    bid = b["booking"]["id"]
    s, out = wire.post(f"{BOOKINGS}/{bid}/update_number_of_participants", {"revision": "1", "totalParticipants": 4})
    assert (s, code(out)) == (428, "SESSION_CAPACITY_EXCEEDED")
    s, out = wire.post(f"{BOOKINGS}/{bid}/update_number_of_participants", {"revision": "1", "totalParticipants": 3})
    assert s == 200 and out["booking"]["totalParticipants"] == 3
    s, out = wire("GET", f"/_api/service-availability/v2/time-slots/event/{eid}")
    assert s == 200 and out["timeSlot"]["remainingCapacity"] == 0 and not out["timeSlot"]["bookable"]
    s, out = wire.post(BOOKINGS, {"booking": {"totalParticipants": 1, "bookedEntity": {"slot": {
        "serviceId": PILATES, "eventId": f"{eid[:-6]}0000Z"}}}})
    assert (s, code(out)) == (428, "SESSION_NOT_FOUND")


def test_course_capacity(wire):
    def enrol(n, schedule=COURSE_SCHEDULE):
        return wire.post(BOOKINGS, {"booking": {"totalParticipants": n, "bookedEntity": {
            "schedule": {"scheduleId": schedule, "serviceId": COURSE}}}})

    s, out = enrol(10)
    assert s == 200 and out["booking"]["bookedEntity"]["tags"] == ["COURSE"]
    assert (enrol(3)[0], code(enrol(3)[1])) == (428, "SCHEDULE_CAPACITY_EXCEEDED")
    assert enrol(2)[0] == 200
    s, out = enrol(1, "0b6ab2c4-5b5f-4d0e-9a55-3c1e8f0b7a10")
    assert (s, code(out)) == (428, "SCHEDULE_NOT_FOUND")


# ---------------------------------------------------------------------- reschedule

def test_reschedule_moves_the_hold(wire):
    s, b = book(wire, MASSAGE, "2030-01-07", "09:00", "10:00")
    bid = b["booking"]["id"]
    move = {"revision": "1", "slot": {"serviceId": MASSAGE, "startDate": "2030-01-07T11:00:00",
                                      "endDate": "2030-01-07T12:00:00", "timezone": TZ}}
    s, out = wire.post(f"{BOOKINGS}/{bid}/reschedule", move)
    assert s == 200 and out["booking"]["startDate"] == "2030-01-07T11:00:00.000Z" and out["booking"]["revision"] == "2"
    monday = slots(wire, MASSAGE, "2030-01-07")
    assert monday["09:00"]["bookable"] and not monday["11:00"]["bookable"]
    # onto itself again (its own hold does not block), onto a taken slot, with a stale revision
    s, out = wire.post(f"{BOOKINGS}/{bid}/reschedule", {**move, "revision": "2"})
    assert s == 200
    assert book(wire, MASSAGE, "2030-01-07", "14:00", "15:00")[0] == 200
    s, out = wire.post(f"{BOOKINGS}/{bid}/reschedule", {"revision": "3", "slot": {
        "serviceId": MASSAGE, "startDate": "2030-01-07T14:00:00", "endDate": "2030-01-07T15:00:00"}})
    assert (s, code(out)) == (428, "SLOT_NOT_AVAILABLE")
    s, out = wire.post(f"{BOOKINGS}/{bid}/reschedule", {**move, "revision": "1"})
    assert (s, code(out)) == (428, "BOOKING_REVISION_MISMATCH")
    assert wire.post(f"{BOOKINGS}/{bid}/cancel", {"revision": "3"})[0] == 200
    s, out = wire.post(f"{BOOKINGS}/{bid}/reschedule", {**move, "revision": "4"})
    assert (s, code(out)) == (428, "INVALID_BOOKING_STATUS")


# ---------------------------------------------------------------------- multi-service

def _msb_booking(service, day, start, end):
    return {"totalParticipants": 1, "bookedEntity": {"slot": {"serviceId": service, "startDate": f"{day}T{start}:00",
                                                              "endDate": f"{day}T{end}:00", "timezone": TZ}}}


def test_multi_service_bookings_are_consecutive_and_all_or_nothing(wire):
    s, out = wire.post(MSB, {"bookings": [_msb_booking(MASSAGE, "2030-01-08", "10:00", "11:00"),
                                          _msb_booking(SPORTS, "2030-01-08", "11:00", "11:30")],
                             "multiServiceBookingType": "SEQUENTIAL_BOOKINGS", "returnFullEntity": True})
    assert s == 200
    parts = [x["booking"] for x in out["multiServiceBooking"]["bookings"]]
    assert parts[0]["endDate"] == parts[1]["startDate"]
    assert parts[1]["bookedEntity"]["slot"]["resource"]["id"] == LIAM_RES
    # the second booking sees the place the first takes in the same request: Liam cannot do both at 12:00
    before = wire.emu.snapshot()
    s, out = wire.post(MSB, {"bookings": [_msb_booking(SPORTS, "2030-01-08", "12:00", "12:30"),
                                          _msb_booking(SPORTS, "2030-01-08", "12:00", "12:30")],
                             "multiServiceBookingType": "SEPARATE_BOOKINGS"})
    assert (s, code(out)) == (428, "SLOT_NOT_AVAILABLE")
    s, out = wire.post(MSB, {"bookings": [_msb_booking(MASSAGE, "2030-01-08", "14:00", "15:00"),
                                          _msb_booking(SPORTS, "2030-01-08", "16:00", "16:30")]})
    assert (s, code(out)) == (428, "VALIDATION_FAILURE") and out["details"]["applicationError"]["data"] == {"index": 1}
    assert wire.emu.snapshot() == before  # nothing of the refused requests was kept


def test_reschedule_multi_service_booking(wire):
    s, out = wire.post(MSB, {"bookings": [_msb_booking(MASSAGE, "2030-01-08", "10:00", "11:00"),
                                          _msb_booking(SPORTS, "2030-01-08", "11:00", "11:30")],
                             "multiServiceBookingType": "SEQUENTIAL_BOOKINGS"})
    mid = out["multiServiceBooking"]["id"]
    ids = [x["bookingId"] for x in out["multiServiceBooking"]["bookings"]]
    info = [{"bookingId": ids[0], "revision": "1", "slot": {"serviceId": MASSAGE, "startDate": "2030-01-08T11:00:00",
                                                            "endDate": "2030-01-08T12:00:00"}},
            {"bookingId": ids[1], "revision": "1", "slot": {"serviceId": SPORTS, "startDate": "2030-01-08T12:00:00",
                                                            "endDate": "2030-01-08T12:30:00"}}]
    s, out = wire.post(f"{MSB}/{mid}/reschedule", {"rescheduleBookingsInfo": info[:1]})
    assert (s, out["details"]["validationError"]["fieldViolations"][0]["ruleName"]) == (400, "NOT_ALL_BOOKINGS_WERE_SENT")
    s, out = wire.post(f"{MSB}/{mid}/reschedule", {"rescheduleBookingsInfo": info, "returnFullEntity": True})
    assert s == 200  # Liam's sports massage at 11:00 does not block the massage moving to 11:00: it moves too
    got = {x["bookingId"]: x["booking"] for x in out["multiServiceBooking"]["bookings"]}
    assert got[ids[0]]["startDate"] == "2030-01-08T11:00:00.000Z" and got[ids[1]]["revision"] == "2"
    assert slots(wire, MASSAGE, "2030-01-08")["10:00"]["remainingCapacity"] == 2
    s, out = wire.post(f"{BOOKINGS}/{ids[0]}/cancel", {"revision": "2"})
    assert (s, code(out)) == (428, "NOT_ALLOWED_TO_UPDATE_BOOKING_IN_MULTI_SERVICE_BOOKING")
    s, out = wire.post(f"{MSB}/{mid}/get_availability", {})
    assert s == 200 and out["bookable"] is True
    assert wire.post(f"{MSB}/{mid}/cancel", {})[0] == 200
    s, out = wire.post(f"{MSB}/{mid}/cancel", {})
    assert (s, code(out)) == (428, "ALL_BOOKINGS_ARE_ALREADY_CANCELED")


def test_multi_service_time_slots(wire):
    s, out = wire.post("/_api/service-availability/v2/multi-service-time-slots", {
        "services": [{"serviceId": SPORTS}, {"serviceId": MASSAGE}],
        "fromLocalDate": "2030-01-08T09:00:00", "toLocalDate": "2030-01-08T12:00:00", "timeZone": TZ})
    assert s == 200  # Liam's 30' sports massages from 10:00; massages on the hour: only the :30 ones chain
    starts = [(x["localStartDate"][11:16], x["localEndDate"][11:16]) for x in out["timeSlots"]]
    assert starts == [("10:30", "12:00"), ("11:30", "13:00")]
    for x in out["timeSlots"]:
        n = x["nestedTimeSlots"]
        assert all(a["localEndDate"] == b["localStartDate"] for a, b in zip(n, n[1:]))
    s, out = wire.post("/_api/service-availability/v2/multi-service-time-slots", {
        "services": [{"serviceId": MASSAGE}], "fromLocalDate": "2030-01-08T09:00:00",
        "toLocalDate": "2030-01-08T12:00:00"})
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["ruleName"] == "INVALID_SERVICES_SIZE"


def test_get_multi_service_time_slot(wire):
    get = "/_api/service-availability/v2/multi-service-time-slots/get"
    services = [{"serviceId": SPORTS}, {"serviceId": MASSAGE}]
    where = {"services": services, "timeZone": TZ, "location": {"locationType": "BUSINESS"}}
    s, out = wire.post(get, {**where, "localStartDate": "2030-01-08T10:30:00", "localEndDate": "2030-01-08T12:00:00"})
    assert s == 200 and out["timeZone"] == TZ
    slot = out["timeSlot"]
    assert (slot["bookable"], slot["remainingCapacity"], "nonBookableReasons" in slot) == (True, 1, False)
    assert [(n["serviceId"], n["localStartDate"][11:16], n["localEndDate"][11:16]) for n in slot["nestedTimeSlots"]] \
        == [(SPORTS, "10:30", "11:00"), (MASSAGE, "11:00", "12:00")]
    # the listing shows the same chain
    s, listed = wire.post("/_api/service-availability/v2/multi-service-time-slots", {
        "services": services, "fromLocalDate": "2030-01-08T10:30:00", "toLocalDate": "2030-01-08T10:31:00",
        "timeZone": TZ})
    assert s == 200 and listed["timeSlots"] == [slot]
    # booked: the chain is still there, full; the listing drops it
    s, _ = wire.post(MSB, {"bookings": [_msb_booking(SPORTS, "2030-01-08", "10:30", "11:00"),
                                        _msb_booking(MASSAGE, "2030-01-08", "11:00", "12:00")]})
    assert s == 200
    s, out = wire.post(get, {**where, "localStartDate": "2030-01-08T10:30:00", "localEndDate": "2030-01-08T12:00:00"})
    assert s == 200 and out["timeSlot"]["bookable"] is False and out["timeSlot"]["remainingCapacity"] == 0
    assert out["timeSlot"]["nonBookableReasons"] == {"noRemainingCapacity": True}
    s, listed = wire.post("/_api/service-availability/v2/multi-service-time-slots", {
        "services": services, "fromLocalDate": "2030-01-08T10:30:00", "toLocalDate": "2030-01-08T10:31:00",
        "timeZone": TZ})
    assert s == 200 and listed["timeSlots"] == []
    # not a chain (the massage would start at 11:00, not 10:45), an unknown service
    s, out = wire.post(get, {**where, "localStartDate": "2030-01-08T10:15:00", "localEndDate": "2030-01-08T11:45:00"})
    assert (s, code(out)) == (404, "SLOT_NOT_FOUND")
    s, out = wire.post(get, {**where, "services": [{"serviceId": SPORTS}, {"serviceId": YOGA.replace("9", "8")}],
                             "localStartDate": "2030-01-08T10:30:00", "localEndDate": "2030-01-08T12:00:00"})
    assert (s, code(out)) == (404, "SERVICE_NOT_FOUND")


def test_hourly_duration_range_end_options_and_booking(wire):
    """A service the customer books by length (policy slots.end_options): starts every 30', end options from the
    minimum to the maximum that a staff member can cover, a chosen length booked, the options shrink."""
    massage = wire.emu.store.services[MASSAGE]
    s, out = wire.post("/_api/bookings/v2/services", {"service": {
        "name": "Studio hire", "type": "APPOINTMENT", "staffMemberIds": massage["staffMemberIds"],
        "locations": massage["locations"], "payment": massage["payment"],
        "schedule": {"availabilityConstraints": {"durationRange": {
            "unitType": "HOUR", "hourOptions": {"minDurationInMinutes": 60, "maxDurationInMinutes": 180}}}}}})
    assert s == 200, out
    hire = out["service"]["id"]
    monday = slots(wire, hire, "2030-01-07")  # Aoife only: 09-13, 14-17; 60' from every half hour
    assert list(monday) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "14:00", "14:30",
                            "15:00", "15:30", "16:00"]
    assert monday["09:00"]["localEndDate"].endswith("T10:00:00")
    ends = "/_api/service-availability/v2/time-slots/end-options"
    where = {"serviceId": hire, "timeZone": TZ, "location": {"locationType": "BUSINESS"}}
    s, out = wire.post(ends, {**where, "localStartDate": "2030-01-07T10:00:00"})
    assert s == 200 and out["timeZone"] == TZ
    # 60' to 180' in 30' steps, but Aoife's break at 13:00 stops them at 13:00
    assert [o["localEndDate"][11:16] for o in out["endOptions"]] == ["11:00", "11:30", "12:00", "12:30", "13:00"]
    assert all(o["localStartDate"] == "2030-01-07T10:00:00" and o["availableResources"] == []
               and o["totalCapacity"] == 1 and o["location"] == {} for o in out["endOptions"])  # slots.location_type
    s, out = wire.post(ends, {**where, "localStartDate": "2030-01-07T10:00:00",
                              "maxLocalEndDate": "2030-01-07T11:45:00"})
    assert [o["localEndDate"][11:16] for o in out["endOptions"]] == ["11:00", "11:30"]
    # book 10:00-12:00 (a length the range allows, off the 60' grid); 10:00 then has no end left
    s, b = book(wire, hire, "2030-01-07", "10:00", "12:00")
    assert s == 200, b
    s, out = wire.post(ends, {**where, "localStartDate": "2030-01-07T10:00:00"})
    assert s == 200 and out["endOptions"] == []
    s, out = wire.post(ends, {**where, "localStartDate": "2030-01-07T12:00:00"})
    assert [o["localEndDate"][11:16] for o in out["endOptions"]] == ["13:00"]
    # a length the range does not allow; a service without a range; the end before the start
    s, out = book(wire, hire, "2030-01-07", "14:00", "14:45")
    assert (s, code(out)) == (428, "SLOT_NOT_AVAILABLE")
    s, out = wire.post(ends, {**where, "serviceId": MASSAGE, "localStartDate": "2030-01-07T10:00:00"})
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["ruleName"] == \
        "END_OPTIONS_NOT_SUPPORTED"
    s, out = wire.post(ends, {**where, "localStartDate": "2030-01-07T10:00:00",
                              "maxLocalEndDate": "2030-01-07T09:00:00"})
    assert s == 400
    # a daily range is not modeled: no end options, as the typings say for daily ranges
    s, out = wire.post("/_api/bookings/v2/services", {"service": {
        "name": "Cabin", "type": "APPOINTMENT", "staffMemberIds": massage["staffMemberIds"],
        "schedule": {"availabilityConstraints": {"durationRange": {
            "unitType": "DAY", "dayOptions": {"minDurationInDays": 1, "maxDurationInDays": 3}}}}}})
    assert s == 200, out
    s, out = wire.post(ends, {**where, "serviceId": out["service"]["id"], "localStartDate": "2030-01-07T10:00:00"})
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["ruleName"] == \
        "END_OPTIONS_NOT_SUPPORTED"
