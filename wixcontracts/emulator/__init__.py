"""The stateful emulator of the Wix Bookings REST API, driven by the committed contracts.

    core.py         Emulator: handle() = route + read/validate + dispatch(); events, scenarios, reset
    routing.py      method + path -> operation over every path and alias of the catalog
    handlers/       one module per service, registered by operation id (HANDLERS)
    lifecycle.py    booking rules: revisions, status transitions, creating and moving bookings
    entities.py     plain CRUD entities (services, staff members, resources)
    slots.py        availability: time slots from services, staff, hours; the capacity bookings hold
    wql.py          Wix's query language over in-memory entities
    store.py        the one state (and the lagging query view of eventual consistency)
    seeds.py        seeds (seeds/business.json ships with the package)
    scenarios.py    opt-in documented quirks
    events.py       domain events and listeners
    clock.py        the settable clock and date formats
    control.py      /_wixcontracts endpoints (reset, operations, clock, events, scenarios ...)
    policy.py       every decision the docs leave open, with its source (DECISIONS)
    flow.py         the whole booking flow across services (run_flow(), for `make check`)
    bench.py        throughput in process and over HTTP
    asgi.py, serve.py, fuzz.py   the HTTP front, `wixcontracts serve`, schemathesis"""

from .core import EMULATED, Emulator
from .events import DomainEvent

__all__ = ["EMULATED", "DomainEvent", "Emulator"]
