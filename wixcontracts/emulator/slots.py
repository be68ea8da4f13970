"""Availability: time slots computed from the state, and the capacity bookings take from them.

Simple and deterministic (policy ``slots.*``):

* **appointments** (service ``type`` APPOINTMENT): each staff member of the service (``staffMemberIds``) offers
  back-to-back sessions of the service's duration (``schedule.availabilityConstraints.sessionDurations[0]``,
  else ``durations[0].minutes``, else 60 minutes) plus ``timeBetweenSessions`` inside each of their working-hour
  intervals (their working-hours schedule, else the business's hours), in their schedule's time zone.  A slot
  is one (start, end); its capacity is the number of staff members offering it, one booking each;
* **hourly duration ranges** (``availabilityConstraints.durationRange.hourOptions``): the customer picks the
  length: sessions start every ``RANGE_STEP`` minutes inside the working hours and last the minimum unless asked
  (``customerChoices.durationInMinutes``); a booking may last min + n × ``RANGE_STEP`` up to the maximum;
* **classes** (CLASS): sessions repeat weekly as the service's schedule lists them (``seeds.py``); capacity
  ``defaultCapacity``, shared by participants; the session's ``eventId`` is ``<scheduleId>-<YYYYMMDDThhmmZ>``;
* **courses** (COURSE): one schedule, capacity ``defaultCapacity`` participants in all;
* a booking holds capacity while its status is CREATED, PENDING or CONFIRMED; cancel / decline give it back;
* nothing before the clock's now is listed; booking it is a booking-policy violation.

:class:`Occupancy` indexes what every booking holds (by staff resource, class session, course schedule)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Iterable

from .clock import UTC, local_text, parse_instant, rfc3339, zone

ACTIVE = frozenset({"CREATED", "PENDING", "CONFIRMED"})
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
# the resource type of staff members (no source: the emulator's own id)
STAFF_RESOURCE_TYPE_ID = "1cd44cf8-756f-41c3-bd90-3e2ffcaf1155"
DEFAULT_DURATION = 60
# an hourly duration range's grid: start times and lengths in steps of this many minutes (no source: emulator
# choice; the typings' smallest duration is 30 minutes)
RANGE_STEP = 30
DEFAULT_CLASS_CAPACITY = 10
# Time Slots' location type -> Create Booking's (the enums disagree; ``wixcontracts lint-docs`` cross-service)
BOOKING_LOCATION_TYPE = {"BUSINESS": "OWNER_BUSINESS", "CUSTOM": "OWNER_CUSTOM", "CUSTOMER": "CUSTOM"}


def parse_hhmm(text: str) -> time:
    h, _, m = str(text).partition(":")
    return time(int(h), int(m or 0))


def weekly_intervals(weekly: dict | None, day: date) -> list[tuple[time, time]]:
    """The ``[[start, end], ...]`` intervals of ``weekly`` (``{"MON": [["09:00", "17:00"]], ...}``) for ``day``."""
    out = []
    for iv in (weekly or {}).get(WEEKDAYS[day.weekday()]) or []:
        out.append((parse_hhmm(iv[0]), parse_hhmm(iv[1])))
    return out


def participants_of(booking: dict) -> int:
    if isinstance(booking.get("totalParticipants"), int) and booking["totalParticipants"] > 0:
        return booking["totalParticipants"]
    choices = ((booking.get("participantsChoices") or {}).get("serviceChoices")) or []
    n = sum(c.get("numberOfParticipants") or 0 for c in choices if isinstance(c, dict))
    return n if n > 0 else 1


def _fld(where: str, rest: str) -> str:
    return f"{where}.{rest}" if where else rest


def event_id(schedule_id: str, start: datetime) -> str:
    return f"{schedule_id}-{start.astimezone(UTC):%Y%m%dT%H%M}Z"


def split_event_id(eid: str) -> tuple[str, datetime] | None:
    sid, sep, stamp = str(eid).rpartition("-")
    if not sep or not stamp.endswith("Z"):
        return None
    try:
        return sid, datetime.strptime(stamp, "%Y%m%dT%H%MZ").replace(tzinfo=UTC)
    except ValueError:
        return None


# ====================================================================== occupancy

class Occupancy:
    """What each active booking holds: a staff resource for [start, end) (indexed by resource and UTC day),
    seats in a class session, seats in a course schedule (with running totals)."""

    def __init__(self):
        self.by_resource: dict[tuple[str, date], dict[str, tuple[datetime, datetime]]] = {}
        self.by_event: dict[str, dict[str, int]] = {}
        self.by_schedule: dict[str, dict[str, int]] = {}
        self.totals: dict[tuple[str, str], int] = {}  # ("by_event" | "by_schedule", key) -> seats held
        self._keys: dict[str, list[tuple[str, Any]]] = {}

    def clear(self) -> None:
        self.__init__()

    def forget(self, booking_id: str) -> None:
        for kind, key in self._keys.pop(booking_id, ()):
            table = getattr(self, kind)
            held = table.get(key)
            if held is not None:
                n = held.pop(booking_id, None)
                if kind != "by_resource" and n:
                    self.totals[(kind, key)] -= n
                if not held:
                    del table[key]

    def _hold(self, kind: str, key: Any, bid: str, value: Any, keys: list) -> None:
        getattr(self, kind).setdefault(key, {})[bid] = value
        if kind != "by_resource":
            self.totals[(kind, key)] = self.totals.get((kind, key), 0) + value
        keys.append((kind, key))

    def update(self, booking: dict) -> None:
        """(Re)index ``booking`` after any change."""
        bid = booking.get("id")
        if bid is None:
            return
        if bid in self._keys:
            self.forget(bid)
        if booking.get("status") not in ACTIVE:
            return
        entity = booking.get("bookedEntity") or {}
        slot = entity.get("slot") or {}
        keys: list = []
        if slot.get("eventId"):
            self._hold("by_event", slot["eventId"], bid, participants_of(booking), keys)
        else:
            rid = (slot.get("resource") or {}).get("id")
            if rid and slot.get("startDate") and slot.get("endDate"):
                s, e = parse_instant(slot["startDate"]), parse_instant(slot["endDate"])
                if s is not None and e is not None:
                    s, e = s.astimezone(UTC), e.astimezone(UTC)
                    day = s.date()
                    while day <= e.date():
                        self._hold("by_resource", (rid, day), bid, (s, e), keys)
                        day += timedelta(days=1)
        sched = (entity.get("schedule") or {}).get("scheduleId")
        if sched:
            self._hold("by_schedule", sched, bid, participants_of(booking), keys)
        if keys:
            self._keys[bid] = keys

    def resource_busy(self, rid: str, start: datetime, end: datetime, exclude: Iterable[str] = (),
                      extra: Iterable[tuple] = ()) -> bool:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        day = start.date()
        while day <= end.date():
            for bid, (s, e) in (self.by_resource.get((rid, day)) or {}).items():
                if s < end and start < e and bid not in exclude:
                    return True
            day += timedelta(days=1)
        return any(h[0] == "res" and h[1] == rid and h[2] < end and start < h[3] for h in extra)

    def _load(self, kind: str, key: str, exclude: Iterable[str], extra: Iterable[tuple], tag: str) -> int:
        held = getattr(self, kind).get(key) or {}
        n = self.totals.get((kind, key), 0) - sum(held.get(b, 0) for b in exclude)
        return n + sum(h[2] for h in extra if h[0] == tag and h[1] == key)

    def event_load(self, eid: str, exclude: Iterable[str] = (), extra: Iterable[tuple] = ()) -> int:
        return self._load("by_event", eid, exclude, extra, "event")

    def schedule_load(self, sid: str, exclude: Iterable[str] = (), extra: Iterable[tuple] = ()) -> int:
        return self._load("by_schedule", sid, exclude, extra, "sched")


# ====================================================================== what a slot is

@dataclass
class Candidate:
    """One staff member's appointment session."""

    start: datetime
    end: datetime
    staff: dict

    @property
    def resource_id(self) -> str:
        return self.staff.get("resourceId") or self.staff["id"]


@dataclass
class Session:
    """One class session."""

    event_id: str
    schedule_id: str
    service: dict
    start: datetime
    end: datetime
    staff: dict | None
    capacity: int
    tz: str


@dataclass
class Placement:
    """Where a booking goes, as the availability check resolved it."""

    kind: str  # appointment | class | course | unchecked
    service: dict | None = None
    start: datetime | None = None
    end: datetime | None = None
    timezone: str | None = None
    staff: dict | None = None
    event_id: str | None = None
    schedule_id: str | None = None
    participants: int = 1
    double_booked: bool = False
    location: dict | None = None
    hold: list[tuple] = field(default_factory=list)


class Availability:
    """Time slots and the availability checks of booking writes, over a store and its occupancy."""

    def __init__(self, store, occupancy: Occupancy, clock):
        self.store, self.occ, self.clock = store, occupancy, clock
        self._sessions: dict[str, Session | None] = {}

    def invalidate(self) -> None:
        """Services or schedules changed: forget the cached class sessions."""
        self._sessions.clear()

    # ------------------------------------------------------------------ facts from the state
    def business_tz(self) -> str:
        return self.store.business.get("timeZone") or "UTC"

    def service_of(self, entity: dict) -> dict | None:
        slot = entity.get("slot") or {}
        sched = entity.get("schedule") or {}
        sid = slot.get("serviceId") or sched.get("serviceId")
        if sid and sid in self.store.services:
            return self.store.services[sid]
        sched_id = slot.get("scheduleId") or sched.get("scheduleId")
        if sched_id:
            for s in self.store.services.values():
                if (s.get("schedule") or {}).get("id") == sched_id:
                    return s
        return None

    @staticmethod
    def duration_range(service: dict) -> tuple[int, int] | None:
        """(min, max) minutes of the service's hourly duration range, else None."""
        dr = ((service.get("schedule") or {}).get("availabilityConstraints") or {}).get("durationRange") or {}
        hours = dr.get("hourOptions") if isinstance(dr, dict) else None
        if not isinstance(hours, dict) or dr.get("unitType") not in (None, "HOUR"):
            return None
        lo = int(hours.get("minDurationInMinutes") or RANGE_STEP)
        return lo, max(lo, int(hours.get("maxDurationInMinutes") or lo))

    @classmethod
    def range_lengths(cls, service: dict) -> list[int]:
        """The lengths a booking of an hourly duration-range service may have: min, min + RANGE_STEP, ... max."""
        rng = cls.duration_range(service)
        return list(range(rng[0], rng[1] + 1, RANGE_STEP)) if rng else []

    @staticmethod
    def duration(service: dict, override: int | None = None) -> int:
        if override:
            return int(override)
        rng = Availability.duration_range(service)
        if rng:
            return rng[0]
        ac = (service.get("schedule") or {}).get("availabilityConstraints") or {}
        for d in ac.get("sessionDurations") or []:
            return int(d)
        for d in ac.get("durations") or []:
            if d.get("minutes"):
                return int(d["minutes"])
        return DEFAULT_DURATION

    @staticmethod
    def gap(service: dict) -> int:
        ac = (service.get("schedule") or {}).get("availabilityConstraints") or {}
        return int(ac.get("timeBetweenSessions") or 0)

    def capacity(self, service: dict) -> int:
        cap = service.get("defaultCapacity")
        return int(cap) if isinstance(cap, (int, float)) and cap > 0 else DEFAULT_CLASS_CAPACITY

    def staff_hours(self, staff: dict) -> tuple[dict, tzinfo]:
        res = staff.get("resource") or {}
        weekly: dict[str, list] = {}
        tz_name = None
        if not res.get("usesDefaultWorkingHours"):
            for ref in res.get("workingHoursSchedules") or []:
                sched = self.store.schedules.get((ref or {}).get("id"))
                if sched and sched.get("workingHours"):
                    tz_name = tz_name or sched.get("timeZone")
                    for day, ivs in sched["workingHours"].items():
                        weekly.setdefault(day, []).extend(ivs)
        if not weekly:
            weekly = self.store.business.get("workingHours") or {}
        return weekly, zone(tz_name or self.business_tz())

    def staff_of(self, service: dict) -> list[dict]:
        return [self.store.staff[i] for i in service.get("staffMemberIds") or [] if i in self.store.staff]

    def location_of(self, service: dict) -> dict:
        """The service's first location as a Time Slots location (``locationType`` BUSINESS / CUSTOM / CUSTOMER)."""
        locs = service.get("locations") or []
        biz = {l.get("id"): l for l in self.store.business.get("locations") or []}
        if locs:
            loc = locs[0]
            kind = loc.get("type") or "BUSINESS"
            if kind == "BUSINESS":
                bid = (loc.get("business") or {}).get("id") or loc.get("id")
                b = biz.get(bid) or next(iter(biz.values()), {})
                out = {k: v for k, v in (("id", b.get("id") or bid), ("name", b.get("name")),
                                         ("formattedAddress", b.get("formattedAddress"))) if v}
                return {**out, "locationType": "BUSINESS"}
            if kind == "CUSTOM":
                addr = ((loc.get("custom") or {}).get("address") or {}).get("formattedAddress")
                return {**({"formattedAddress": addr} if addr else {}), "locationType": "CUSTOM"}
            return {"locationType": "CUSTOMER"}
        b = next(iter(biz.values()), None)
        if b:
            return {**{k: b[k] for k in ("id", "name", "formattedAddress") if b.get(k)}, "locationType": "BUSINESS"}
        return {"locationType": "BUSINESS"}

    # ------------------------------------------------------------------ appointments
    def candidates(self, service: dict, start: datetime, end: datetime, duration: int | None = None,
                   staff: list[dict] | None = None) -> list[Candidate]:
        """Every staff member's session of ``service`` starting in [start, end) (aware datetimes)."""
        dur = timedelta(minutes=self.duration(service, duration))
        # fixed lengths: back to back; an hourly duration range: a start every RANGE_STEP minutes
        step = timedelta(minutes=RANGE_STEP) if self.duration_range(service) \
            else dur + timedelta(minutes=self.gap(service))
        out = []
        for member in staff if staff is not None else self.staff_of(service):
            weekly, tz = self.staff_hours(member)
            day = start.astimezone(tz).date() - timedelta(days=1)
            last = end.astimezone(tz).date() + timedelta(days=1)
            while day <= last:
                for a, b in weekly_intervals(weekly, day):
                    t = datetime.combine(day, a, tzinfo=tz)
                    stop = datetime.combine(day, b, tzinfo=tz)
                    while t + dur <= stop:
                        su = t.astimezone(UTC)
                        if start <= su < end:
                            out.append(Candidate(su, (t + dur).astimezone(UTC), member))
                        t += step
                day += timedelta(days=1)
        out.sort(key=lambda c: (c.start, c.end))
        return out

    def appointment_slots(self, service: dict, start: datetime, end: datetime, *, duration: int | None = None,
                          resource_ids: list[str] | None = None) -> list[dict]:
        """Slots of an appointment service: ``{start, end, offered: [staff], free: [staff]}`` in time order."""
        now = self.clock.now()
        staff = self.staff_of(service)
        if resource_ids:
            staff = [s for s in staff if (s.get("resourceId") or s["id"]) in resource_ids or s["id"] in resource_ids]
        slots: dict[tuple, dict] = {}
        for c in self.candidates(service, start, end, duration, staff):
            if c.start < now:
                continue
            s = slots.setdefault((c.start, c.end), {"start": c.start, "end": c.end, "offered": [], "free": []})
            s["offered"].append(c.staff)
            if not self.occ.resource_busy(c.resource_id, c.start, c.end):
                s["free"].append(c.staff)
        return [slots[k] for k in sorted(slots)]

    # ------------------------------------------------------------------ classes
    def sessions(self, service: dict, start: datetime, end: datetime) -> list[Session]:
        sid = (service.get("schedule") or {}).get("id")
        sched = self.store.schedules.get(sid) or {}
        tz_name = sched.get("timeZone") or self.business_tz()
        tz = zone(tz_name)
        cap = self.capacity(service)
        out = []
        day = start.astimezone(tz).date() - timedelta(days=1)
        last = end.astimezone(tz).date() + timedelta(days=1)
        while day <= last:
            for rule in sched.get("sessions") or []:
                if rule.get("weekday") != WEEKDAYS[day.weekday()]:
                    continue
                s = datetime.combine(day, parse_hhmm(rule["start"]), tzinfo=tz).astimezone(UTC)
                e = datetime.combine(day, parse_hhmm(rule["end"]), tzinfo=tz).astimezone(UTC)
                if start <= s < end:
                    out.append(Session(event_id(sid, s), sid, service, s, e,
                                       self.store.staff.get(rule.get("staffMemberId") or ""),
                                       int(rule.get("capacity") or cap), tz_name))
            day += timedelta(days=1)
        out.sort(key=lambda x: (x.start, x.service.get("name") or ""))
        return out

    def session(self, eid: str) -> Session | None:
        if eid in self._sessions:
            return self._sessions[eid]
        found = None
        parts = split_event_id(eid)
        if parts is not None:
            sid, start = parts
            for service in self.store.services.values():
                if (service.get("schedule") or {}).get("id") == sid and service.get("type") == "CLASS":
                    for s in self.sessions(service, start, start + timedelta(minutes=1)):
                        if s.event_id == eid:
                            found = s
        if len(self._sessions) > 10000:
            self._sessions.clear()
        self._sessions[eid] = found
        return found

    # ------------------------------------------------------------------ placing a booking
    def place(self, op: str, fail, entity: dict, participants: int, *, flow: dict | None = None,
              exclude: Iterable[str] = (), extra: Iterable[tuple] = (), where: str = "booking.bookedEntity") -> Placement:
        """Resolve ``entity`` (a bookedEntity, or a V2 slot wrapped as ``{"slot": ...}``) against availability;
        ``fail(code, description, http, field=None, **data)`` raises the operation's error.  A booking of a
        service the emulator does not know is accepted unchecked (policy ``availability.unknown_service``)."""
        service = self.service_of(entity)
        if service is None:
            return Placement("unchecked", participants=participants)
        flow = flow or {}
        exclude = tuple(exclude)
        extra = list(extra)
        slot = entity.get("slot") or {}
        kind = service.get("type") or "APPOINTMENT"
        if kind == "COURSE" or (entity.get("schedule") and not slot):
            return self._place_course(op, fail, service, entity, participants, flow, exclude, extra, where)
        tz_name = slot.get("timezone") or self.business_tz()
        try:
            tz = zone(tz_name)
        except ValueError as e:
            raise fail("INVALID_TIME_ZONE", str(e), 400, field=_fld(where, "slot.timezone"))
        if kind == "CLASS":
            return self._place_class(op, fail, service, slot, participants, flow, exclude, extra, where, tz)
        return self._place_appointment(op, fail, service, slot, participants, flow, exclude, extra, where, tz, tz_name)

    def _times(self, fail, slot: dict, tz: tzinfo, where: str) -> tuple[datetime, datetime]:
        for key in ("startDate", "endDate"):
            if not slot.get(key):
                raise fail("VALIDATION_FAILURE", f"{_fld(where, 'slot.' + key)} is required to book this service",
                           428, field=_fld(where, "slot." + key))
        start, end = parse_instant(slot["startDate"], tz), parse_instant(slot["endDate"], tz)
        for key, v in (("startDate", start), ("endDate", end)):
            if v is None:
                raise fail("INVALID_DATE_FORMAT", f"{_fld(where, 'slot.' + key)} {slot[key]!r} is not an ISO-8601 "
                           "date-time", 400, field=_fld(where, "slot." + key))
        if end <= start:
            raise fail("VALIDATION_FAILURE", f"{_fld(where, 'slot.endDate')} must be after startDate", 428,
                       field=_fld(where, "slot.endDate"))
        return start, end

    def _too_late(self, fail, start: datetime, flow: dict) -> None:
        if start < self.clock.now() and not flow.get("ignoreBookingWindow"):
            raise fail("BOOKING_POLICY_VIOLATION", f"the slot starts at {rfc3339(start)}, before now "
                       f"({rfc3339(self.clock.now())}): too late to book", 403)

    def _place_appointment(self, op, fail, service, slot, participants, flow, exclude, extra, where, tz, tz_name):
        start, end = self._times(fail, slot, tz, where)
        self._too_late(fail, start, flow)
        wanted = (slot.get("resource") or {}).get("id")
        staff = self.staff_of(service)
        by_rid = {(s.get("resourceId") or s["id"]): s for s in staff}
        by_rid.update({s["id"]: s for s in staff})
        if flow.get("skipAvailabilityValidation"):
            if not wanted:
                raise fail("CAN_NOT_SKIP_AVAILABILITY_VALIDATION_IF_RESOURCE_NOT_PROVIDED",
                           "skipAvailabilityValidation needs bookedEntity.slot.resource.id", 428)
            member = by_rid.get(wanted) or self.store.staff.get(wanted)
            rid = (member or {}).get("resourceId") or wanted
            busy = self.occ.resource_busy(rid, start, end, exclude, extra)
            return Placement("appointment", service, start, end, tz_name, member, participants=participants,
                             double_booked=busy, hold=[("res", rid, start, end)])
        if wanted and wanted not in by_rid:
            raise fail("SLOT_NOT_AVAILABLE", f"resource {wanted} does not provide service {service['id']}", 428,
                       resourceId=wanted)
        minutes = (end - start) / timedelta(minutes=1)
        length = int(minutes) if minutes in self.range_lengths(service) else None  # a length the customer chose
        offered = [c for c in self.candidates(service, start, start + timedelta(seconds=1), length)
                   if c.start == start and c.end == end]
        if wanted:
            offered = [c for c in offered if c.resource_id == by_rid[wanted].get("resourceId", wanted)
                       or c.staff["id"] == wanted]
        if not offered:
            raise fail("SLOT_NOT_AVAILABLE", f"service {service['id']} has no slot {rfc3339(start)} – {rfc3339(end)}"
                       + (f" with resource {wanted}" if wanted else ""), 428)
        for c in offered:
            if not self.occ.resource_busy(c.resource_id, start, end, exclude, extra):
                return Placement("appointment", service, start, end, tz_name, c.staff, participants=participants,
                                 hold=[("res", c.resource_id, start, end)])
        raise fail("SLOT_NOT_AVAILABLE", f"the slot {rfc3339(start)} – {rfc3339(end)} of service {service['id']} is "
                   "fully booked", 428, serviceId=service["id"], startDate=rfc3339(start))

    def _place_class(self, op, fail, service, slot, participants, flow, exclude, extra, where, tz):
        session = None
        if slot.get("eventId"):
            session = self.session(slot["eventId"])
            if session is None or session.service is not service:
                raise fail("SESSION_NOT_FOUND", f"no session {slot['eventId']} of service {service['id']}", 428,
                           eventId=slot["eventId"])
        else:
            start, _end = self._times(fail, slot, tz, where)
            for s in self.sessions(service, start, start + timedelta(minutes=1)):
                if s.start == start:
                    session = s
            if session is None:
                raise fail("SESSION_NOT_FOUND", f"service {service['id']} has no session at {rfc3339(start)}", 428)
        self._too_late(fail, session.start, flow)
        load = self.occ.event_load(session.event_id, exclude, extra)
        hold = [("event", session.event_id, participants)]
        if load + participants > session.capacity and not flow.get("skipAvailabilityValidation"):
            raise fail("SESSION_CAPACITY_EXCEEDED", f"session {session.event_id} has {session.capacity - load} of "
                       f"{session.capacity} places left; the booking needs {participants}", 428,
                       eventId=session.event_id, remainingCapacity=max(0, session.capacity - load))
        return Placement("class", service, session.start, session.end, session.tz, session.staff, session.event_id,
                         session.schedule_id, participants, double_booked=load + participants > session.capacity,
                         hold=hold)

    def _place_course(self, op, fail, service, entity, participants, flow, exclude, extra, where):
        sched_id = (entity.get("schedule") or {}).get("scheduleId") or (service.get("schedule") or {}).get("id")
        if sched_id != (service.get("schedule") or {}).get("id"):
            raise fail("SCHEDULE_NOT_FOUND", f"service {service['id']} has no schedule {sched_id}", 428,
                       scheduleId=sched_id)
        cap = self.capacity(service)
        load = self.occ.schedule_load(sched_id, exclude, extra)
        if load + participants > cap and not flow.get("skipAvailabilityValidation"):
            raise fail("SCHEDULE_CAPACITY_EXCEEDED", f"schedule {sched_id} has {cap - load} of {cap} places left; "
                       f"the booking needs {participants}", 428, scheduleId=sched_id,
                       remainingCapacity=max(0, cap - load))
        return Placement("course", service, schedule_id=sched_id, participants=participants,
                         timezone=self.business_tz(), hold=[("sched", sched_id, participants)])

    # ------------------------------------------------------------------ rendering
    @staticmethod
    def local(dt: datetime, tz: tzinfo) -> str:
        return local_text(dt.astimezone(tz))


def booked_location(slot_location: dict | None) -> dict | None:
    """A Time Slots location as Create Booking's Location (``locationType`` mapped, see
    :data:`BOOKING_LOCATION_TYPE`)."""
    if not slot_location:
        return None
    out = {k: v for k, v in slot_location.items() if k in ("id", "name", "formattedAddress")}
    t = slot_location.get("locationType")
    if t:
        out["locationType"] = BOOKING_LOCATION_TYPE.get(t, t)
    return out


def staff_resource(staff: dict | None, store=None) -> dict | None:
    """A staff member as a booking's ``slot.resource``."""
    if not staff:
        return None
    out: dict[str, Any] = {"id": staff.get("resourceId") or staff["id"], "name": staff.get("name") or ""}
    if staff.get("email"):
        out["email"] = staff["email"]
    sched = ((staff.get("resource") or {}).get("workingHoursSchedules") or [{}])[0].get("id")
    if sched:
        out["scheduleId"] = sched
    return out
