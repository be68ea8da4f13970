"""Anonymous actions: a token (from getAnonymousActionToken*) stands for one booking or multi-service booking;
the customer reads, cancels or reschedules with it (policy ``anonymous.*``)."""

from __future__ import annotations

import secrets

from .. import events as ev
from .. import lifecycle as lc
from ..shapes import clone
from .bookings import allowed_actions
from .multi_service import members, msb_out, require_msb
from .registry import handler

B = "bookings."


def _token(emu, kind: str, entity_id: str) -> str:
    for tok, (k, eid) in emu.store.tokens.items():
        if k == kind and eid == entity_id:
            return tok
    tok = secrets.token_urlsafe(24)
    emu.store.tokens[tok] = (kind, entity_id)
    return tok


def _resolve(emu, op: str, token: str, kind: str) -> str:
    hit = emu.store.tokens.get(token)
    if hit is None or hit[0] != kind:
        raise emu.fail(op, "INVALID_TOKEN", "the token is not one getAnonymousActionToken"
                       + ("ForMultiServiceBooking" if kind == "msb" else "") + " returned", 404, "token")
    return hit[1]


def _booking(emu, op: str, token: str) -> dict:
    return lc.booking(emu, op, _resolve(emu, op, token, "booking"))


@handler(B + "getAnonymousActionToken")
def get_token(emu, params: dict, msg: dict) -> dict:
    op = B + "getAnonymousActionToken"
    b = lc.booking(emu, op, msg.get("bookingId") or params.get("bookingId"))
    return {"token": _token(emu, "booking", b["id"])}


@handler(B + "getAnonymousActionTokenForMultiServiceBooking")
def get_msb_token(emu, params: dict, msg: dict) -> dict:
    op = B + "getAnonymousActionTokenForMultiServiceBooking"
    mid = msg.get("multiServiceBookingId") or params.get("multiServiceBookingId")
    require_msb(emu, op, mid)
    return {"token": _token(emu, "msb", mid)}


@handler(B + "getBookingAnonymously")
def get_booking_anonymously(emu, params: dict, msg: dict) -> dict:
    b = _booking(emu, B + "getBookingAnonymously", msg.get("token") or params.get("token"))
    acts = allowed_actions(emu, b)
    return {"booking": clone(b), "allowedAnonymousActions": {"cancel": acts["cancel"], "reschedule": acts["reschedule"]}}


@handler(B + "getServiceAnonymously")
def get_service_anonymously(emu, params: dict, msg: dict) -> dict:
    op = B + "getServiceAnonymously"
    b = _booking(emu, op, msg.get("token") or params.get("token"))
    service = emu.avail.service_of(b.get("bookedEntity") or {})
    if service is None:
        raise emu.fail(op, "SERVICE_NOT_FOUND", f"the service of booking {b['id']} is not known", 404)
    return {"service": clone(service)}


@handler(B + "cancelBookingAnonymously")
def cancel_booking_anonymously(emu, params: dict, msg: dict) -> dict:
    op = B + "cancelBookingAnonymously"
    lc.need_revision(msg.get("revision"))
    b = _booking(emu, op, msg.get("token") or params.get("token"))
    lc.check_revision(emu, op, b, msg.get("revision"))
    if not allowed_actions(emu, b)["cancel"]:
        raise emu.fail(op, "BOOKING_CANNOT_BE_CANCELLED", f"booking {b['id']} is {b.get('status')} or already "
                       "started", 428, bookingId=b["id"])
    return {"booking": lc.set_status(emu, op, b, "CANCELED")}


@handler(B + "rescheduleBookingAnonymously")
def reschedule_booking_anonymously(emu, params: dict, msg: dict) -> dict:
    op = B + "rescheduleBookingAnonymously"
    lc.need_revision(msg.get("revision"))
    b = _booking(emu, op, msg.get("token") or params.get("token"))
    lc.check_revision(emu, op, b, msg.get("revision"))
    if not allowed_actions(emu, b)["reschedule"]:
        raise emu.fail(op, "RESCHEDULING_NOT_ALLOWED", f"booking {b['id']} cannot be rescheduled", 428,
                       bookingId=b["id"])
    work = clone(b)
    lc.reschedule(emu, op, work, msg.get("slot") or {}, None)
    lc.touch(emu, work)
    emu.store.bookings[work["id"]] = work
    return {"booking": lc.saved(emu, op, work, ev.BOOKING_RESCHEDULED)}


@handler(B + "getMultiServiceBookingAnonymously")
def get_msb_anonymously(emu, params: dict, msg: dict) -> dict:
    op = B + "getMultiServiceBookingAnonymously"
    mid = _resolve(emu, op, msg.get("token") or params.get("token"), "msb")
    bs = members(emu, op, mid)
    acts = [allowed_actions(emu, b) for b in bs]
    out = msb_out(emu, mid, True)
    out["allowedAnonymousActions"] = {k: bool(acts) and all(a[k] for a in acts) for k in ("cancel", "reschedule")}
    return out


@handler(B + "cancelMultiServiceBookingAnonymously")
def cancel_msb_anonymously(emu, params: dict, msg: dict) -> dict:
    op = B + "cancelMultiServiceBookingAnonymously"
    mid = _resolve(emu, op, msg.get("token") or params.get("token"), "msb")
    bs = members(emu, op, mid)
    blocked = [b["id"] for b in bs if not allowed_actions(emu, b)["cancel"]]
    if blocked:
        raise emu.fail(op, "BOOKING_CANNOT_BE_CANCELLED", f"bookings {', '.join(blocked)} cannot be canceled", 428,
                       bookingIds=blocked)
    for b in bs:
        lc.set_status(emu, op, b, "CANCELED")
    return msb_out(emu, mid, True)
