"""Stateful schemathesis runs through the contract's derived OpenAPI links
(createBooking -> cancelBooking / confirmBooking / declineBooking / markBookingAsPending carry the new
booking's id and revision; createMultiServiceBooking -> the multi-service operations carry its id)."""

from __future__ import annotations

import json
import os
import re
from collections import Counter

import pytest

from hypothesis import HealthCheck, settings

from wixcontracts.catalog import Catalog
from wixcontracts.emulator.core import Emulator
from wixcontracts.emulator.fuzz import availability_window, checks, load_merged_schema, load_schema, operation_id
from wixcontracts.emulator.multispec import MergeError, merged_schema

EXAMPLES = int(os.environ.get("WIXCONTRACTS_STATEFUL_EXAMPLES", 10))  # `make fuzz` (CI): 200


def test_links_are_derived_from_the_contract():
    doc = Catalog().openapi("bookings")
    create = doc["paths"]["/_api/bookings-service/v2/bookings"]["post"]
    link = create["responses"]["200"]["links"]["cancelBooking"]
    assert link["parameters"] == {"path.bookingId": "$response.body#/booking/id"}
    # the current revision, and the path's field repeated in the body as the official client sends it
    assert link["requestBody"] == {"revision": "$response.body#/booking/revision", "bookingId": "$response.body#/booking/id"}
    assert link["x-wix-derived"] is True
    for op in ("confirmBooking", "declineBooking", "markBookingAsPending"):
        assert create["responses"]["200"]["links"][op]["requestBody"] == link["requestBody"]
    msb = doc["paths"]["/_api/bookings-service/v2/multi_service_bookings"]["post"]["responses"]["200"]["links"]
    for op in ("getMultiServiceBooking", "confirmMultiServiceBooking", "cancelMultiServiceBooking"):
        assert msb[op]["parameters"] == {"path.multiServiceBookingId": "$response.body#/multiServiceBooking/id"}


def _run(operations=None, examples: int = EXAMPLES, service: str = "bookings", reached=None) -> Counter:
    """Stateful runs over ``operations`` (default: every emulated operation of ``service``); every response goes
    through the contract checks (raises on a failure). Returns how often each (operation, status) was seen.
    One run, or with ``reached``: fresh random runs until ``reached(seen)`` or MAX_ROUNDS (a chain of linked calls
    that must succeed is left out of a run by chance now and then), as ``_run_across`` does."""
    from schemathesis import GenerationMode

    if operations is not None:
        operations = [o if "." in o else f"{service}.{o}" for o in operations]
    emu = Emulator(require_auth=True)
    schema = load_schema(emu, operations, service=service)
    # positive data only: the links and our auth header would turn a generated negative case
    # into a valid request (negative data is the stateless fuzz's job)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE])
    calls: list[tuple[str, int]] = []

    class Machine(schema.as_state_machine()):
        def setup(self):
            emu.reset()  # every run starts from the same state (Hypothesis replays runs)

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": "test-key", "wix-site-id": "site"}}

        def validate_response(self, response, case, additional_checks=None, **kw):
            calls.append((case.operation.definition.raw["operationId"], response.status_code))
            case.validate_response(response, checks=checks())  # raises on any contract failure

    # with rounds, derandomize=False: under CI=true Hypothesis would replay one seed in each round
    extra = {} if reached is None else {"derandomize": False}
    for _ in range(1 if reached is None else MAX_ROUNDS):
        Machine.run(settings=settings(max_examples=examples, deadline=None, database=None,
                                      suppress_health_check=list(HealthCheck), stateful_step_count=6, **extra))
        if reached is not None and reached(Counter(calls)):
            break
    return Counter(calls)


def test_stateful_every_emulated_operation():
    seen = _run(reached=lambda seen: seen[("createBooking", 200)] > 0 and len({op for op, _status in seen}) >= 10)
    # createBooking is a root transition: always reached; the other 32 operations through links or on their own,
    # at random (every response was checked against the contract whatever it was)
    assert seen[("createBooking", 200)] > 0, seen
    assert len({op for op, _status in seen}) >= 10, seen


@pytest.mark.parametrize("service, create, linked", [
    ("services", "createService", ("getService", "updateService", "deleteService")),
    ("staff-members", "createStaffMember", ("getStaffMember", "updateStaffMember", "deleteStaffMember")),
    ("resources", "createResource", ("getResource", "updateResource", "deleteResource")),
])
def test_stateful_entity_services(service, create, linked):
    """Each CRUD service on its own document: the links carry the new id (and revision) to get/update/delete.
    Most generated create bodies are refused (400): a round may see one success and no linked call after it."""
    seen = _run(service=service, reached=lambda seen: sum(seen[(op, 200)] for op in linked) > 0)
    assert seen[(create, 200)] > 0, seen
    assert sum(seen[(op, 200)] for op in linked) > 0, seen


def test_stateful_create_then_cancel_confirm_decline_through_links():
    """With the single-booking operations only, the state machine follows createBooking's links often enough."""
    seen = _run(("createBooking", "cancelBooking", "confirmBooking", "declineBooking"),
                reached=lambda seen: seen[("cancelBooking", 200)] > 0
                and seen[("confirmBooking", 200)] + seen[("declineBooking", 200)] > 0)
    assert seen[("createBooking", 200)] > 0
    # a cancel / confirm / decline only succeeds with an existing booking and its current revision: the link
    # supplied both
    assert seen[("cancelBooking", 200)] > 0, seen
    assert seen[("confirmBooking", 200)] + seen[("declineBooking", 200)] > 0, seen


# ------------------------------------------------------------------------------------------ across services
# One document merged from several services' contracts (wixcontracts.emulator.multispec), with links derived across
# them: a service feeds the time-slot listing and createBooking, a time slot feeds createBooking's slot.

ACROSS = ["services", "availability-time-slots", "bookings"]
CLOCK = "2030-01-06T12:00:00Z"
# A round is one bounded run (at least 25 scenarios: the chains are three steps deep); the next round only when the
# chain under test was not reached yet.  One round misses it about once in four (measured over 20 rounds).
MAX_ROUNDS = 24  # a 25-scenario round misses a given 4-step chain about 1 time in 4; 24 misses leave ~1e-14


def _run_across(operations=None, examples: int = EXAMPLES, reached=lambda seen: True) -> Counter:
    """Stateful runs over the merged document of ACROSS (``operations``: ids, default every emulated one), against
    the business seed at CLOCK, every response through ``checks()`` (raises on a failure).  Rounds of ``examples``
    scenarios (at least 25), until ``reached(seen)`` or MAX_ROUNDS.  Returns how often each (operation id, status, link) was seen;
    link: the name of the link that supplied the request's data, None for a generated request."""
    from schemathesis import GenerationMode

    emu = Emulator(seed="business", clock=CLOCK, require_auth=True)
    schema = load_merged_schema(emu, ACROSS, operations)
    assert not list(schema.iter_schema_warnings())
    schema.config.generation.update(modes=[GenerationMode.POSITIVE])
    schema.config.update(parameters=availability_window(emu.clock.now()))
    seen: Counter = Counter()

    class Machine(schema.as_state_machine()):
        def setup(self):
            emu.reset()

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": "test-key", "wix-site-id": "site"}}

        def step(self, input):
            t = input.transition
            # "<source> -> [200] <link name> -> <target>"; None when the link's data was not applied (explored)
            self._link = t.id.split("] ", 1)[1].rsplit(" -> ", 1)[0] if t is not None and input.is_applied else None
            return super().step(input)

        def validate_response(self, response, case, additional_checks=None, **kw):
            seen[(operation_id(case), response.status_code, self._link)] += 1
            case.validate_response(response, checks=checks())  # raises on any contract failure

    for _ in range(MAX_ROUNDS):
        # derandomize=False: under CI=true Hypothesis would replay one seed, and every round would be the same
        Machine.run(settings=settings(max_examples=max(examples, 25), deadline=None, database=None, derandomize=False,
                                      suppress_health_check=list(HealthCheck), stateful_step_count=6))
        if reached(seen):
            break
    return seen


def _cross(seen: Counter, target: str, source_entity: str | None = None, status: int = 200) -> int:
    """How many calls of ``target`` answered ``status`` with data from a cross-service link (from ``source_entity``:
    ``timeSlots``, ``service``, ``services``)."""
    return sum(n for (op, st, link), n in seen.items() if op == target and st == status and link
               and "<-" in link and (source_entity is None or link.split("<-", 1)[1].split("/")[0] == source_entity))


def test_merged_document_links_cross_services():
    doc = merged_schema(ACROSS)
    ops = {o["operationId"]: o for item in doc["paths"].values() for o in item.values()}
    assert set(ops) == {o["id"] for s in ACROSS for o in Catalog().of_service(s)}
    assert all(o["x-wix-id"] == i for i, o in ops.items())
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(doc)))
    assert refs <= set(doc["components"]["schemas"]) and all(r.split(".", 1)[0] in ACROSS for r in refs)
    assert doc["components"]["securitySchemes"] == {"wixAuth": {"type": "apiKey", "in": "header",
                                                                "name": "Authorization"}}
    # the in-document links point at the catalog ids
    create_links = ops["bookings.createBooking"]["responses"]["200"]["links"]
    assert create_links["bookings.cancelBooking"]["operationId"] == "bookings.cancelBooking"
    assert create_links["bookings.cancelBooking"]["x-wix-derived"] is True
    # a service feeds the time-slot listing and createBooking's slot (and its schedule: one link per alternative)
    svc = ops["services.createService"]["responses"]["200"]["links"]
    assert svc["availability-time-slots.listAvailabilityTimeSlots<-service"]["requestBody"] == {
        "serviceId": "$response.body#/service/id"}
    assert svc["bookings.createBooking<-service/slot"]["requestBody"] == {
        "booking": {"bookedEntity": {"slot": {"serviceId": "$response.body#/service/id"}}}}
    assert svc["bookings.createBooking<-service/schedule"]["x-wix-derived"] == "cross-service"
    # a time slot is createBooking's slot: ids, dates, time zone, resource, location without its type
    ts = ops["availability-time-slots.listAvailabilityTimeSlots"]["responses"]["200"]["links"]
    slot = ts["bookings.createBooking<-timeSlots/slot"]["requestBody"]["booking"]["bookedEntity"]["slot"]
    first = "$response.body#/timeSlots/0"
    assert {k: slot[k] for k in ("serviceId", "scheduleId", "startDate", "endDate", "timezone")} == {
        "serviceId": f"{first}/serviceId", "scheduleId": f"{first}/scheduleId",
        "startDate": f"{first}/localStartDate", "endDate": f"{first}/localEndDate",
        "timezone": "$response.body#/timeZone"}
    assert slot["resource"]["id"] == f"{first}/availableResources/0/resources/0/id"
    assert slot["location"] == {k: f"{first}/location/{k}" for k in ("id", "name", "formattedAddress")}
    skipped = ts["bookings.createBooking<-timeSlots/slot"]["x-wix-skipped"]
    assert any(s.startswith("booking.bookedEntity.slot.location.locationType: values ['BUSINESS', 'CUSTOMER']")
               for s in skipped), skipped
    lean = ts["bookings.createBooking<-timeSlots/slot~ids"]["requestBody"]["booking"]["bookedEntity"]["slot"]
    assert set(lean) == {"serviceId", "scheduleId", "startDate", "endDate", "timezone"}
    # a booking feeds its service back: getService's path
    assert ops["bookings.createBooking"]["responses"]["200"]["links"]["services.getService<-booking"][
        "parameters"] == {"path.serviceId": "$response.body#/booking/bookedEntity/slot/serviceId"}


def test_merge_refuses_a_route_two_services_share():
    class Twice:  # the same service under two slugs: every route collides
        def openapi(self, slug):
            return Catalog().openapi("availability-time-slots")

    with pytest.raises(MergeError, match=r"path collision: POST /_api/service-availability/v2/time-slots\S* \(b\)"):
        merged_schema(["a", "b"], catalog=Twice())
    with pytest.raises(MergeError, match="listed twice"):
        merged_schema(["bookings", "bookings"])


def test_stateful_across_services_every_emulated_operation():
    """Every emulated operation of the three services in one state machine: all responses pass the checks, and the
    links across services are followed to successful calls."""
    seen = _run_across(reached=lambda s: _cross(s, "availability-time-slots.listAvailabilityTimeSlots") > 0)
    assert len({op.split(".")[0] for op, _st, _l in seen}) == 3, seen
    assert _cross(seen, "availability-time-slots.listAvailabilityTimeSlots") > 0, seen


def test_stateful_service_to_time_slot_to_booking():
    """The booking flow across three documents through derived links only: queryServices' first service feeds the
    time-slot listing, its first time slot feeds createBooking's slot, the booking feeds cancelBooking (the
    in-document link: id and revision)."""
    ops = ["services.queryServices", "availability-time-slots.listAvailabilityTimeSlots", "bookings.createBooking",
           "bookings.cancelBooking"]

    def linked_cancels(seen):
        return sum(n for (op, st, link), n in seen.items() if (op, st, link) == ("bookings.cancelBooking", 200,
                                                                                "bookings.cancelBooking"))

    seen = _run_across(ops, reached=lambda s: _cross(s, "bookings.createBooking", "timeSlots") > 0
                       and linked_cancels(s) > 0)
    assert _cross(seen, "availability-time-slots.listAvailabilityTimeSlots", "services") > 0, seen
    # the slot came from a time slot the emulator listed, and the emulator could book it
    assert _cross(seen, "bookings.createBooking", "timeSlots") > 0, seen
    assert linked_cancels(seen) > 0, seen


def test_time_slot_link_books_the_slot_even_with_the_other_location_type():
    """The link's body, evaluated on a real listing, books that slot -- also when the slot's location carries
    Time Slots' locationType BUSINESS, which createBooking rejects (the link leaves the type out)."""
    doc = merged_schema(ACROSS)
    link = doc["paths"]["/_api/service-availability/v2/time-slots"]["post"]["responses"]["200"]["links"][
        "bookings.createBooking<-timeSlots/slot"]
    emu = Emulator(seed="business", clock=CLOCK, scenarios=["location-type-business"])
    service = next(s for s in emu.store.services.values() if s.get("type", "APPOINTMENT") == "APPOINTMENT"
                   and s.get("staffMemberIds"))
    window = {k.split(".", 1)[1]: v for k, v in availability_window(emu.clock.now()).items()}
    listing = {"serviceId": service["id"], **window}
    status, _h, listed = emu.handle("POST", "/_api/service-availability/v2/time-slots", {},
                                    json.dumps(listing).encode())
    assert status == 200 and listed["timeSlots"][0]["location"]["locationType"] == "BUSINESS"

    def evaluate(node):  # the runtime expressions of the link: "$response.body#<JSON pointer>"
        if isinstance(node, dict):
            return {k: evaluate(v) for k, v in node.items()}
        value = listed
        for token in node.removeprefix("$response.body#/").split("/"):
            value = value[int(token)] if isinstance(value, list) else value[token]
        return value

    body = evaluate(link["requestBody"])
    body["booking"]["totalParticipants"] = 1  # generated in the stateful run
    assert "locationType" not in body["booking"]["bookedEntity"]["slot"]["location"]
    status, _h, out = emu.handle("POST", "/_api/bookings-service/v2/bookings", {}, json.dumps(body).encode())
    assert status == 200, out
    slot = out["booking"]["bookedEntity"]["slot"]
    first = listed["timeSlots"][0]
    assert (slot["serviceId"], slot["resource"]["id"]) == (service["id"],
                                                         first["availableResources"][0]["resources"][0]["id"])
    assert slot["location"]["locationType"] == "OWNER_BUSINESS"
