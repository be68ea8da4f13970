"""Booking rules shared by the booking handlers: lookups, revisions, status transitions, creating a booking
against availability, moving it to a new slot.  Every write bumps ``revision``, sets ``updatedDate``,
re-indexes the booking's occupancy and records a domain event."""

from __future__ import annotations

import marshal
import re
from typing import Any

from . import events as ev
from .clock import parse_instant, rfc3339
from .errors import RULES, dotted, invalid, required
from .policy import FROM_STATUSES
from .shapes import clone, new_id, strip
from .slots import ACTIVE, Placement, booked_location, participants_of, staff_resource

_INT64 = re.compile(r"-?[0-9]{1,19}")


def as_int(rev: Any) -> int | None:
    if isinstance(rev, bool):
        return None
    if isinstance(rev, int):
        return rev
    if isinstance(rev, str) and _INT64.fullmatch(rev):
        return int(rev)
    return None


def failer(emu, op: str):
    """``fail(code, description, http, field=None, **data)`` for ``op`` (used by the availability checks)."""
    return lambda code, description, http, field=None, **data: emu.fail(op, code, description, http, field, **data)


# ---------------------------------------------------------------------- lookups and checks

def booking(emu, op: str, bid: str, field: str = "bookingId") -> dict:
    b = emu.store.bookings.get(bid)
    if b is None:
        raise emu.fail(op, "BOOKING_NOT_FOUND", f"booking {bid} not found", 404, field, bookingId=bid)
    return b


def need_revision(rev: Any, field: str = "revision") -> None:
    if rev is None:
        raise required(field)


def check_revision(emu, op: str, b: dict, rev: Any, field: str = "revision") -> None:
    need_revision(rev, field)
    if as_int(rev) != int(b["revision"]):
        raise emu.fail(op, "BOOKING_REVISION_MISMATCH", f"booking {b['id']} is at revision {b['revision']}, request "
                       f"has {rev}", 428, field, bookingId=b["id"], currentRevision=b["revision"])


def precondition(emu, op: str) -> dict:
    """The catalog's first precondition; for operations it documents none, policy ``FROM_STATUSES``."""
    pre = emu.catalog.operations[op].get("preconditions") or []
    if pre:
        return pre[0]
    if op in FROM_STATUSES:
        allowed, to = FROM_STATUSES[op]
        return {"from_statuses": list(allowed), "to_status": to}
    return {"from_statuses": [], "to_status": None}


def status_ok(pre: dict, status: str | None) -> bool:
    allowed = pre.get("from_statuses") or []
    return status != pre.get("to_status") and (not allowed or status in allowed)


def check_status(emu, op: str, pre: dict, b: dict) -> None:
    if not status_ok(pre, b.get("status")):
        raise emu.fail(op, "INVALID_BOOKING_STATUS", f"booking {b['id']} is {b.get('status')}; it cannot become "
                       f"{pre.get('to_status')}", 428, bookingId=b["id"], status=b.get("status"))


def msb_of(emu, bid: str) -> str | None:
    for mid, ids in emu.store.msbs.items():
        if bid in ids:
            return mid
    return None


def not_in_msb(emu, op: str, b: dict) -> None:
    """Single-booking writes the typings forbid on a booking of a multi-service booking: one whose
    ``multiServiceBookingInfo`` names one (policy ``msb.single_writes``)."""
    mid = (b.get("multiServiceBookingInfo") or {}).get("id")
    if mid and mid in emu.store.msbs:
        raise emu.fail(op, "NOT_ALLOWED_TO_UPDATE_BOOKING_IN_MULTI_SERVICE_BOOKING",
                       f"booking {b['id']} belongs to multi-service booking {mid}: use the multi-service operation",
                       428, bookingId=b["id"], multiServiceBookingId=mid)


# ---------------------------------------------------------------------- writes

def touch(emu, b: dict) -> None:
    b["revision"] = str(int(b["revision"]) + 1)
    b["updatedDate"] = emu.now_text()


def saved(emu, op: str, b: dict, event_type: str | None) -> dict:
    """After a write: index, record the event, return a copy for the response."""
    emu.changed("bookings", b)
    if not event_type:
        return clone(b)
    frozen = marshal.dumps(b)
    emu.emit_frozen(event_type, b["id"], frozen, op)
    return marshal.loads(frozen)


def set_status(emu, op: str, b: dict, to_status: str, info: dict | None = None, body: dict | None = None) -> dict:
    """Move ``b`` to ``to_status`` (policy ``sdk_ops.single.fields``: paymentStatus / doubleBooked stored)."""
    b["status"] = to_status
    if to_status == "CANCELED":
        b["canceledDate"] = emu.now_text()
    for src in (info or {}, body or {}):
        if src.get("paymentStatus") is not None:
            b["paymentStatus"] = src["paymentStatus"]
    if body and body.get("doubleBooked") is not None:
        b["doubleBooked"] = body["doubleBooked"]
    touch(emu, b)
    return saved(emu, op, b, ev.STATUS_EVENTS.get(to_status, ev.BOOKING_UPDATED))


def transition(emu, op: str, bid: str, body: dict, *, revision_required: bool = True) -> dict:
    """confirm / decline / mark-as-pending / cancel of one booking: 404 -> revision -> status -> write."""
    pre = precondition(emu, op)
    if revision_required:
        need_revision(body.get("revision"))
    b = booking(emu, op, bid)
    if revision_required:
        check_revision(emu, op, b, body.get("revision"))
    check_status(emu, op, pre, b)
    return set_status(emu, op, b, pre["to_status"], body=body)


# ---------------------------------------------------------------------- creating and moving bookings

def apply_placement(emu, b: dict, p: Placement) -> None:
    """Write what the availability check resolved into the booking (policy ``create.derived_fields``)."""
    if p.kind == "unchecked":
        return
    entity = b.setdefault("bookedEntity", {})
    service = p.service
    kind = p.kind
    entity["title"] = service.get("name") or ""
    entity["tags"] = [{"appointment": "INDIVIDUAL", "class": "GROUP", "course": "COURSE"}[kind]]
    if kind == "course":
        sched = entity.setdefault("schedule", {})
        sched.update({"scheduleId": p.schedule_id, "serviceId": service["id"], "timezone": p.timezone})
        entity.pop("slot", None)
        return
    slot = entity.setdefault("slot", {})
    slot["serviceId"] = service["id"]
    slot["scheduleId"] = (service.get("schedule") or {}).get("id") or slot.get("scheduleId")
    slot["startDate"], slot["endDate"] = rfc3339(p.start), rfc3339(p.end)
    slot["timezone"] = p.timezone
    if kind == "class":
        slot["eventId"] = p.event_id
    res = staff_resource(p.staff)
    if res:
        slot["resource"] = res
    loc = booked_location(emu.avail.location_of(service))
    sent = slot.get("location") or {}
    slot["location"] = {**(loc or {}), **sent} if sent.get("locationType") else {**(loc or {}), **{
        k: v for k, v in sent.items() if k != "locationType"}}
    b["startDate"], b["endDate"] = slot["startDate"], slot["endDate"]
    b["doubleBooked"] = bool(p.double_booked)


def new_booking(emu, op: str, sent: dict, flow: dict | None, plan, *, where: str = "booking",
                extra: list | None = None) -> tuple[dict, Placement]:
    """A booking as createBooking stores it (policy ``create.*``): read-only fields dropped, availability
    checked (capacity taken), server fields set."""
    sent = sent or {}
    if sent.get("multiServiceBookingInfo") and op == "bookings.createBooking":
        raise emu.fail(op, "CAN_NOT_CREATE_BOOKING_WITH_MULTI_SERVICE_BOOKING_INFO",
                       "createBooking cannot set multiServiceBookingInfo: use createMultiServiceBooking", 428)
    b = strip(emu.own(sent), plan)
    flow = flow or {}
    p = emu.avail.place(op, failer(emu, op), b.get("bookedEntity") or {}, participants_of(b), flow=flow,
                        extra=extra or (), where=f"{where}.bookedEntity")
    ts = emu.now_text()
    b.update({"id": new_id(), "revision": "1", "createdDate": ts, "updatedDate": ts,
              "status": "CONFIRMED" if flow.get("skipBusinessConfirmation") else "CREATED",
              "paymentStatus": "UNDEFINED"})
    apply_placement(emu, b, p)
    return b, p


def form_submission(emu, op: str, b: dict, body: dict) -> dict:
    """The booking a create call returns; with ``formSubmission``: the submission's id is stored, and under the
    scenario ``form-submission-revision`` it is linked by a second write after the create (returned booking one
    revision behind)."""
    if not body.get("formSubmission"):
        return saved(emu, op, b, ev.BOOKING_CREATED)
    submission = new_id()
    if "form-submission-revision" not in emu.scenarios:
        b["formSubmissionId"] = submission
        return saved(emu, op, b, ev.BOOKING_CREATED)
    out = saved(emu, op, b, ev.BOOKING_CREATED)
    b["formSubmissionId"] = submission
    touch(emu, b)
    saved(emu, op, b, ev.BOOKING_UPDATED)
    return out


def reschedule(emu, op: str, b: dict, slot: dict, flow: dict | None, *, participants: int | None = None,
               extra: list | None = None, where: str = "", exclude: tuple = ()) -> Placement:
    """Check the new slot (the booking's own hold excluded) and move ``b`` there -- ``b`` is the caller's
    working copy, committed by the caller; no revision bump here.  ``where``: the request field holding
    ``slot`` ("" for rescheduleBooking)."""
    if b.get("status") not in ACTIVE:
        raise emu.fail(op, "INVALID_BOOKING_STATUS", f"booking {b['id']} is {b.get('status')}: only CREATED, PENDING "
                       "or CONFIRMED bookings can be rescheduled", 428, bookingId=b["id"])
    entity = clone(b.get("bookedEntity") or {})
    new_slot = {**(entity.get("slot") or {}), **{k: clone(v) for k, v in slot.items() if k != "location"}}
    for k in ("startDate", "endDate", "eventId"):
        if k not in slot:
            new_slot.pop(k, None)
    if slot.get("location"):
        new_slot["location"] = clone(slot["location"])
    if "resource" not in slot:
        new_slot.pop("resource", None)
    entity["slot"] = new_slot
    n = participants if participants is not None else participants_of(b)
    if not new_slot.get("eventId") and not (new_slot.get("startDate") and new_slot.get("endDate")):
        if emu.avail.service_of(entity) is not None:
            raise invalid(f"{where}.slot.startDate" if where else "slot.startDate",
                          "a slot needs startDate and endDate (or an eventId)", "REQUIRED_FIELD", "required")
    p = emu.avail.place(op, failer(emu, op), entity, n, flow=flow or {}, exclude=(b["id"], *exclude),
                        extra=extra or (), where=where)
    b["bookedEntity"] = entity
    if p.kind == "unchecked":  # the booking's own dates only when the slot's are dates
        for k in ("startDate", "endDate"):
            at = parse_instant(new_slot.get(k) or "")
            if at is not None:
                b[k] = rfc3339(at)
            else:
                b.pop(k, None)
    apply_placement(emu, b, p)
    guard(emu, op, b, f"{where}." if where else "")
    return p


def guard(emu, op: str, b: dict, where: str) -> None:
    """The booking ``b`` as it would be stored must be a Booking of the contract: a request whose (looser) types
    let through a value the booking cannot hold -- a reschedule slot's ``resource.scheduleId`` that is no GUID,
    a fractional participant count -- is refused with 400 naming the request field (policy
    ``reschedule.representable``)."""
    compiled = emu.contracts.compiled("bookings.createBooking", "response", "rest")
    if compiled.rs.is_valid({"booking": b}):
        return
    res = emu.contracts.validate_response("bookings.createBooking", {"booking": b}, 200)
    bad = [f for f in res.errors]
    if not bad:
        return
    f = bad[0]
    ptr = f.pointer.removeprefix("/booking")
    ptr = ptr.removeprefix("/bookedEntity") if ptr.startswith("/bookedEntity/slot") else ptr
    raise invalid(where + dotted(ptr, b.get("bookedEntity") if ptr.startswith("/slot") else b).lstrip("."),
                  f"the booking cannot hold this value: {f.message}", RULES.get(f.rule, "OTHER"), f.rule)
