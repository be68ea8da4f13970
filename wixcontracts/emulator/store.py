"""The emulator's one consistent state: every table, the business, anonymous-action tokens, and the
lagging read view of the eventual-consistency scenario.

Tables hold entities in their REST shape (``id``, ``revision`` as a digit string, RFC 3339 dates):

    bookings      id -> Booking                  services   id -> Service
    msbs          id -> [booking id, ...]        staff      id -> StaffMember
    schedules     id -> emulator schedule         resources  id -> Resource
    (working hours or class sessions; see ``seeds.py``)

Writes go through :meth:`Store.wrote` so the query view can lag behind them (scenario
``eventual-consistency``); reads by id always see the latest state."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .shapes import clone

TABLES = ("bookings", "services", "staff", "resources")
DEFAULT_BUSINESS = {"name": "", "timeZone": "UTC", "locations": [], "workingHours": {}}


class Store:
    def __init__(self):
        self.bookings: dict[str, dict] = {}
        self.msbs: dict[str, list[str]] = {}
        self.services: dict[str, dict] = {}
        self.staff: dict[str, dict] = {}
        self.resources: dict[str, dict] = {}
        self.schedules: dict[str, dict] = {}
        self.business: dict = clone(DEFAULT_BUSINESS)
        self.tokens: dict[str, tuple[str, str]] = {}  # token -> ("booking" | "msb", id)
        self.deleted_staff: dict[str, dict] = {}
        # eventual consistency: None = queries read the live tables
        self.lag: float | None = None
        self._views: dict[str, dict[str, dict]] = {}
        self._pending: list[tuple[datetime, str, str, Any]] = []

    def table(self, name: str) -> dict[str, dict]:
        return getattr(self, name)

    # ---------------------------------------------------------------- eventual consistency
    def set_lag(self, seconds: float | None) -> None:
        """Queries see writes only ``seconds`` after them (None: at once)."""
        self.lag = seconds
        self._pending = []
        self._views = {t: {k: clone(v) for k, v in self.table(t).items()} for t in TABLES} if seconds else {}

    def wrote(self, table: str, entity_id: str, entity: dict | None, now: datetime) -> None:
        """Record a write (``entity`` None: a delete) for the lagging query view."""
        if self.lag:
            self._pending.append((now + timedelta(seconds=self.lag), table, entity_id,
                                  None if entity is None else clone(entity)))

    def view(self, table: str, now: datetime) -> list[dict]:
        """The entities a query sees now, in insertion order."""
        if not self.lag:
            return list(self.table(table).values())
        keep = []
        for item in self._pending:
            at, t, eid, entity = item
            if at <= now:
                if entity is None:
                    self._views[t].pop(eid, None)
                else:
                    self._views[t][eid] = entity
            else:
                keep.append(item)
        self._pending = keep
        return list(self._views[table].values())

    # ---------------------------------------------------------------- whole state
    def snapshot(self) -> dict:
        return {"bookings": clone(self.bookings), "multiServiceBookings": clone(self.msbs),
                "services": clone(self.services), "staffMembers": clone(self.staff),
                "resources": clone(self.resources), "schedules": clone(self.schedules),
                "business": clone(self.business)}

    def counts(self) -> dict[str, int]:
        return {"bookings": len(self.bookings), "multiServiceBookings": len(self.msbs),
                "services": len(self.services), "staffMembers": len(self.staff), "resources": len(self.resources),
                "schedules": len(self.schedules)}
