"""Opt-in scenarios: documented quirks of the real API the emulator reproduces on request.

By default the emulator behaves as one consistent, idealised API.  Each scenario turns on one quirk;
``Emulator(scenarios=[...])``, ``wixcontracts serve --scenario NAME`` (repeatable, ``NAME:key=value``), or
``POST /_wixcontracts/scenarios``.  Each is listed in ``policy.DECISIONS`` under ``scenario.<name>`` with its
source."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str
    source: str
    params: dict = field(default_factory=dict)  # name -> default value


SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("form-submission-revision",
             "createBooking / createMultiServiceBooking with formSubmission: the form submission is linked to the "
             "booking right after it is created (as setBookingSubmissionId does), so the stored booking is one "
             "revision ahead of the one the create call returned (a booking_updated event follows "
             "booking_created); the next write with the returned revision gets 428 BOOKING_REVISION_MISMATCH",
             "npm:@wix/auto_sdk_bookings_bookings@1.0.241/build/cjs/index.typings.d.ts#L5124 "
             "(SetBookingSubmissionIdRequest: a separate write that links a form submission); create-booking docs "
             "page, formSubmission (https://dev.wix.com/docs/api-reference/business-solutions/bookings/bookings/"
             "bookings-writer-v2/create-booking#L145)"),
    Scenario("location-type-business",
             "Time slots carry location.locationType BUSINESS / CUSTOM / CUSTOMER, as the Time Slots contract "
             "declares; Create Booking only accepts OWNER_BUSINESS / OWNER_CUSTOM / CUSTOM, so a client that copies "
             "a slot's location into createBooking verbatim gets a 400 naming "
             "booking.bookedEntity.slot.location.locationType.  Off: time slots leave locationType out, so copying "
             "works",
             "`wixcontracts lint-docs` cross-service check (lint.enum_disagreements): "
             "availability-time-slots TimeSlot.location.locationType vs bookings createBooking "
             "booking.bookedEntity.slot.location.locationType"),
    Scenario("eventual-consistency",
             "query endpoints (queryServices, queryStaffMembers, queryResources, queryExtendedBookings, query, the "
             "count endpoints) see a write only lagSeconds (emulator clock) after it; reads by id are consistent",
             "npm:@wix/auto_sdk_bookings_extended-bookings@1.0.133/build/cjs/index.typings.d.ts#L2335 (Query "
             "Bookings: eventual consistency); the services requests' eventuallyConsistent field "
             "(npm:@wix/auto_sdk_bookings_services@1.0.285/build/internal/cjs/meta.d.ts)",
             {"lagSeconds": 2.0}),
)}


def parse(spec: str) -> tuple[str, dict]:
    """``name`` or ``name:key=value,key=value`` -> (name, params); ``ValueError`` naming what is wrong."""
    name, _, rest = str(spec).partition(":")
    name = name.strip()
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(sorted(SCENARIOS))}")
    params = dict(SCENARIOS[name].params)
    for pair in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = pair.partition("=")
        if not eq or key not in params:
            raise ValueError(f"scenario {name}: unknown parameter {key!r}"
                             + (f"; known: {', '.join(params)}" if params else " (it takes none)"))
        try:
            params[key] = type(params[key])(value)
        except ValueError:
            raise ValueError(f"scenario {name}: {key} must be a {type(params[key]).__name__}, got {value!r}") from None
    return name, params


class Scenarios:
    """The scenarios switched on, with their parameters."""

    def __init__(self):
        self.active: dict[str, dict] = {}

    def enable(self, spec: str | tuple[str, dict]) -> tuple[str, dict]:
        name, params = parse(spec) if isinstance(spec, str) else (spec[0], {**SCENARIOS[spec[0]].params, **spec[1]})
        self.active[name] = params
        return name, params

    def disable(self, name: str) -> None:
        self.active.pop(name, None)

    def clear(self) -> None:
        self.active.clear()

    def __contains__(self, name: str) -> bool:
        return name in self.active

    def param(self, name: str, key: str):
        return self.active[name][key]

    def describe(self) -> list[dict]:
        return [{"name": s.name, "active": s.name in self.active, "params": self.active.get(s.name, s.params),
                 "summary": s.summary, "source": s.source} for s in SCENARIOS.values()]
