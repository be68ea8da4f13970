"""Domain events: every state change of the emulator records one (policy ``events.*``).

``Emulator.events`` is the list of :class:`DomainEvent` in the order the changes happened;
``Emulator.on_event(callback)`` registers a listener called with each event after the change is committed
(outside the emulator's lock; a listener that raises does not undo the change, its error is kept in
``Emulator.listener_errors``).  The event types are the ones the SDK packages declare for their webhooks
(``index.d.ts``: ``EventDefinition<..., "wix.bookings.v2.booking_created">``)."""

from __future__ import annotations

import marshal
import threading
from dataclasses import dataclass
from typing import Any, Callable

from .shapes import new_id

# the event types the pinned SDK packages declare (@wix/auto_sdk_bookings_*/build/cjs/index.d.ts)
BOOKING = "wix.bookings.v2.booking"
BOOKING_CREATED = f"{BOOKING}_created"
BOOKING_UPDATED = f"{BOOKING}_updated"
BOOKING_CONFIRMED = f"{BOOKING}_confirmed"
BOOKING_DECLINED = f"{BOOKING}_declined"
BOOKING_CANCELED = f"{BOOKING}_canceled"
BOOKING_RESCHEDULED = f"{BOOKING}_rescheduled"
BOOKING_MARKED_AS_PENDING = f"{BOOKING}_markedAsPending"  # sic: the SDK's event type
BOOKING_PARTICIPANTS_UPDATED = f"{BOOKING}_number_of_participants_updated"
SERVICE = "wix.bookings.services.v2.service"
STAFF_MEMBER = "wix.bookings.staff.v1.staff_member"
RESOURCE = "wix.bookings.resources.v2.resource"

# booking status reached -> event type
STATUS_EVENTS = {"CONFIRMED": BOOKING_CONFIRMED, "DECLINED": BOOKING_DECLINED, "CANCELED": BOOKING_CANCELED,
                 "PENDING": BOOKING_MARKED_AS_PENDING}


@dataclass(slots=True)
class DomainEvent:
    """One state change: ``type`` (``wix.bookings.v2.booking_created``), the entity's id, the entity after the
    change (None after a delete; each access returns a fresh copy, so a listener may change it freely), the
    emulator clock's time (RFC 3339), the operation that caused it."""

    type: str
    entity_id: str
    frozen_entity: bytes  # the entity, marshalled at the change (cheap to take, copied on access)
    time: str
    operation: str | None = None
    _id: str | None = None

    @property
    def id(self) -> str:
        """A version-4 UUID, made on first use."""
        if self._id is None:
            self._id = new_id()
        return self._id

    @classmethod
    def of(cls, type: str, entity_id: str, entity: Any, time: str, operation: str | None = None) -> "DomainEvent":
        return cls(type, entity_id, marshal.dumps(entity), time, operation)

    @property
    def entity(self) -> Any:
        return marshal.loads(self.frozen_entity)

    @property
    def entity_fqdn(self) -> str:
        return self.type.rsplit("_", 1)[0] if "_" in self.type else self.type

    @property
    def slug(self) -> str:
        """``created`` / ``updated`` / ``canceled`` ... (the part after the entity's fqdn)."""
        for fqdn in (BOOKING, SERVICE, STAFF_MEMBER, RESOURCE):
            if self.type.startswith(fqdn + "_"):
                return self.type[len(fqdn) + 1:]
        return self.type.rsplit("_", 1)[-1]

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "slug": self.slug, "entityFqdn": self.type[:-len(self.slug) - 1],
                "entityId": self.entity_id, "entity": self.entity, "time": self.time, "operation": self.operation}


Listener = Callable[[DomainEvent], Any]


class EventBus:
    """The recorded events and the listeners.  ``max_events``: keep only the newest (``dropped`` counts the
    others, so positions stay absolute: event ``n`` is ``events[n - dropped]``)."""

    def __init__(self, max_events: int | None = None):
        self.events: list[DomainEvent] = []
        self.listeners: list[Listener] = []
        self.listener_errors: list[tuple[DomainEvent, BaseException]] = []
        self.max_events = max_events
        self.dropped = 0
        self._lock = threading.Lock()

    def on_event(self, callback: Listener) -> Callable[[], None]:
        """Register ``callback``; returns a function that unregisters it."""
        if not callable(callback):
            raise TypeError("on_event takes a callable")
        self.listeners.append(callback)

        def off() -> None:
            if callback in self.listeners:
                self.listeners.remove(callback)

        return off

    def publish(self, events: list[DomainEvent]) -> None:
        """Record ``events`` (already committed) and call every listener with each."""
        if not events:
            return
        with self._lock:
            self.events.extend(events)
            if self.max_events is not None and len(self.events) > self.max_events:
                extra = len(self.events) - self.max_events
                del self.events[:extra]
                self.dropped += extra
        if not self.listeners:
            return
        for ev in events:
            for cb in list(self.listeners):
                try:
                    cb(ev)
                except Exception as exc:  # a listener's failure never undoes the change
                    self.listener_errors.append((ev, exc))

    def clear(self) -> None:
        with self._lock:
            self.events.clear()
            self.listener_errors.clear()
            self.dropped = 0
