"""Services, staff members, resources (CRUD with revisions, WQL queries), extended bookings, anonymous actions,
the bulk operations and multi-service membership."""

from __future__ import annotations

import pytest

from .helpers import Wire, code

SUNDAY = "2030-01-06T12:00:00Z"
MASSAGE = "fb03e015-7d89-4bfd-847c-2235ce2b6f2e"
AOIFE = "6d854ddd-a72e-4060-88d5-f0c1582e4aa6"
SERVICES = "/_api/bookings/v2/services"
STAFF = "/bookings/v1/staff-members"
RESOURCES = "/bookings/v2/resources"
BOOKINGS = "/_api/bookings-service/v2/bookings"
MSB = "/_api/bookings-service/v2/multi_service_bookings"
EXT = "/_api/bookings-reader/v2/extended-bookings"
UNKNOWN = "0b6ab2c4-5b5f-4d0e-9a55-3c1e8f0b7a10"


@pytest.fixture
def wire():
    return Wire(seed="business", clock=SUNDAY)


def book(wire, start="09:00", end="10:00", day="2030-01-07", **booking):
    s, out = wire.post(BOOKINGS, {"booking": {"totalParticipants": 1, "bookedEntity": {"slot": {
        "serviceId": MASSAGE, "startDate": f"{day}T{start}:00", "endDate": f"{day}T{end}:00"}}, **booking}})
    assert s == 200, out
    return out["booking"]


def test_service_crud_with_revisions_and_masks(wire):
    s, svc = wire.post(SERVICES, {"service": {"name": "Reiki", "staffMemberIds": [AOIFE], "revision": "9",
                                              "createdDate": "2001-01-01T00:00:00Z"}})
    svc = svc["service"]
    assert s == 200 and svc["revision"] == "1" and svc["type"] == "APPOINTMENT" and svc["defaultCapacity"] == 1
    assert svc["createdDate"] == "2030-01-06T12:00:00.000Z" and svc["schedule"]["id"]
    assert svc["staffMembers"] == [{"staffMemberId": AOIFE, "name": "Aoife Byrne"}]
    path = f"{SERVICES}/{svc['id']}"
    s, out = wire("PATCH", path, {"service": {"id": svc["id"], "tagLine": "x"}})
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["field"] == "service.revision"
    s, out = wire("PATCH", path, {"service": {"id": svc["id"], "revision": "1", "name": "Reiki II", "tagLine": "t"},
                                  "mask": "tagLine"})
    assert s == 200 and out["service"]["name"] == "Reiki" and out["service"]["tagLine"] == "t"
    s, out = wire("PATCH", path, {"service": {"id": svc["id"], "revision": "1", "name": "x"}})
    assert (s, code(out)) == (428, "REVISION_MISMATCH") and out["details"]["applicationError"]["data"] == \
        {"currentRevision": "2"}
    s, out = wire("PATCH", path, {"service": {"id": svc["id"], "revision": 2, "staffMemberIds": [UNKNOWN]}})
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["field"] == "service.staffMemberIds[0]"
    s, out = wire("GET", f"{path}?serviceId={svc['id']}")
    assert s == 200 and out["service"]["revision"] == "2"
    assert wire("DELETE", path)[0] == 200
    assert code(wire("GET", path)[1]) == "SERVICE_NOT_FOUND" and wire("DELETE", path)[0] == 404


def test_service_queries(wire):
    q = lambda body: wire.post(f"{SERVICES}/query", body)  # noqa: E731
    s, out = q({"query": {"filter": {"type": {"$in": ["CLASS", "COURSE"]}}, "sort": [{"fieldName": "name"}]}})
    assert [x["name"] for x in out["services"]] == ["Mindfulness course", "Morning yoga", "Pilates for beginners"]
    assert out["pagingMetadata"] == {"count": 3, "offset": 0, "total": 3, "tooManyToCount": False, "hasNext": False}
    s, out = q({"query": {"filter": {"staffMemberIds": {"$hasSome": [AOIFE]}}, "paging": {"limit": 1, "offset": 1}}})
    assert [x["name"] for x in out["services"]] == ["Physio consultation"] and out["pagingMetadata"]["hasNext"] is False
    s, out = q({"query": {"filter": {"payment.fixed.price.value": {"$gte": "70"}}, "fields": ["name"]}})
    assert s == 200 and all(set(x) == {"id", "name"} for x in out["services"])
    s, out = q({"query": {"cursorPaging": {"limit": 4}}})
    assert len(out["services"]) == 4 and out["pagingMetadata"]["cursors"]["next"]
    s, out = q({"query": {"cursorPaging": {"cursor": out["pagingMetadata"]["cursors"]["next"]}}})
    assert len(out["services"]) == 2 and out["pagingMetadata"]["hasNext"] is False
    s, out = q({"query": {"filter": {"nmae": "x"}}})
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["field"] == "query.filter.nmae"
    assert wire.post(f"{SERVICES}/count", {"filter": {"type": "APPOINTMENT"}})[1] == {"count": 3}


def test_staff_members_and_their_resources(wire):
    s, out = wire.post(STAFF, {"staffMember": {"email": "x@example.com"}})
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["field"] == "staffMember.name"
    m = wire.post(STAFF, {"staffMember": {"name": "Sam"}})[1]["staffMember"]
    assert m["resource"]["usesDefaultWorkingHours"] is True and m["resourceId"] == m["resource"]["id"]
    s, res = wire("GET", f"{RESOURCES}/{m['resourceId']}")
    assert s == 200 and res["resource"]["name"] == "Sam"
    m2 = wire("PATCH", f"{STAFF}/{m['id']}", {"staffMember": {"id": m["id"], "revision": "1", "name": "Samuel"},
                                              "fieldMask": "name"})[1]["staffMember"]
    assert m2["name"] == "Samuel" and wire("GET", f"{RESOURCES}/{m['resourceId']}")[1]["resource"]["name"] == "Samuel"
    out = wire.post(f"{STAFF}/query", {"query": {"filter": {"name": {"$startsWith": "Sam"}}}})[1]
    assert [x["id"] for x in out["staffMembers"]] == [m["id"]] and out["pagingMetadata"]["hasNext"] is False
    # deleting Aoife takes her off her services and their slots
    assert wire("DELETE", f"{STAFF}/{AOIFE}")[0] == 200
    svc = wire("GET", f"{SERVICES}/{MASSAGE}")[1]["service"]
    assert AOIFE not in svc["staffMemberIds"] and svc["revision"] == "2"
    s, out = wire.post("/_api/service-availability/v2/time-slots", {
        "serviceId": MASSAGE, "fromLocalDate": "2030-01-07T00:00:00", "toLocalDate": "2030-01-08T00:00:00"})
    assert out["timeSlots"] == []  # Monday: only Aoife worked
    assert code(wire("GET", f"{STAFF}/{AOIFE}")[1]) == "STAFF_MEMBER_NOT_FOUND"


def test_resources_crud_and_query(wire):
    r = wire.post(RESOURCES, {"resource": {"name": "Room 3", "bookable": True}})[1]["resource"]
    out = wire.post(f"{RESOURCES}/query", {"query": {"filter": {"name": {"$startsWith": "Room"}},
                                                     "sort": [{"fieldName": "name", "order": "DESC"}]}})[1]
    assert [x["name"] for x in out["resources"]] == ["Room 3"]  # the seed's are "Treatment room n"
    out = wire.post(f"{RESOURCES}/query", {"query": {"cursorPaging": {"limit": 2}}})[1]
    assert len(out["resources"]) == 2 and out["pagingMetadata"]["cursors"]["next"]
    assert wire.post(f"{RESOURCES}/count", {"filter": {"bookable": True}})[1]["count"] == 6
    assert wire("DELETE", f"{RESOURCES}/{r['id']}")[0] == 200 and wire("GET", f"{RESOURCES}/{r['id']}")[0] == 404


def test_extended_bookings(wire):
    a = book(wire, "09:00", "10:00")
    wire.emu.clock.advance(1)
    b = book(wire, "10:00", "11:00")
    wire.post(f"{BOOKINGS}/{a['id']}/cancel", {"revision": "1"})
    q = f"{EXT}/query"
    out = wire.post(q, {"query": {}, "withBookingAllowedActions": True})[1]
    assert [x["booking"]["id"] for x in out["extendedBookings"]] == [b["id"], a["id"]]  # createdDate DESC
    assert out["extendedBookings"][0]["allowedActions"] == {"cancel": True, "reschedule": True, "bookAnother": True,
                                                            "refund": False}
    out = wire.post(q, {"query": {"filter": {"status": "CANCELED"}}})[1]
    assert [x["booking"]["id"] for x in out["extendedBookings"]] == [a["id"]]
    assert wire.post(f"{EXT}/count", {"filter": {"status": {"$ne": "CANCELED"}}})[1] == {"count": 1}
    s, out = wire.post("/_api/bookings-reader/v2/extended-booking/query", {"query": {"fields": ["status"]}})
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["field"] == "query.fields"
    out = wire.post("/_api/bookings-reader/v2/extended-booking/query", {"query": {"paging": {"limit": 1}}})[1]
    assert len(out["extendedBookings"]) == 1 and out["pagingMetadata"]["total"] == 2


def test_anonymous_actions(wire):
    b = book(wire)
    s, out = wire("GET", f"/v1/anonymous-bookings/{b['id']}/token")
    token = out["token"]
    assert s == 200 and wire("GET", f"/v1/anonymous-bookings/{b['id']}/token")[1]["token"] == token  # stable
    s, out = wire("GET", f"/v1/anonymous-bookings/{token}")
    assert out["booking"]["id"] == b["id"] and out["allowedAnonymousActions"] == {"cancel": True, "reschedule": True}
    assert wire("GET", f"/v1/anonymous-bookings/{token}/service")[1]["service"]["id"] == MASSAGE
    s, out = wire.post(f"/v1/anonymous-bookings/{token}/reschedule", {"revision": "1", "slot": {
        "serviceId": MASSAGE, "startDate": "2030-01-07T10:00:00", "endDate": "2030-01-07T11:00:00"}})
    assert s == 200 and out["booking"]["startDate"] == "2030-01-07T10:00:00.000Z"
    s, out = wire.post(f"/v1/anonymous-bookings/{token}/cancel", {"revision": "2"})
    assert s == 200 and out["booking"]["status"] == "CANCELED"
    s, out = wire.post(f"/v1/anonymous-bookings/{token}/cancel", {"revision": "3"})
    assert (s, code(out)) == (428, "BOOKING_CANNOT_BE_CANCELLED")
    s, out = wire("GET", "/v1/anonymous-bookings/not-a-token")
    assert (s, code(out)) == (404, "INVALID_TOKEN")


def test_bulk_operations(wire):
    slot = lambda t: {"booking": {"totalParticipants": 1, "bookedEntity": {"slot": {  # noqa: E731
        "serviceId": MASSAGE, "startDate": f"2030-01-07T{t}:00:00", "endDate": f"2030-01-07T{int(t) + 1:02d}:00:00"}}}}
    s, out = wire.post("/bookings/v2/bulk/bookings/create", {"createBookingsInfo": [slot("09"), slot("09"), slot("10")],
                                                              "returnFullEntity": True})
    assert [r["itemMetadata"]["success"] for r in out["results"]] == [True, False, True]
    assert out["results"][1]["itemMetadata"]["error"]["code"] == "SLOT_NOT_AVAILABLE"
    assert out["bulkActionMetadata"] == {"totalSuccesses": 2, "totalFailures": 1, "undetailedFailures": 0}
    ids = [r["item"]["id"] for r in out["results"] if "item" in r]
    s, out = wire.post("/bookings/v2/bulk/bookings/calculate_allowed_actions", {"bookingIds": [ids[0], UNKNOWN]})
    assert [r["itemMetadata"]["success"] for r in out["results"]] == [True, False]
    s, out = wire.post("/bookings/v2/bulk/bookings/confirmOrDecline", {"details": [{"bookingId": ids[0]},
                                                                                  {"bookingId": ids[0]}]})
    assert s == 400 and out["details"]["validationError"]["fieldViolations"][0]["ruleName"] == "DUPLICATED_BOOKINGS"
    s, out = wire.post("/bookings/v2/bulk/bookings/confirmOrDecline", {"details": [{"bookingId": ids[0],
                                                                                   "paymentStatus": "PAID"}],
                                                                      "returnEntity": True})
    assert out["results"][0]["item"]["status"] == "CONFIRMED" and out["results"][0]["item"]["paymentStatus"] == "PAID"
    s, out = wire.post("/bookings/v2/bulk/bookings/cancel", {"bookings": {"bookingsInfo": [
        {"bookingId": ids[0], "revision": "2"}, {"bookingId": ids[1], "revision": "9"}]}})
    assert [r["itemMetadata"]["success"] for r in out["results"]] == [True, False]
    assert out["results"][1]["itemMetadata"]["error"]["code"] == "BOOKING_REVISION_MISMATCH"
    s, out = wire.post("/bookings/v2/bulk/bookings/cancel", {})
    assert out["details"]["validationError"]["fieldViolations"][0]["ruleName"] == "MISSING_CANCELLATION_INFO"


def test_multi_service_membership(wire):
    a, b, c = book(wire, "09:00", "10:00"), book(wire, "10:00", "11:00"), book(wire, "11:00", "12:00")
    s, out = wire.post(MSB, {"bookings": [
        {"totalParticipants": 1, "bookedEntity": {"slot": {"serviceId": MASSAGE, "startDate": "2030-01-07T14:00:00",
                                                           "endDate": "2030-01-07T15:00:00"}}},
        {"totalParticipants": 1, "bookedEntity": {"slot": {"serviceId": MASSAGE, "startDate": "2030-01-07T15:00:00",
                                                           "endDate": "2030-01-07T16:00:00"}}}]})
    mid = out["multiServiceBooking"]["id"]
    add = f"{MSB}/add_bookings_to_multi_service_booking"
    s, out = wire.post(add, {"multiServiceBookingId": mid, "bookings": [{"bookingId": a["id"], "revision": "1"}],
                             "returnFullEntity": True})
    assert s == 200 and out["bookings"][0]["booking"]["multiServiceBookingInfo"]["id"] == mid
    s, out = wire.post(add, {"multiServiceBookingId": mid, "bookings": [{"bookingId": a["id"], "revision": "2"}]})
    assert (s, code(out)) == (428, "MULTI_SERVICE_BOOKING_ALREADY_INCLUDES_BOOKING")
    s, out = wire.post(add, {"multiServiceBookingId": mid, "bookings": [{"bookingId": b["id"], "revision": "7"}]})
    assert (s, code(out)) == (428, "BOOKING_REVISION_MISMATCH")
    wire.post(f"{BOOKINGS}/{c['id']}/cancel", {"revision": "1"})
    s, out = wire.post(add, {"multiServiceBookingId": mid, "bookings": [{"bookingId": c["id"], "revision": "2"}]})
    assert (s, code(out)) == (428, "BOOKING_TO_ADD_STATUS_NOT_VALID")
    assert len(wire.emu.msbs[mid]) == 3
    s, out = wire.post(f"{MSB}/remove_bookings_from_multi_service_booking",
                       {"multiServiceBookingId": mid, "bookings": [{"bookingId": a["id"], "revision": "2"}]})
    assert s == 200 and a["id"] not in wire.emu.msbs[mid]
    assert "multiServiceBookingInfo" not in wire.emu.bookings[a["id"]]
    s, out = wire.post("/bookings/multiServiceBookings/v2/bulk/multi_service_bookings/get_allowed_actions",
                       {"multiServiceBookingIds": [mid, UNKNOWN]})
    assert [r["itemMetadata"]["success"] for r in out["results"]] == [True, False]
    tok = wire("GET", f"/v1/anonymous-multi-service-bookings/{mid}/token")[1]["token"]
    assert len(wire("GET", f"/v1/anonymous-multi-service-bookings/{tok}")[1]["multiServiceBooking"]["bookings"]) == 2
    s, out = wire.post(f"/v1/anonymous-multi-service-bookings/{tok}/cancel", {})
    assert s == 200 and {x["booking"]["status"] for x in out["multiServiceBooking"]["bookings"]} == {"CANCELED"}
