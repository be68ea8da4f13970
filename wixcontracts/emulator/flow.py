"""The whole booking flow across services, scripted, for ``make check`` (``run_flow()``) and the tests.

On the shipped ``business`` seed with the clock frozen on a Sunday, every request over the wire (``handle``,
or a served emulator with ``base_url``) and every exchange checked by ``Contracts.validate_exchange`` in strict
mode:

1. services: create a service (staff, duration), read it, update it with its revision, find it by query;
2. appointments: list the massage's time slots, book one, see it gone, book the full slot (428
   SLOT_NOT_AVAILABLE), confirm, reschedule (old slot free, new slot taken), cancel (free again);
3. classes: list event time slots, fill a small class, one more (428 SESSION_CAPACITY_EXCEEDED);
4. multi-service: list consecutive slots of two services, book them as one multi-service booking;
   non-consecutive slots are refused (428 VALIDATION_FAILURE);
5. reads: extended bookings by WQL; the domain events recorded on the way.

``run_flow()`` returns ``{"name", "status": "ok" | "failed", "detail", "data": {"calls": [...]}}`` (the fields of
``wixcontracts.check.Step``)."""

from __future__ import annotations

import json
from typing import Any

HOST = "https://www.wixapis.com"
AUTH = {"Authorization": "flow-key", "wix-site-id": "00000000-0000-4000-8000-000000000001"}
SUNDAY = "2030-01-06T12:00:00Z"
MASSAGE = "fb03e015-7d89-4bfd-847c-2235ce2b6f2e"  # Aoife (Mon-Fri) and Liam (Tue-Sat), 60 minutes
SPORTS = "effc753a-ea96-4a60-98e6-ed07c878925c"  # Liam, 30 minutes
PILATES = "daacb388-382c-4a18-a905-7ee7f541782b"  # class, capacity 3, TUE/THU 18:00
AOIFE = "6d854ddd-a72e-4060-88d5-f0c1582e4aa6"
TZ = "Europe/Dublin"

SERVICES = "/_api/bookings/v2/services"
SLOTS = "/_api/service-availability/v2/time-slots"
EVENT_SLOTS = "/_api/service-availability/v2/time-slots/event"
MULTI_SLOTS = "/_api/service-availability/v2/multi-service-time-slots"
BOOKINGS = "/_api/bookings-service/v2/bookings"
MSB = "/_api/bookings-service/v2/multi_service_bookings"
EXTENDED = "/_api/bookings-reader/v2/extended-bookings/query"


class FlowFailed(AssertionError):
    pass


class Flow:
    """Calls through ``emulator.handle`` (or ``base_url``), each exchange validated; ``expect`` fails the flow
    with the call's body when the status differs."""

    def __init__(self, emulator=None, base_url: str | None = None, contracts=None):
        from ..validate import Contracts

        self.emu, self.base_url = emulator, base_url
        self.contracts = contracts or (emulator.contracts if emulator is not None else Contracts.load())
        self.calls: list[dict] = []
        self._http = None
        if base_url:
            import httpx

            self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=30)

    def call(self, method: str, path: str, body: Any = None, expect: int = 200, note: str = "") -> dict:
        raw = json.dumps(body).encode() if body is not None else b""
        if self._http is not None:
            r = self._http.request(method, path, content=raw or None,
                                   headers={**AUTH, "content-type": "application/json"})
            status, out = r.status_code, r.json()
        else:
            status, _h, out = self.emu.handle(method, path, dict(AUTH), raw)
        res = self.contracts.validate_exchange(method, HOST + path, AUTH, body, status, out, strict=True)
        errors = [f"{f.location} {f.pointer or '/'} {f.rule}: {f.message}" for f in res.errors]
        entry = {"call": f"{method} {path.split('?')[0]}", "operation": res.operation, "status": status,
                 "expected": expect, "note": note, "errors": errors}
        self.calls.append(entry)
        if status != expect:
            raise FlowFailed(f"{note or entry['call']}: HTTP {status}, expected {expect}: {json.dumps(out)[:400]}")
        if errors:
            raise FlowFailed(f"{note or entry['call']}: the exchange breaks the contract: {'; '.join(errors[:3])}")
        return out

    def control(self, method: str, path: str, body: Any = None) -> dict:
        raw = json.dumps(body).encode() if body is not None else b""
        if self._http is not None:
            return self._http.request(method, path, content=raw or None).json()
        return self.emu.handle(method, path, {}, raw)[2]

    def close(self) -> None:
        if self._http is not None:
            self._http.close()


def _check(cond: bool, what: str) -> None:
    if not cond:
        raise FlowFailed(what)


def _slots(f: Flow, service: str, day: str, **extra) -> list[dict]:
    out = f.call("POST", SLOTS, {"serviceId": service, "fromLocalDate": f"{day}T00:00:00",
                                 "toLocalDate": f"{day}T23:59:59", "timeZone": TZ, **extra},
                 note=f"time slots of {service[:8]} on {day}")
    return out["timeSlots"]


def _at(slots: list[dict], start: str) -> dict:
    return next(s for s in slots if s["localStartDate"] == start)


def _book(f: Flow, service: str, slot: dict, expect: int = 200, note: str = "", **booking) -> dict:
    body = {"booking": {"totalParticipants": 1, "contactDetails": {"firstName": "Ada", "email": "ada@example.com"},
                        "bookedEntity": {"slot": {"serviceId": service, "startDate": slot["localStartDate"],
                                                  "endDate": slot["localEndDate"], "timezone": TZ,
                                                  "location": slot.get("location") or {}}}, **booking}}
    return f.call("POST", BOOKINGS, body, expect, note or f"book {service[:8]} at {slot['localStartDate']}")


def script(f: Flow) -> dict:
    """The flow itself; returns what it saw."""
    seen: dict = {}
    # ---- services: create, read, update with revision, query
    svc = f.call("POST", SERVICES, {"service": {
        "name": "Hot stone massage", "type": "APPOINTMENT", "staffMemberIds": [AOIFE], "defaultCapacity": 1,
        "schedule": {"availabilityConstraints": {"sessionDurations": [90]}},
        "locations": [{"type": "BUSINESS", "business": {"id": "878a5385-6e04-460a-a34d-2fa6126f3ce4"}}]}},
        note="create a service")["service"]
    got = f.call("GET", f"{SERVICES}/{svc['id']}?serviceId={svc['id']}", note="get the service")["service"]
    _check(got == svc, "getService returns the created service")
    upd = f.call("PATCH", f"{SERVICES}/{svc['id']}", {"service": {"id": svc["id"], "revision": svc["revision"],
                                                                 "tagLine": "90 minutes"}}, note="update with revision")
    _check(upd["service"]["revision"] == "2", "updateService bumps the revision")
    f.call("PATCH", f"{SERVICES}/{svc['id']}", {"service": {"id": svc["id"], "revision": "1", "tagLine": "x"}}, 428,
           note="update with a stale revision")
    found = f.call("POST", f"{SERVICES}/query", {"query": {"filter": {"name": {"$startsWith": "Hot stone"}}}},
                   note="query services")["services"]
    _check([s["id"] for s in found] == [svc["id"]], "queryServices finds the new service")
    hot = _slots(f, svc["id"], "2030-01-07")
    _check([s["localStartDate"][11:16] for s in hot] == ["09:00", "10:30", "14:00", "15:30"],
           f"90-minute slots inside Aoife's Monday hours, got {[s['localStartDate'] for s in hot]}")

    # ---- appointments: book, full slot, confirm, reschedule, cancel
    monday = _slots(f, MASSAGE, "2030-01-07")
    first = _at(monday, "2030-01-07T09:00:00")
    _check(first["bookable"] and first["remainingCapacity"] == 1, "the 09:00 massage slot is free (Aoife only)")
    b = _book(f, MASSAGE, first)["booking"]
    _check(b["status"] == "CREATED" and b["bookedEntity"]["slot"]["resource"]["name"] == "Aoife Byrne",
           "the booking took Aoife's 09:00")
    after = _at(_slots(f, MASSAGE, "2030-01-07"), "2030-01-07T09:00:00")
    _check(not after["bookable"] and after["remainingCapacity"] == 0, "the slot is full once booked")
    full = _book(f, MASSAGE, first, 428, note="book the full slot")
    _check(full["details"]["applicationError"]["code"] == "SLOT_NOT_AVAILABLE", "a full slot is SLOT_NOT_AVAILABLE")
    b = f.call("POST", f"{BOOKINGS}/{b['id']}/confirm", {"bookingId": b["id"], "revision": b["revision"]},
               note="confirm")["booking"]
    nxt = _at(monday, "2030-01-07T10:00:00")
    b = f.call("POST", f"{BOOKINGS}/{b['id']}/reschedule", {
        "bookingId": b["id"], "revision": b["revision"],
        "slot": {"serviceId": MASSAGE, "startDate": nxt["localStartDate"], "endDate": nxt["localEndDate"],
                 "timezone": TZ}}, note="reschedule to 10:00")["booking"]
    now = _slots(f, MASSAGE, "2030-01-07")
    _check(_at(now, "2030-01-07T09:00:00")["bookable"] and not _at(now, "2030-01-07T10:00:00")["bookable"],
           "rescheduling frees 09:00 and takes 10:00")
    b = f.call("POST", f"{BOOKINGS}/{b['id']}/cancel", {"bookingId": b["id"], "revision": b["revision"]},
               note="cancel")["booking"]
    _check(b["status"] == "CANCELED" and _at(_slots(f, MASSAGE, "2030-01-07"), "2030-01-07T10:00:00")["bookable"],
           "canceling frees the slot again")
    seen["appointment"] = b["id"]

    # ---- classes: fill a session, then one too many
    sessions = f.call("POST", EVENT_SLOTS, {"fromLocalDate": "2030-01-08T00:00:00", "toLocalDate": "2030-01-09T00:00:00",
                                            "timeZone": TZ, "serviceIds": [PILATES]}, note="class sessions")["timeSlots"]
    _check(len(sessions) == 1 and sessions[0]["remainingCapacity"] == 3, "one pilates session, 3 places")
    event = sessions[0]["eventInfo"]["eventId"]
    for who in ("Ada", "Grace", "Hedy"):
        f.call("POST", BOOKINGS, {"booking": {"totalParticipants": 1, "contactDetails": {"firstName": who},
                                              "bookedEntity": {"slot": {"serviceId": PILATES, "eventId": event}}}},
               note=f"book the class for {who}")
    over = f.call("POST", BOOKINGS, {"booking": {"totalParticipants": 1, "contactDetails": {"firstName": "Joan"},
                                                 "bookedEntity": {"slot": {"serviceId": PILATES, "eventId": event}}}},
                  428, note="one more than the class holds")
    _check(over["details"]["applicationError"]["code"] == "SESSION_CAPACITY_EXCEEDED", "a full class is "
           "SESSION_CAPACITY_EXCEEDED")
    left = f.call("GET", f"{EVENT_SLOTS}/{event}?eventId={event}", note="the session, full")["timeSlot"]
    _check(left["remainingCapacity"] == 0, "the session shows no place left")

    # ---- multi-service: consecutive slots
    chains = f.call("POST", MULTI_SLOTS, {"services": [{"serviceId": MASSAGE}, {"serviceId": SPORTS}],
                                          "fromLocalDate": "2030-01-08T00:00:00", "toLocalDate": "2030-01-08T23:59:59",
                                          "timeZone": TZ}, note="consecutive slots of two services")["timeSlots"]
    _check(bool(chains), "a massage then a sports massage fit on Tuesday")
    nested = chains[0]["nestedTimeSlots"]

    def booking_of(ns: dict) -> dict:
        return {"totalParticipants": 1, "contactDetails": {"firstName": "Ada"},
                "bookedEntity": {"slot": {"serviceId": ns["serviceId"], "startDate": ns["localStartDate"],
                                          "endDate": ns["localEndDate"], "timezone": TZ}}}

    msb = f.call("POST", MSB, {"bookings": [booking_of(n) for n in nested], "multiServiceBookingType":
                               "SEQUENTIAL_BOOKINGS", "returnFullEntity": True}, note="book them together")
    parts = [x["booking"] for x in msb["multiServiceBooking"]["bookings"]]
    _check(parts[0]["endDate"] == parts[1]["startDate"], "the two bookings are consecutive")
    free_massage = next(s for s in _slots(f, MASSAGE, "2030-01-08") if s["bookable"]
                        and s["localStartDate"] > nested[1]["localEndDate"])
    gap = next(s for s in _slots(f, SPORTS, "2030-01-08") if s["bookable"]
               and s["localStartDate"] > free_massage["localEndDate"])
    bad = f.call("POST", MSB, {"bookings": [booking_of({**free_massage, "serviceId": MASSAGE}),
                                            booking_of({**gap, "serviceId": SPORTS})],
                               "multiServiceBookingType": "SEQUENTIAL_BOOKINGS"}, 428, note="non-consecutive slots")
    _check(bad["details"]["applicationError"]["code"] == "VALIDATION_FAILURE", "non-consecutive slots are refused")

    # ---- reads and events
    ext = f.call("POST", EXTENDED, {"query": {"filter": {"status": {"$in": ["CREATED", "CONFIRMED"]},
                                                         "bookedEntity.slot.serviceId": PILATES}}},
                 note="extended bookings by WQL")["extendedBookings"]
    _check(len(ext) == 3, f"three pilates bookings, got {len(ext)}")
    events = f.control("GET", "/_wixcontracts/events").get("events", [])
    kinds = [e["type"].rsplit(".", 1)[-1] for e in events]
    for k in ("service_created", "service_updated", "booking_created", "booking_confirmed", "booking_rescheduled",
              "booking_canceled"):
        _check(k in kinds, f"a {k} event was recorded")
    seen["events"] = len(events)
    return seen


def run_flow(base_url: str | None = None) -> dict:
    """The flow on a fresh emulator (or on ``base_url``, reset to the business seed first)."""
    from .core import Emulator

    emu = None if base_url else Emulator(seed="business", clock=SUNDAY)
    f = Flow(emu, base_url)
    try:
        if base_url:
            f.control("POST", "/_wixcontracts/reset", {"seed": "business", "scenarios": []})
            f.control("POST", "/_wixcontracts/clock", {"now": SUNDAY})
        seen = script(f)
        status, detail = "ok", (f"{len(f.calls)} calls across services, time slots, bookings, multi-service and "
                                f"extended bookings; every exchange valid; {seen['events']} events recorded")
    except FlowFailed as e:
        status, detail = "failed", f"{e} (after {len(f.calls)} calls)"
    finally:
        f.close()
    return {"name": "emulator booking flow", "status": status, "detail": detail, "data": {"calls": f.calls}}


if __name__ == "__main__":  # python -m wixcontracts.emulator.flow [base_url]
    import sys

    out = run_flow(sys.argv[1] if len(sys.argv) > 1 else None)
    print(f"{out['name']}: {out['status']}: {out['detail']}")
    sys.exit(0 if out["status"] == "ok" else 1)
