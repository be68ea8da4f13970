"""Bookings Reader V2 (extended bookings): queryExtendedBookings, the deprecated query, countExtendedBookings.
WQL filters and sorts name the booking's own fields (``status``, ``bookedEntity.slot.serviceId``)."""

from __future__ import annotations

from .. import entities
from .. import events as ev
from ..errors import invalid
from ..shapes import clone
from .bookings import allowed_actions
from .registry import handler

X = "extended-bookings."
EXTENDED = entities.Kind("bookings", "booking", "extendedBookings", "booking", "BOOKING_NOT_FOUND", ev.BOOKING)
# queryExtendedBookings' documented defaults: createdDate DESC, cursorPaging.limit 50
# (npm:@wix/auto_sdk_bookings_extended-bookings@1.0.133/build/cjs/index.typings.d.ts#L2379-L2382)
DEFAULT_SORT = [("createdDate", True)]


def _wrap(emu, msg: dict):
    def wrap(b: dict) -> dict:
        out: dict = {"booking": clone(b)}
        if msg.get("withBookingAllowedActions"):
            acts = allowed_actions(emu, b)
            out["allowedActions"] = {**acts, "refund": False}
        if msg.get("withBookingAttendanceInfo"):
            out["attendance"] = {"status": "NOT_SET", "numberOfAttendees": 0}
        return out
    return wrap


@handler(X + "queryExtendedBookings")
def query_extended_bookings(emu, params: dict, msg: dict) -> dict:
    return entities.query(emu, X + "queryExtendedBookings", EXTENDED, msg.get("query"), cursor_default=True,
                          default_sort=DEFAULT_SORT, wrap=_wrap(emu, msg),
                          known_path=("extendedBookings", "[]", "booking"), projection=False)


@handler(X + "query")
def query(emu, params: dict, msg: dict) -> dict:
    """The deprecated endpoint: offset paging by default; ``query.fields`` / ``fieldsets`` are not supported
    (typings L2321); ``sessionId`` selects the bookings of one session."""
    q = msg.get("query") or {}
    for k in ("fields", "fieldsets"):
        if q.get(k):
            raise invalid(f"query.{k}", f"query.{k} is not supported by this endpoint", "OTHER", "not-supported")
    rows = emu.store.view("bookings", emu.clock.now())
    if msg.get("sessionId"):
        sid = msg["sessionId"]
        rows = [b for b in rows if sid in ((b.get("bookedEntity") or {}).get("slot") or {}).values()]
    return entities.query(emu, X + "query", EXTENDED, q, cursor_default=False, default_sort=DEFAULT_SORT,
                          entities=rows, wrap=_wrap(emu, msg), known_path=("extendedBookings", "[]", "booking"),
                          projection=False)


@handler(X + "countExtendedBookings")
def count_extended_bookings(emu, params: dict, msg: dict) -> dict:
    return entities.count(emu, X + "countExtendedBookings", EXTENDED, msg.get("filter"), X + "queryExtendedBookings",
                          ("extendedBookings", "[]", "booking"))
