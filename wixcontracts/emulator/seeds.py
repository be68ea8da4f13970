"""Seeds: the state an emulator starts from.  ``business`` (shipped, ``seeds/business.json``) is a small
studio with staff, working hours, appointment services, classes and a course; ``empty`` has nothing.

A seed is a JSON object; every key is optional:

    business            {"name", "timeZone": IANA, "locations": [{"id", "name", "formattedAddress"}],
                         "workingHours": {"MON": [["09:00", "17:00"], ...], ...}}     (the default hours)
    schedules           [{"id", "timeZone"?, "workingHours": {...}}                    (a staff member's hours)
                         | {"id", "timeZone"?, "sessions": [{"weekday": "TUE", "start": "18:00", "end": "19:00",
                                                             "staffMemberId"?, "capacity"?}]}]  (a class)
    staffMembers        [StaffMember]  (REST shape; ``resource.workingHoursSchedules[].id`` names a schedule,
                                        ``resource.usesDefaultWorkingHours`` takes the business's hours)
    resources           [Resource]
    services            [Service]      (``schedule.id`` of a CLASS names its sessions' schedule)
    bookings            [Booking] or {id: Booking}
    multiServiceBookings {id: [bookingId, ...]} or [{"id", "bookings": [{"bookingId"} | id]}]
    clock               an RFC 3339 instant: freeze the emulator's clock there
    scenarios           ["eventual-consistency", "form-submission-revision:...", ...]

Services, staff members and resources are checked against the contract's response schemas (strict: an
unknown field is an error), so a typo in a seed file is reported with its place."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from .errors import ValidationFailure
from .shapes import clone

SEEDS_DIR = Path(__file__).with_name("seeds")
KEYS = ("about", "business", "schedules", "staffMembers", "resources", "services", "bookings",
        "multiServiceBookings", "clock", "scenarios")
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


class SeedError(ValueError):
    """A seed that cannot be used; the message names the seed and the place."""


def names() -> list[str]:
    return sorted(p.stem for p in SEEDS_DIR.glob("*.json"))


def load(seed: str | Path | dict) -> dict:
    """A seed by name (``business``), by path, or as given (a dict)."""
    if isinstance(seed, dict):
        return seed
    text = str(seed)
    path = SEEDS_DIR / f"{text}.json" if text in names() else Path(text)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(f"seed {text!r}: no such file, and not a shipped seed ({', '.join(names())})") from None
    except (OSError, ValueError) as e:
        raise SeedError(f"seed {path}: {e}") from None
    if not isinstance(data, dict):
        raise SeedError(f"seed {path}: expected a JSON object, got {type(data).__name__}")
    return data


def _items(value: Any, where: str) -> list[dict]:
    items = list(value.values()) if isinstance(value, dict) else value
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise SeedError(f"seed.{where}: expected a list of objects")
    return items


def _hours(weekly: Any, where: str) -> None:
    if not isinstance(weekly, dict):
        raise SeedError(f"seed.{where}: expected {{\"MON\": [[\"09:00\", \"17:00\"]], ...}}")
    for day, ivs in weekly.items():
        if day not in WEEKDAYS:
            raise SeedError(f"seed.{where}.{day}: not a weekday ({', '.join(WEEKDAYS)})")
        for i, iv in enumerate(ivs if isinstance(ivs, list) else [None]):
            if not (isinstance(iv, list) and len(iv) == 2 and all(_hhmm(t) for t in iv) and iv[0] < iv[1]):
                raise SeedError(f"seed.{where}.{day}[{i}]: expected [\"hh:mm\", \"hh:mm\"] with start < end")


def _hhmm(t: Any) -> bool:
    return isinstance(t, str) and len(t) == 5 and t[2] == ":" and t[:2].isdigit() and t[3:].isdigit() \
        and int(t[:2]) < 24 and int(t[3:]) < 60


def _check(emu, op: str, key: str, entity: dict, where: str) -> None:
    res = emu.contracts.validate_response(op, {key: entity}, 200, strict=True)
    if res.errors:
        f = res.errors[0]
        ptr = f.pointer[len(key) + 1:] if f.pointer.startswith(f"/{key}") else f.pointer
        raise SeedError(f"seed.{where}{ptr.replace('/', '.')}: {f.message}")


def _stamp(emu, e: dict) -> None:
    ts = emu.now_text()
    e.setdefault("id", str(uuid.uuid4()))
    e["revision"] = str(e.get("revision", 1))
    e.setdefault("createdDate", ts)
    e.setdefault("updatedDate", e["createdDate"])


def apply(emu, seed: dict) -> None:
    """Add ``seed`` to the emulator's state (no events are recorded for seeded entities)."""
    from .handlers import services as svc
    from .handlers import staff_members as stf

    if not isinstance(seed, dict):
        raise SeedError("seed: expected a JSON object")
    unknown = [k for k in seed if k not in KEYS]
    if unknown:
        raise SeedError(f"seed: unknown key {unknown[0]!r}; a seed has {', '.join(KEYS)}")
    store = emu.store
    if seed.get("clock"):
        try:
            emu.clock.set(seed["clock"])
        except ValueError as e:
            raise SeedError(f"seed.clock: {e}") from None
    for spec in seed.get("scenarios") or []:
        try:
            emu.enable_scenario(spec)
        except ValueError as e:
            raise SeedError(f"seed.scenarios: {e}") from None
    if "business" in seed:
        biz = seed["business"]
        if not isinstance(biz, dict):
            raise SeedError("seed.business: expected an object")
        if "workingHours" in biz:
            _hours(biz["workingHours"], "business.workingHours")
        if biz.get("timeZone"):
            from .clock import zone

            try:
                zone(biz["timeZone"])
            except ValueError as e:
                raise SeedError(f"seed.business.timeZone: {e}") from None
        store.business.update(clone(biz))
    for i, s in enumerate(_items(seed.get("schedules") or [], "schedules")):
        if not s.get("id"):
            raise SeedError(f"seed.schedules[{i}].id is required")
        if "workingHours" in s:
            _hours(s["workingHours"], f"schedules[{i}].workingHours")
        for j, rule in enumerate(s.get("sessions") or []):
            if rule.get("weekday") not in WEEKDAYS or not _hhmm(rule.get("start")) or not _hhmm(rule.get("end")):
                raise SeedError(f"seed.schedules[{i}].sessions[{j}]: expected {{\"weekday\": \"TUE\", \"start\": "
                                f"\"18:00\", \"end\": \"19:00\"}}")
        store.schedules[s["id"]] = clone(s)
    for i, r in enumerate(_items(seed.get("resources") or [], "resources")):
        r = clone(r)
        _stamp(emu, r)
        _check(emu, "resources.getResource", "resource", r, f"resources[{i}]")
        store.resources[r["id"]] = r
    for i, m in enumerate(_items(seed.get("staffMembers") or [], "staffMembers")):
        m = clone(m)
        _stamp(emu, m)
        stf.prepare(emu, m, m.get("resource"))
        _check(emu, "staff-members.getStaffMember", "staffMember", m, f"staffMembers[{i}]")
        store.staff[m["id"]] = m
    for i, s in enumerate(_items(seed.get("services") or [], "services")):
        s = clone(s)
        _stamp(emu, s)
        try:
            svc.prepare(emu, s)
        except ValidationFailure as e:
            v = e.violations[0]
            raise SeedError(f"seed.services[{i}]{v['field'][len('service'):]}: {v['description']}") from None
        _check(emu, "services.getService", "service", s, f"services[{i}]")
        store.services[s["id"]] = s
    for b in _items(seed.get("bookings") or [], "bookings"):
        b = clone(b)
        _stamp(emu, b)
        b.setdefault("status", "CREATED")
        store.bookings[b["id"]] = b
        emu.occ.update(b)
    msbs = seed.get("multiServiceBookings") or {}
    if isinstance(msbs, list):
        msbs = {m["id"]: m.get("bookings", []) for m in msbs}
    if not isinstance(msbs, dict):
        raise SeedError("seed.multiServiceBookings: expected {id: [bookingId, ...]} or a list of {id, bookings}")
    for mid, ids in msbs.items():
        store.msbs[mid] = [i["bookingId"] if isinstance(i, dict) else i for i in ids]
    emu.avail.invalidate()
    if store.lag:
        store.set_lag(store.lag)  # the seeded entities are visible to queries at once
