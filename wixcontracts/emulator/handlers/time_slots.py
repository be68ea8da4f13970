"""Time Slots V2: appointment slots (availability-time-slots), class sessions (event-time-slots) and
consecutive multi-service slots (multi-service-availability-time-slots), computed by ``slots.Availability``."""

from __future__ import annotations

from datetime import datetime, timedelta

from .. import wql
from ..clock import parse_local, zone
from ..errors import invalid, required
from ..slots import STAFF_RESOURCE_TYPE_ID
from .registry import handler

A = "availability-time-slots."
E = "event-time-slots."
M = "multi-service-availability-time-slots."
MAX_RANGE_DAYS = 62
DEFAULT_SLOTS_LIMIT = 1000


# ---------------------------------------------------------------------- request helpers

def _paged(msg: dict) -> tuple[dict, int, int]:
    """(the request to compute, offset, limit): a cursor carries the request it was made for."""
    paging = msg.get("cursorPaging") or {}
    limit = int(paging.get("limit") or DEFAULT_SLOTS_LIMIT)
    if paging.get("cursor"):
        state = wql.decode_cursor(paging["cursor"], "cursorPaging.cursor")
        return state.get("f") or {}, state["o"], limit
    return msg, 0, limit


def _cursor_meta(msg: dict, offset: int, limit: int, total: int) -> tuple[slice, dict]:
    meta: dict = {"cursors": {}, "hasNext": offset + limit < total}
    base = {k: v for k, v in msg.items() if k != "cursorPaging"}
    if offset + limit < total:
        meta["cursors"]["next"] = wql.encode_cursor({"v": 1, "f": base, "o": offset + limit})
    if offset > 0:
        meta["cursors"]["prev"] = wql.encode_cursor({"v": 1, "f": base, "o": max(0, offset - limit)})
    return slice(offset, offset + limit), meta


def _tz(emu, msg: dict) -> tuple[str, object]:
    name = msg.get("timeZone") or emu.avail.business_tz()
    try:
        return name, zone(name)
    except ValueError as e:
        raise invalid("timeZone", str(e), "OTHER", "time-zone") from None


def _local(msg: dict, key: str, tz) -> datetime:
    if not msg.get(key):
        raise required(key)
    dt = parse_local(msg[key])
    if dt is None:
        raise invalid(key, f"{msg[key]!r} is not a local date-time YYYY-MM-DDThh:mm:ss (no offset)", "FORMAT",
                      "local-date-time")
    return dt.replace(tzinfo=tz)


def _range(msg: dict, tz) -> tuple[datetime, datetime]:
    start, end = _local(msg, "fromLocalDate", tz), _local(msg, "toLocalDate", tz)
    if end <= start:
        raise invalid("toLocalDate", "toLocalDate must be after fromLocalDate", "OTHER", "range")
    if end - start > timedelta(days=MAX_RANGE_DAYS):
        raise invalid("toLocalDate", f"the range may span at most {MAX_RANGE_DAYS} days", "OTHER", "range")
    return start, end


def _location(emu, service: dict) -> dict:
    """The slot's location; ``locationType`` only under the scenario ``location-type-business``."""
    loc = emu.avail.location_of(service)
    if "location-type-business" not in emu.scenarios:
        loc = {k: v for k, v in loc.items() if k != "locationType"}
    return loc


def _resources(staff: list[dict]) -> list[dict]:
    return [{"resourceTypeId": STAFF_RESOURCE_TYPE_ID,
             "resources": [{"id": s.get("resourceId") or s["id"], "name": s.get("name") or ""} for s in staff],
             "hasMoreAvailableResources": False}]


def _service(emu, op: str, sid: str | None, field: str = "serviceId", kinds=("APPOINTMENT",)) -> dict:
    if not sid:
        raise required(field)
    service = emu.store.services.get(sid)
    if service is None:
        raise emu.fail(op, "SERVICE_NOT_FOUND", f"service {sid} not found", 404, field, serviceId=sid)
    if (service.get("type") or "APPOINTMENT") not in kinds:
        raise invalid(field, f"service {sid} is a {service.get('type')} service: its time slots come from "
                             + ("event-time-slots" if service.get("type") == "CLASS" else "its schedule"),
                      "OTHER", "service-type")
    return service


def _location_ok(emu, service: dict, wanted: list[dict] | None) -> bool:
    if not wanted:
        return True
    loc = emu.avail.location_of(service)
    for w in wanted:
        if (not w.get("id") or w["id"] == loc.get("id")) and \
                (not w.get("locationType") or w["locationType"] == loc.get("locationType")):
            return True
    return False


# ---------------------------------------------------------------------- appointments

def appointment_slot(emu, service: dict, s: dict, tz) -> dict:
    free, offered = len(s["free"]), len(s["offered"])
    slot = {"serviceId": service["id"], "localStartDate": emu.avail.local(s["start"], tz),
            "localEndDate": emu.avail.local(s["end"], tz), "bookable": free > 0, "location": _location(emu, service),
            "totalCapacity": offered, "remainingCapacity": free, "bookableCapacity": free,
            "availableResources": _resources(s["free"]),
            "scheduleId": (service.get("schedule") or {}).get("id")}
    if not free:
        slot["nonBookableReasons"] = {"noRemainingCapacity": True}
    return {k: v for k, v in slot.items() if v is not None}



def _per_day(slots: list[dict], limit) -> list[dict]:
    """At most ``limit`` slots per local day (all when ``limit`` is unset), in order."""
    if not limit:
        return slots
    kept, days = [], {}
    for s in slots:
        d = s["localStartDate"][:10]
        days[d] = days.get(d, 0) + 1
        if days[d] <= limit:
            kept.append(s)
    return kept

@handler(A + "listAvailabilityTimeSlots")
def list_availability_time_slots(emu, params: dict, msg: dict) -> dict:
    op = A + "listAvailabilityTimeSlots"
    msg, offset, limit = _paged(msg)
    tz_name, tz = _tz(emu, msg)
    service = _service(emu, op, msg.get("serviceId"))
    start, end = _range(msg, tz)
    duration = (msg.get("customerChoices") or {}).get("durationInMinutes")
    slots = []
    if _location_ok(emu, service, msg.get("locations")):
        slots = emu.avail.appointment_slots(service, start, end, duration=duration, resource_ids=msg.get("resourceIds"))
    out = [appointment_slot(emu, service, s, tz) for s in slots]
    if msg.get("bookable") is not None:
        out = [s for s in out if s["bookable"] == msg["bookable"]]
    out = _per_day(out, msg.get("timeSlotsPerDay"))
    window, meta = _cursor_meta(msg, offset, limit, len(out))
    return {"timeSlots": out[window], "timeZone": tz_name, "cursorPagingMetadata": meta}


@handler(A + "getAvailabilityTimeSlot")
def get_availability_time_slot(emu, params: dict, msg: dict) -> dict:
    op = A + "getAvailabilityTimeSlot"
    tz_name, tz = _tz(emu, msg)
    service = _service(emu, op, msg.get("serviceId"))
    start, end = _local(msg, "localStartDate", tz), _local(msg, "localEndDate", tz)
    for s in emu.avail.appointment_slots(service, start, start + timedelta(minutes=1),
                                         resource_ids=msg.get("resourceIds")):
        if s["start"] == start and s["end"] == end:
            return {"timeSlot": appointment_slot(emu, service, s, tz), "timeZone": tz_name}
    raise emu.fail(op, "SLOT_NOT_FOUND", f"service {service['id']} has no slot {msg['localStartDate']} – "
                   f"{msg['localEndDate']} ({tz_name})", 404)


@handler(A + "listAvailabilityTimeSlotEndOptions")
def list_end_options(emu, params: dict, msg: dict) -> dict:
    """The lengths a customer may book from localStartDate, for an hourly duration-range service (policy
    ``slots.end_options``)."""
    op = A + "listAvailabilityTimeSlotEndOptions"
    tz_name, tz = _tz(emu, msg)
    service = _service(emu, op, msg.get("serviceId"))
    lengths = emu.avail.range_lengths(service)
    if not lengths:
        raise emu.fail(op, "END_OPTIONS_NOT_SUPPORTED", f"service {service['id']} has no hourly duration range "
                       "(schedule.availabilityConstraints.durationRange.hourOptions)", 400, "serviceId",
                       serviceId=service["id"])
    start = _local(msg, "localStartDate", tz)
    latest = start + timedelta(minutes=lengths[-1])
    if msg.get("maxLocalEndDate"):
        cap = _local(msg, "maxLocalEndDate", tz)
        if cap <= start:
            raise invalid("maxLocalEndDate", "maxLocalEndDate must be after localStartDate", "OTHER", "range")
        latest = min(latest, cap)  # the service's maximum caps a later one
    ids = [r for t in msg.get("resourceTypes") or [] for r in t.get("resourceIds") or []] or None
    location = msg.get("location") or {}
    echoed = location if "location-type-business" in emu.scenarios else \
        {k: v for k, v in location.items() if k != "locationType"}  # as every time slot's (slots.location_type)
    out = []
    if _location_ok(emu, service, [location]):
        for minutes in lengths:
            if start + timedelta(minutes=minutes) > latest:
                break
            for s in emu.avail.appointment_slots(service, start, start + timedelta(minutes=1), duration=minutes,
                                                 resource_ids=ids):
                if s["start"] == start and s["free"]:
                    out.append({"serviceId": service["id"], "localStartDate": emu.avail.local(start, tz),
                                "localEndDate": emu.avail.local(s["end"], tz), "bookable": True, "location": echoed,
                                "totalCapacity": 1, "remainingCapacity": 1, "bookableCapacity": 1,
                                "availableResources": [], "scheduleId": (service.get("schedule") or {}).get("id")})
    return {"endOptions": [{k: v for k, v in o.items() if v is not None} for o in out], "timeZone": tz_name}


# ---------------------------------------------------------------------- classes

def event_slot(emu, session, tz) -> dict:
    load = emu.occ.event_load(session.event_id)
    left = max(0, session.capacity - load)
    staff = [session.staff] if session.staff else []
    slot = {"serviceId": session.service["id"], "localStartDate": emu.avail.local(session.start, tz),
            "localEndDate": emu.avail.local(session.end, tz), "bookable": left > 0,
            "location": _location(emu, session.service),
            "eventInfo": {"eventId": session.event_id, "eventTitle": session.service.get("name") or ""},
            "totalCapacity": session.capacity, "remainingCapacity": left, "bookableCapacity": left,
            "availableResources": _resources(staff), "scheduleId": session.schedule_id}
    if not left:
        slot["nonBookableReasons"] = {"noRemainingCapacity": True}
    return slot


@handler(E + "listEventTimeSlots")
def list_event_time_slots(emu, params: dict, msg: dict) -> dict:
    msg, offset, limit = _paged(msg)
    tz_name, tz = _tz(emu, msg)
    start, end = _range(msg, tz)
    if msg.get("eventFilter"):
        raise invalid("eventFilter", "eventFilter is not emulated (filter by serviceIds / providerId)", "OTHER",
                      "not-emulated")
    ids = msg.get("serviceIds")
    services = [s for s in emu.store.services.values() if s.get("type") == "CLASS" and (not ids or s["id"] in ids)]
    sessions = [x for s in services for x in emu.avail.sessions(s, start, end) if x.start >= emu.clock.now()]
    provider = msg.get("providerId")
    if provider:
        sessions = [x for x in sessions if x.staff and provider in (x.staff["id"], x.staff.get("resourceId"))]
    sessions.sort(key=lambda x: (x.start, x.service.get("name") or ""))
    out = [event_slot(emu, x, tz) for x in sessions]
    if not msg.get("includeNonBookable"):
        out = [s for s in out if s["bookable"]]
    if msg.get("minBookableCapacity"):
        out = [s for s in out if s["bookableCapacity"] >= msg["minBookableCapacity"]]
    out = _per_day(out, msg.get("maxSlotsPerDay"))
    window, meta = _cursor_meta(msg, offset, limit, len(out))
    return {"timeSlots": out[window], "timeZone": tz_name, "pagingMetadata": meta}


@handler(E + "getEventTimeSlot")
def get_event_time_slot(emu, params: dict, msg: dict) -> dict:
    op = E + "getEventTimeSlot"
    tz_name, tz = _tz(emu, msg)
    eid = msg.get("eventId") or params.get("eventId")
    session = emu.avail.session(eid)
    if session is None:
        raise emu.fail(op, "SLOT_NOT_FOUND", f"no class session {eid}", 404, "eventId", eventId=eid)
    return {"timeSlot": event_slot(emu, session, tz), "timeZone": tz_name}


# ---------------------------------------------------------------------- multi-service

def _msb_services(emu, op: str, msg: dict) -> tuple[list[dict], list[dict]]:
    """(the request's services entries, the services) for 2 to 8 appointment services."""
    wanted = msg.get("services") or []
    if not 2 <= len(wanted) <= 8:
        raise emu.fail(op, "INVALID_SERVICES_SIZE", f"give 2 to 8 services, got {len(wanted)}", 400, "services")
    return wanted, [_service(emu, op, w.get("serviceId"), f"services[{i}].serviceId") for i, w in enumerate(wanted)]


def _chains(emu, wanted: list[dict], services: list[dict], start: datetime, end: datetime, tz, *,
            free_only: bool) -> list[dict]:
    """Multi-service time slots whose first slot starts in [start, end): chains of appointment slots, one per
    service in order, each starting when the previous ends (policy ``msb.consecutive``); ``free_only``: every
    slot of the chain with a free staff member."""
    span = timedelta(minutes=sum(emu.avail.duration(s) + emu.avail.gap(s) for s in services))
    tables = []
    for w, s in zip(wanted, services):
        slots = emu.avail.appointment_slots(s, start, end + span,
                                            duration=(w.get("customerChoices") or {}).get("durationInMinutes"),
                                            resource_ids=w.get("resourceIds"))
        tables.append({x["start"]: x for x in slots if x["free"] or not free_only})
    out = []
    for first in sorted(tables[0].values(), key=lambda x: x["start"]):
        if first["start"] >= end:
            continue
        chain = [first]
        for table in tables[1:]:
            nxt = table.get(chain[-1]["end"])
            if nxt is None:
                break
            chain.append(nxt)
        if len(chain) < len(tables):
            continue
        nested = [{"serviceId": s["id"], "localStartDate": emu.avail.local(x["start"], tz),
                   "localEndDate": emu.avail.local(x["end"], tz), "availableResources": _resources(x["free"]),
                   "scheduleId": (s.get("schedule") or {}).get("id")} for s, x in zip(services, chain)]
        free = int(all(x["free"] for x in chain))
        slot = {"serviceId": services[0]["id"], "localStartDate": nested[0]["localStartDate"],
                "localEndDate": nested[-1]["localEndDate"], "bookable": bool(free),
                "location": _location(emu, services[0]), "totalCapacity": 1, "remainingCapacity": free,
                "bookableCapacity": free, "nestedTimeSlots": nested}
        if not free:
            slot["nonBookableReasons"] = {"noRemainingCapacity": True}
        out.append(slot)
    return out


@handler(M + "listMultiServiceAvailabilityTimeSlots")
def list_multi_service_time_slots(emu, params: dict, msg: dict) -> dict:
    """Chains of consecutive appointment slots with room, one slot per service in order (policy
    ``slots.multi_service``)."""
    op = M + "listMultiServiceAvailabilityTimeSlots"
    msg, offset, limit = _paged(msg)
    tz_name, tz = _tz(emu, msg)
    wanted, services = _msb_services(emu, op, msg)
    start, end = _range(msg, tz)
    out = _chains(emu, wanted, services, start, end, tz, free_only=True)
    window, meta = _cursor_meta(msg, offset, limit, len(out))
    return {"timeSlots": out[window], "timeZone": tz_name, "cursorPagingMetadata": meta}


@handler(M + "getMultiServiceAvailabilityTimeSlot")
def get_multi_service_time_slot(emu, params: dict, msg: dict) -> dict:
    """The chain that starts at localStartDate and ends at localEndDate, full or not (policy
    ``slots.multi_service``)."""
    op = M + "getMultiServiceAvailabilityTimeSlot"
    tz_name, tz = _tz(emu, msg)
    wanted, services = _msb_services(emu, op, msg)
    start, end = _local(msg, "localStartDate", tz), _local(msg, "localEndDate", tz)
    local_end = emu.avail.local(end, tz)
    for slot in _chains(emu, wanted, services, start, start + timedelta(minutes=1), tz, free_only=False):
        if slot["localEndDate"] == local_end:
            return {"timeSlot": slot, "timeZone": tz_name}
    raise emu.fail(op, "SLOT_NOT_FOUND", f"services {', '.join(s['id'] for s in services)} have no consecutive "
                   f"slots {msg['localStartDate']} – {msg['localEndDate']} ({tz_name})", 404)
