"""Multi-service bookings: create (consecutive slots), get, confirm, decline, cancel, mark as pending,
reschedule, add / remove bookings, availability, allowed actions.  Every write is all or nothing: all checks
first, then every change."""

from __future__ import annotations

import uuid

from .. import events as ev
from .. import lifecycle as lc
from ..errors import ValidationFailure, WixError, required, violation
from ..shapes import clone
from ..slots import ACTIVE, participants_of
from .bookings import allowed_actions, bulk_result, participants, set_participants
from .registry import handler

B = "bookings."


def _mid(params: dict, msg: dict) -> str:
    return msg.get("multiServiceBookingId") or params.get("multiServiceBookingId")


def require_msb(emu, op: str, mid: str) -> list[str]:
    if mid not in emu.store.msbs:
        raise emu.fail(op, "MULTI_SERVICE_BOOKING_NOT_FOUND", f"multi-service booking {mid} not found", 404,
                       multiServiceBookingId=mid)
    return emu.store.msbs[mid]


def members(emu, op: str, mid: str) -> list[dict]:
    for bid in require_msb(emu, op, mid):
        if bid not in emu.store.bookings:
            raise emu.fail(op, "BOOKING_NOT_FOUND", f"booking {bid} of multi-service booking {mid} not found", 404,
                           bookingId=bid)
    return [emu.store.bookings[b] for b in emu.store.msbs[mid]]


def msb_out(emu, mid: str, full: bool) -> dict:
    out = []
    for bid in emu.store.msbs[mid]:
        entry: dict = {"bookingId": bid}
        if full and bid in emu.store.bookings:
            entry["booking"] = clone(emu.store.bookings[bid])
        out.append(entry)
    return {"multiServiceBooking": {"id": mid, "bookings": out}}


def check_statuses(emu, op: str, pre: dict, bs: list[dict]) -> None:
    bad = [b["id"] for b in bs if not lc.status_ok(pre, b.get("status"))]
    if bad:
        raise emu.fail(op, "INVALID_BOOKING_STATUS", f"bookings {', '.join(bad)} cannot become {pre.get('to_status')}",
                       428, bookingIds=bad)


def infos(emu, op: str, mid: str, key: str, entries: list[dict], *, all_required: bool, codes: bool) -> dict:
    """Check a list of ``{bookingId, revision, ...}`` against the multi-service booking ``mid``: each entry has
    both (``codes``: REVISION_MISSING as an application error, else validationErrors), none twice, every id a
    member, every member listed when ``all_required``, every revision current.  Returns id -> entry."""
    ids = emu.store.msbs[mid]
    seen: dict[str, dict] = {}
    for i, info in enumerate(entries):
        if info.get("bookingId") is None:
            raise required(f"{key}[{i}].bookingId")
        if info.get("revision") is None:
            if codes:
                raise emu.fail(op, "REVISION_MISSING", f"{key}[{i}] has no revision", 400, f"{key}[{i}].revision",
                               bookingId=info["bookingId"])
            raise required(f"{key}[{i}].revision")
        if info["bookingId"] in seen:
            if codes:
                raise emu.fail(op, "DUPLICATE_BOOKING_INFO", f"booking {info['bookingId']} is listed twice", 400,
                               f"{key}[{i}].bookingId", bookingId=info["bookingId"])
            raise ValidationFailure([violation(f"{key}[{i}].bookingId", f"booking {info['bookingId']} is listed twice",
                                               "OTHER", "unique")])
        seen[info["bookingId"]] = info
    for bid in seen:
        if bid not in ids or bid not in emu.store.bookings:
            raise emu.fail(op, "BOOKING_NOT_FOUND", f"booking {bid} not found in multi-service booking {mid}", 404,
                           bookingId=bid)
    if all_required:
        missing = [b for b in ids if b not in seen]
        if missing:
            raise emu.fail(op, "NOT_ALL_BOOKINGS_WERE_SENT", f"{key} must list every booking of the multi-service "
                           "booking", 400, key, missingBookingIds=missing)
    for bid, info in seen.items():
        lc.check_revision(emu, op, emu.store.bookings[bid], info["revision"], None)
    return seen


def _consecutive(emu, op: str, placements: list, kind: str | None, key: str) -> None:
    """SEQUENTIAL_BOOKINGS (and an untyped multi-service booking): each booking starts when the previous one
    ends (policy ``msb.consecutive``)."""
    if kind not in (None, "SEQUENTIAL_BOOKINGS"):
        return
    for i in range(1, len(placements)):
        a, b = placements[i - 1], placements[i]
        if a.end is not None and b.start is not None and a.end != b.start:
            raise emu.fail(op, "VALIDATION_FAILURE", f"{key}[{i}] starts at {b.start.isoformat()}, not when {key}"
                           f"[{i - 1}] ends ({a.end.isoformat()}): the bookings of a sequential multi-service booking "
                           "are consecutive", 428, f"{key}[{i}]", index=i)


# ---------------------------------------------------------------------- create / get

@handler(B + "createMultiServiceBooking")
def create_msb(emu, params: dict, msg: dict) -> dict:
    op = B + "createMultiServiceBooking"
    plan = emu._shared.strip_plan(op, "bookings", "[]")
    mid = str(uuid.uuid4())
    info = {"id": mid}
    if msg.get("multiServiceBookingType") is not None:
        info["type"] = msg["multiServiceBookingType"]
    built, placements, holds = [], [], []
    for i, sent in enumerate(msg.get("bookings") or []):
        b, p = lc.new_booking(emu, op, sent, msg.get("flowControlSettings"), plan, where=f"bookings[{i}]",
                              extra=holds)
        holds.extend(p.hold)
        b["multiServiceBookingInfo"] = dict(info)
        built.append(b)
        placements.append(p)
    _consecutive(emu, op, placements, msg.get("multiServiceBookingType"), "bookings")
    for b in built:
        emu.store.bookings[b["id"]] = b
    emu.store.msbs[mid] = [b["id"] for b in built]
    for b in built:
        lc.form_submission(emu, op, b, msg)
    return msb_out(emu, mid, bool(msg.get("returnFullEntity")))


@handler(B + "getMultiServiceBooking")
def get_msb(emu, params: dict, msg: dict) -> dict:
    mid = _mid(params, msg)
    require_msb(emu, B + "getMultiServiceBooking", mid)
    return msb_out(emu, mid, True)


# ---------------------------------------------------------------------- status changes

@handler(B + "declineMultiServiceBooking")
def decline_msb(emu, params: dict, msg: dict) -> dict:
    op = B + "declineMultiServiceBooking"
    mid = _mid(params, msg)
    pre = lc.precondition(emu, op)
    entries = msg.get("declineBookingsInfo") or []
    member_ids = require_msb(emu, op, mid)
    seen: list[str] = []
    for i, info in enumerate(entries):
        if "bookingId" not in info:
            raise required(f"declineBookingsInfo[{i}].bookingId")
        if info.get("revision") is None:
            raise emu.fail(op, "REVISION_MISSING", f"declineBookingsInfo[{i}] has no revision", 400,
                           bookingId=info["bookingId"])
        if info["bookingId"] in seen:
            raise emu.fail(op, "DUPLICATE_BOOKING_INFO", f"booking {info['bookingId']} is listed twice", 400,
                           bookingId=info["bookingId"])
        seen.append(info["bookingId"])
    for bid in seen:
        if bid not in member_ids or bid not in emu.store.bookings:
            raise emu.fail(op, "BOOKING_NOT_FOUND", f"booking {bid} not found in multi-service booking {mid}", 404,
                           bookingId=bid)
    missing = [b for b in member_ids if b not in seen]
    if missing:
        raise emu.fail(op, "NOT_ALL_BOOKINGS_WERE_SENT", "declineBookingsInfo must list every booking of the "
                       "multi-service booking", 400, missingBookingIds=missing)
    for info in entries:
        b = emu.store.bookings[info["bookingId"]]
        if lc.as_int(info["revision"]) != int(b["revision"]):
            raise emu.fail(op, "BOOKING_REVISION_MISMATCH", f"booking {b['id']} is at revision {b['revision']}, "
                           f"request has {info['revision']}", 428, bookingId=b["id"], currentRevision=b["revision"])
    to_status = pre.get("to_status") or "DECLINED"
    bs = [emu.store.bookings[b] for b in member_ids]
    if bs and all(b.get("status") == to_status for b in bs):
        raise emu.fail(op, "ALL_BOOKINGS_ARE_ALREADY_DECLINED", "all bookings are already declined", 428)
    allowed = pre.get("from_statuses") or []
    bad = [b["id"] for b in bs if allowed and b.get("status") not in allowed]
    if bad:
        raise emu.fail(op, "INVALID_BOOKING_STATUS", f"bookings must be in {', '.join(allowed)} to be declined", 428,
                       bookingIds=bad)
    by_id = {i["bookingId"]: i for i in entries}
    for b in bs:
        lc.set_status(emu, op, b, to_status, info=by_id[b["id"]], body=msg)
    return msb_out(emu, mid, bool(msg.get("returnFullEntity")))


def _confirm_like(emu, op: str, params: dict, msg: dict, key: str) -> dict:
    """confirmMultiServiceBooking / markMultiServiceBookingAsPending (policy ``confirm_msb.*``)."""
    mid = _mid(params, msg)
    pre = lc.precondition(emu, op)
    bs = members(emu, op, mid)
    seen = infos(emu, op, mid, key, msg.get(key) or [], all_required=False, codes=False)
    check_statuses(emu, op, pre, bs)
    for b in bs:
        lc.set_status(emu, op, b, pre["to_status"], info=seen.get(b["id"]), body=msg)
    return msb_out(emu, mid, bool(msg.get("returnFullEntity")))


@handler(B + "confirmMultiServiceBooking")
def confirm_msb(emu, params: dict, msg: dict) -> dict:
    return _confirm_like(emu, B + "confirmMultiServiceBooking", params, msg, "confirmBookingsInfo")


@handler(B + "markMultiServiceBookingAsPending")
def mark_msb_as_pending(emu, params: dict, msg: dict) -> dict:
    return _confirm_like(emu, B + "markMultiServiceBookingAsPending", params, msg, "markAsPendingBookingsInfo")


@handler(B + "cancelMultiServiceBooking")
def cancel_msb(emu, params: dict, msg: dict) -> dict:
    op = B + "cancelMultiServiceBooking"
    mid = _mid(params, msg)
    pre = lc.precondition(emu, op)
    bs = members(emu, op, mid)
    if bs and all(b.get("status") == "CANCELED" for b in bs):
        raise emu.fail(op, "ALL_BOOKINGS_ARE_ALREADY_CANCELED", f"every booking of {mid} is already canceled", 428)
    check_statuses(emu, op, pre, bs)
    for b in bs:
        lc.set_status(emu, op, b, pre["to_status"])
    return msb_out(emu, mid, bool(msg.get("returnFullEntity")))


# ---------------------------------------------------------------------- reschedule

@handler(B + "rescheduleMultiServiceBooking")
def reschedule_msb(emu, params: dict, msg: dict) -> dict:
    """Every booking moves at once (all listed, current revisions); capacity failures are NO_OPEN_SPOTS; the new
    slots are consecutive for a sequential multi-service booking."""
    op = B + "rescheduleMultiServiceBooking"
    mid = _mid(params, msg)
    key = "rescheduleBookingsInfo"
    bs = members(emu, op, mid)
    entries = msg.get(key) or []
    seen = infos(emu, op, mid, key, entries, all_required=True, codes=True)
    work = {b["id"]: clone(b) for b in bs}
    placed, holds = {}, []
    ids = list(work)
    for i, info in enumerate(entries):
        b = work[info["bookingId"]]
        if info.get("slot") is None:
            raise required(f"{key}[{i}].slot")
        n = participants(info, f"{key}[{i}].")
        try:
            p = lc.reschedule(emu, op, b, info["slot"], msg.get("flowControlSettings"), participants=n, extra=holds,
                              where=f"{key}[{i}]", exclude=tuple(ids))
        except WixError as e:
            if e.code in ("SLOT_NOT_AVAILABLE", "SESSION_CAPACITY_EXCEEDED", "SCHEDULE_CAPACITY_EXCEEDED"):
                raise emu.fail(op, "NO_OPEN_SPOTS", f"{key}[{i}]: {e.description}", 428, bookingId=b["id"]) from None
            raise
        holds.extend(p.hold)  # the members' old holds do not block (they all move): excluded above
        placed[b["id"]] = p
    kind = (bs[0].get("multiServiceBookingInfo") or {}).get("type") if bs else None
    _consecutive(emu, op, [placed[bid] for bid in ids], kind, key)
    for bid, b in work.items():
        info = seen[bid]
        set_participants(b, info)
        lc.touch(emu, b)
        emu.store.bookings[bid] = b
        lc.saved(emu, op, b, ev.BOOKING_RESCHEDULED)
    return msb_out(emu, mid, bool(msg.get("returnFullEntity")))


# ---------------------------------------------------------------------- membership

def _entries(msg: dict) -> list[tuple[int, dict]]:
    """The request's ``bookings`` entries, each with its ``bookingId`` and ``revision`` (both required)."""
    entries = list(enumerate(msg.get("bookings") or []))
    for i, info in entries:
        for k in ("bookingId", "revision"):
            if info.get(k) is None:
                raise required(f"bookings[{i}].{k}")
    return entries


def _save_members(emu, op: str, msg: dict, todo: list[dict], change) -> dict:
    """Apply ``change`` to each booking, save it (a BOOKING_UPDATED event) and answer with the entries."""
    out = []
    for b in todo:
        change(b)
        lc.touch(emu, b)
        entry = {"bookingId": b["id"]}
        saved = lc.saved(emu, op, b, ev.BOOKING_UPDATED)
        if msg.get("returnFullEntity"):
            entry["booking"] = saved
        out.append(entry)
    return {"bookings": out}


@handler(B + "addBookingsToMultiServiceBooking")
def add_bookings(emu, params: dict, msg: dict) -> dict:
    op = B + "addBookingsToMultiServiceBooking"
    mid = _mid(params, msg)
    ids = require_msb(emu, op, mid)
    todo = []
    for i, info in _entries(msg):
        b = lc.booking(emu, op, info["bookingId"], f"bookings[{i}].bookingId")
        if b["id"] in ids:
            raise emu.fail(op, "MULTI_SERVICE_BOOKING_ALREADY_INCLUDES_BOOKING", f"booking {b['id']} is already in "
                           f"{mid}", 428, bookingId=b["id"])
        other = lc.msb_of(emu, b["id"])
        if other:
            raise emu.fail(op, "BOOKING_ALREADY_PART_OF_ANOTHER_MULTI_SERVICE_BOOKING", f"booking {b['id']} belongs "
                           f"to multi-service booking {other}", 428, bookingId=b["id"], multiServiceBookingId=other)
        if b.get("status") not in ACTIVE:
            raise emu.fail(op, "BOOKING_TO_ADD_STATUS_NOT_VALID", f"booking {b['id']} is {b.get('status')}", 428,
                           bookingId=b["id"])
        lc.check_revision(emu, op, b, info["revision"], f"bookings[{i}].revision")
        todo.append(b)
    first = emu.store.bookings.get(ids[0]) if ids else None
    info = dict((first or {}).get("multiServiceBookingInfo") or {"id": mid})

    def join(b: dict) -> None:
        ids.append(b["id"])
        b["multiServiceBookingInfo"] = dict(info)

    return _save_members(emu, op, msg, todo, join)


@handler(B + "removeBookingsFromMultiServiceBooking")
def remove_bookings(emu, params: dict, msg: dict) -> dict:
    op = B + "removeBookingsFromMultiServiceBooking"
    mid = _mid(params, msg)
    ids = require_msb(emu, op, mid)
    todo = []
    for i, info in _entries(msg):
        if info["bookingId"] not in ids:
            raise emu.fail(op, "BOOKING_NOT_FOUND", f"booking {info['bookingId']} is not in {mid}", 404,
                           bookingId=info["bookingId"])
        b = lc.booking(emu, op, info["bookingId"])
        lc.check_revision(emu, op, b, info["revision"], f"bookings[{i}].revision")
        todo.append(b)

    def leave(b: dict) -> None:
        ids.remove(b["id"])
        b.pop("multiServiceBookingInfo", None)

    return _save_members(emu, op, msg, todo, leave)


# ---------------------------------------------------------------------- reads

@handler(B + "getMultiServiceBookingAvailability")
def msb_availability(emu, params: dict, msg: dict) -> dict:
    """Whether every booking of the multi-service booking could be booked again as it is (policy
    ``msb.availability``)."""
    op = B + "getMultiServiceBookingAvailability"
    mid = _mid(params, msg)
    bs = members(emu, op, mid)
    holds, bookable = [], True
    ids = [b["id"] for b in bs]
    for b in bs:
        try:
            p = emu.avail.place(op, lc.failer(emu, op), b.get("bookedEntity") or {}, participants_of(b),
                                exclude=ids, extra=holds)
            holds.extend(p.hold)
        except WixError:
            bookable = False
    return {"bookable": bookable, "totalCapacity": 1, "remainingCapacity": 1 if bookable else 0,
            "multiServiceBookingInfo": [{"bookingId": b["id"]} for b in bs]}


@handler(B + "bulkGetMultiServiceBookingAllowedActions")
def msb_allowed_actions(emu, params: dict, msg: dict) -> dict:
    op = B + "bulkGetMultiServiceBookingAllowedActions"
    results = []
    for i, mid in enumerate(msg.get("multiServiceBookingIds") or []):
        if mid not in emu.store.msbs:
            err = emu.fail(op, "MULTI_SERVICE_BOOKING_NOT_FOUND", f"multi-service booking {mid} not found", 404)
            results.append({"itemMetadata": {"id": mid, "originalIndex": i, "success": False,
                                             "error": {"code": err.code, "description": err.description, "data": {}}}})
            continue
        acts = [allowed_actions(emu, emu.store.bookings[b]) for b in emu.store.msbs[mid] if b in emu.store.bookings]
        merged = {k: bool(acts) and all(a[k] for a in acts) for k in ("cancel", "reschedule")}
        merged["bookAnother"] = True
        results.append({"itemMetadata": {"id": mid, "originalIndex": i, "success": True}, "item": merged})
    return bulk_result(results)
