"""Bookings Writer V2: single bookings (create, confirm, decline, cancel, mark as pending, reschedule,
participants, confirm-or-decline, submission id, extended fields) and the bulk operations."""

from __future__ import annotations

from datetime import datetime

from .. import events as ev
from .. import lifecycle as lc
from ..clock import parse_instant
from ..errors import ValidationFailure, WixError, invalid, required
from ..shapes import clone
from ..slots import ACTIVE, participants_of
from .registry import handler

B = "bookings."


def _bid(params: dict, msg: dict, key: str = "bookingId") -> str:
    return msg.get(key) or params.get(key)


# ---------------------------------------------------------------------- create

@handler(B + "createBooking")
def create_booking(emu, params: dict, msg: dict) -> dict:
    op = B + "createBooking"
    b, _p = lc.new_booking(emu, op, msg.get("booking"), msg.get("flowControlSettings"),
                           emu._shared.strip_plan(op, "booking"))
    emu.store.bookings[b["id"]] = b
    return {"booking": lc.form_submission(emu, op, b, msg)}


def _item_error(e: Exception) -> dict:
    if isinstance(e, WixError):
        return {"code": e.code, "description": e.description, "data": e.data}
    v = e.violations[0] if isinstance(e, ValidationFailure) and e.violations else {}
    return {"code": v.get("ruleName") or "INVALID_ARGUMENT", "description": v.get("description") or str(e),
            "data": {"field": v.get("field", "")}}


def bulk_result(results: list[dict]) -> dict:
    ok = sum(1 for r in results if r["itemMetadata"]["success"])
    return {"results": results, "bulkActionMetadata": {"totalSuccesses": ok, "totalFailures": len(results) - ok,
                                                       "undetailedFailures": 0}}


def item(i: int, booking_id: str | None, entity: dict | None, full: bool, error: Exception | None = None) -> dict:
    meta: dict = {"originalIndex": i, "success": error is None}
    if booking_id:
        meta["id"] = booking_id
    if error is not None:
        meta["error"] = _item_error(error)
    out: dict = {"itemMetadata": meta}
    if entity is not None and full:
        out["item"] = entity
    return out


@handler(B + "bulkCreateBooking")
def bulk_create_booking(emu, params: dict, msg: dict) -> dict:
    """Each item as createBooking, independently (policy ``bulk.per_item``)."""
    op = B + "bulkCreateBooking"
    plan = emu._shared.strip_plan(op, "createBookingsInfo", "[]", "booking")
    results = []
    for i, info in enumerate(msg.get("createBookingsInfo") or []):
        try:
            b, _p = lc.new_booking(emu, op, info.get("booking"), info.get("flowControlSettings"), plan,
                                   where=f"createBookingsInfo[{i}].booking")
        except (WixError, ValidationFailure) as e:
            results.append(item(i, None, None, False, e))
            continue
        emu.store.bookings[b["id"]] = b
        results.append(item(i, b["id"], lc.form_submission(emu, op, b, info), bool(msg.get("returnFullEntity"))))
    return bulk_result(results)


# ---------------------------------------------------------------------- status changes

@handler(B + "confirmBooking")
def confirm_booking(emu, params: dict, msg: dict) -> dict:
    return {"booking": lc.transition(emu, B + "confirmBooking", _bid(params, msg), msg)}


@handler(B + "declineBooking")
def decline_booking(emu, params: dict, msg: dict) -> dict:
    return {"booking": lc.transition(emu, B + "declineBooking", _bid(params, msg), msg)}


@handler(B + "markBookingAsPending")
def mark_booking_as_pending(emu, params: dict, msg: dict) -> dict:
    return {"booking": lc.transition(emu, B + "markBookingAsPending", _bid(params, msg), msg)}


@handler(B + "cancelBooking")
def cancel_booking(emu, params: dict, msg: dict) -> dict:
    op = B + "cancelBooking"
    bid = _bid(params, msg)
    lc.need_revision(msg.get("revision"))
    b = lc.booking(emu, op, bid)
    lc.not_in_msb(emu, op, b)
    lc.check_revision(emu, op, b, msg.get("revision"))
    lc.check_status(emu, op, lc.precondition(emu, op), b)
    return {"booking": lc.set_status(emu, op, b, "CANCELED")}


@handler(B + "confirmOrDeclineBooking")
def confirm_or_decline_booking(emu, params: dict, msg: dict) -> dict:
    """Confirms, or declines a double-booked booking when ``declineDoubleBooking`` (policy
    ``confirm_or_decline.rule``)."""
    op = B + "confirmOrDeclineBooking"
    b = lc.booking(emu, op, _bid(params, msg))
    return {"booking": _confirm_or_decline(emu, op, b, msg)}


def _confirm_or_decline(emu, op: str, b: dict, info: dict) -> dict:
    if b.get("status") not in ("CREATED", "PENDING", "WAITING_LIST"):
        raise emu.fail(op, "INVALID_BOOKING_STATUS", f"booking {b['id']} is {b.get('status')}: only CREATED, PENDING "
                       "or WAITING_LIST bookings are confirmed or declined", 428, bookingId=b["id"])
    to = "DECLINED" if b.get("doubleBooked") and info.get("declineDoubleBooking") else "CONFIRMED"
    return lc.set_status(emu, op, b, to, info=info)


@handler(B + "bulkConfirmOrDeclineBooking")
def bulk_confirm_or_decline_booking(emu, params: dict, msg: dict) -> dict:
    op = B + "bulkConfirmOrDeclineBooking"
    details = msg.get("details") or []
    ids = [d.get("bookingId") for d in details]
    dup = sorted({i for i in ids if i and ids.count(i) > 1})
    if dup:
        raise emu.fail(op, "DUPLICATED_BOOKINGS", f"bookings listed twice: {', '.join(dup)}", 400, "details",
                       bookingIds=dup)
    results = []
    for i, d in enumerate(details):
        if not d.get("bookingId"):
            raise required(f"details[{i}].bookingId")
        try:
            b = lc.booking(emu, op, d["bookingId"])
            results.append(item(i, b["id"], _confirm_or_decline(emu, op, b, d), bool(msg.get("returnEntity"))))
        except WixError as e:
            results.append(item(i, d["bookingId"], None, False, e))
    return bulk_result(results)


@handler(B + "bulkCancelBooking")
def bulk_cancel_booking(emu, params: dict, msg: dict) -> dict:
    op = B + "bulkCancelBooking"
    infos = ((msg.get("bookings") or {}).get("bookingsInfo")) or []
    recurring = msg.get("recurringCancellation")
    if not infos and not recurring:
        raise emu.fail(op, "MISSING_CANCELLATION_INFO", "give bookings.bookingsInfo or recurringCancellation", 400,
                       "bookings")
    if recurring:
        gid = recurring.get("recurringGroupId")
        since = parse_instant(recurring.get("cancellationStartDate") or "") if recurring.get(
            "cancellationStartDate") else None
        group = [b for b in emu.store.bookings.values() if gid and b.get("recurringGroupId") == gid]
        if not group:
            raise emu.fail(op, "RECURRING_GROUP_NOT_FOUND", f"no bookings in recurring group {gid}", 404,
                           "recurringCancellation.recurringGroupId", recurringGroupId=gid)
        infos = [{"bookingId": b["id"], "revision": b["revision"]} for b in group
                 if since is None or (parse_instant(b.get("startDate") or "") or datetime.max.replace(
                     tzinfo=since.tzinfo)) >= since]
    ids = [i.get("bookingId") for i in infos]
    dup = sorted({i for i in ids if i and ids.count(i) > 1})
    if dup:
        raise emu.fail(op, "DUPLICATE_BOOKING_IDS", f"bookings listed twice: {', '.join(dup)}", 400,
                       "bookings.bookingsInfo", bookingIds=dup)
    pre = lc.precondition(emu, B + "cancelBooking")
    results = []
    for i, info in enumerate(infos):
        for key in ("bookingId", "revision"):
            if info.get(key) is None:
                raise required(f"bookings.bookingsInfo[{i}].{key}")
        try:
            b = lc.booking(emu, op, info["bookingId"])
            lc.not_in_msb(emu, op, b)
            lc.check_revision(emu, op, b, info["revision"])
            lc.check_status(emu, op, pre, b)
            results.append(item(i, b["id"], lc.set_status(emu, op, b, "CANCELED"), bool(msg.get("returnFullEntity"))))
        except WixError as e:
            results.append(item(i, info["bookingId"], None, False, e))
    return bulk_result(results)


# ---------------------------------------------------------------------- reschedule, participants

@handler(B + "rescheduleBooking")
def reschedule_booking(emu, params: dict, msg: dict) -> dict:
    op = B + "rescheduleBooking"
    lc.need_revision(msg.get("revision"))
    b = lc.booking(emu, op, _bid(params, msg))
    lc.not_in_msb(emu, op, b)
    lc.check_revision(emu, op, b, msg.get("revision"))
    n = participants(msg)
    work = clone(b)  # all checks on a copy: the stored booking changes only when they all pass
    lc.reschedule(emu, op, work, msg.get("slot") or {}, msg.get("flowControlSettings"), participants=n)
    if n is not None:
        set_participants(work, msg)
    if (msg.get("flowControlSettings") or {}).get("skipBusinessConfirmation") and work.get("status") != "CONFIRMED":
        work["status"] = "CONFIRMED"
    lc.touch(emu, work)
    emu.store.bookings[work["id"]] = work
    return {"booking": lc.saved(emu, op, work, ev.BOOKING_RESCHEDULED)}


def participants(msg: dict, where: str = "") -> int | None:
    """The participant count a request sets (None: it sets none); a count that is no whole number ≥ 1 is
    refused (policy ``participants.rules``)."""
    total, choices = msg.get("totalParticipants"), msg.get("participantsChoices")
    if total is not None:
        if isinstance(total, bool) or not isinstance(total, (int, float)) or total != int(total) or total < 1:
            raise invalid(f"{where}totalParticipants", f"totalParticipants must be a whole number ≥ 1, got {total!r}",
                          "MIN", "participants")
    if choices is not None:
        for i, c in enumerate((choices or {}).get("serviceChoices") or []):
            n = c.get("numberOfParticipants") if isinstance(c, dict) else None
            if n is not None and (isinstance(n, bool) or not isinstance(n, (int, float)) or n != int(n) or n < 1):
                raise invalid(f"{where}participantsChoices.serviceChoices[{i}].numberOfParticipants",
                              f"numberOfParticipants must be a whole number ≥ 1, got {n!r}", "MIN", "participants")
    if total is not None or choices is not None:
        return participants_of(msg)
    return None


def set_participants(b: dict, msg: dict) -> None:
    for k in ("totalParticipants", "participantsChoices"):
        if msg.get(k) is not None:
            b[k] = int(msg[k]) if k == "totalParticipants" else clone(msg[k])
            b.pop("participantsChoices" if k == "totalParticipants" else "totalParticipants", None)


@handler(B + "updateNumberOfParticipants")
def update_number_of_participants(emu, params: dict, msg: dict) -> dict:
    op = B + "updateNumberOfParticipants"
    lc.need_revision(msg.get("revision"))
    b = lc.booking(emu, op, _bid(params, msg))
    lc.check_revision(emu, op, b, msg.get("revision"))
    n = participants(msg)
    if n is None:
        raise invalid("totalParticipants", "give totalParticipants or participantsChoices", "REQUIRED_FIELD",
                      "required")
    if b.get("status") in ACTIVE:  # the new count must fit: the booking's own seats excluded
        emu.avail.place(op, lc.failer(emu, op), b.get("bookedEntity") or {}, n, exclude=(b["id"],),
                        flow={"ignoreBookingWindow": True})
    set_participants(b, msg)
    lc.touch(emu, b)
    return {"booking": lc.saved(emu, op, b, ev.BOOKING_PARTICIPANTS_UPDATED)}


# ---------------------------------------------------------------------- other writes and reads

@handler(B + "setBookingSubmissionId")
def set_booking_submission_id(emu, params: dict, msg: dict) -> dict:
    op = B + "setBookingSubmissionId"
    b = lc.booking(emu, op, _bid(params, msg))
    b["formSubmissionId"] = msg["submissionId"]
    lc.touch(emu, b)
    return {"booking": lc.saved(emu, op, b, ev.BOOKING_UPDATED)}


@handler(B + "updateExtendedFields")
def update_extended_fields(emu, params: dict, msg: dict) -> dict:
    op = B + "updateExtendedFields"
    b = lc.booking(emu, op, _bid(params, msg, "id"), "id")
    ns, data = msg["namespace"], msg.get("namespaceData") or {}
    b.setdefault("extendedFields", {}).setdefault("namespaces", {})[ns] = clone(data)
    lc.touch(emu, b)
    lc.saved(emu, op, b, ev.BOOKING_UPDATED)
    return {"namespace": ns, "namespaceData": clone(data)}


def allowed_actions(emu, b: dict) -> dict:
    """What the customer may still do (policy ``allowed_actions``)."""
    start = parse_instant(b.get("startDate") or "") if b.get("startDate") else None
    future = start is None or start > emu.clock.now()
    active = b.get("status") in ACTIVE
    return {"cancel": active and future, "reschedule": active and future and "schedule" not in (
        b.get("bookedEntity") or {}), "bookAnother": True}


@handler(B + "bulkCalculateAllowedActions")
def bulk_calculate_allowed_actions(emu, params: dict, msg: dict) -> dict:
    op = B + "bulkCalculateAllowedActions"
    results = []
    for i, bid in enumerate(msg.get("bookingIds") or []):
        b = emu.store.bookings.get(bid)
        if b is None:
            results.append(item(i, bid, None, False, emu.fail(op, "BOOKING_NOT_FOUND", f"booking {bid} not found", 404,
                                                              bookingId=bid)))
        else:
            results.append({"itemMetadata": {"id": bid, "originalIndex": i, "success": True},
                            "item": allowed_actions(emu, b)})
    return bulk_result(results)
