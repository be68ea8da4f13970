"""Stateful schemathesis runs through the contract's derived OpenAPI links
(createBooking -> cancelBooking / confirmBooking / declineBooking / markBookingAsPending carry the new
booking's id and revision; createMultiServiceBooking -> the multi-service operations carry its id)."""

from __future__ import annotations

import os
from collections import Counter

import pytest

from hypothesis import HealthCheck, settings

from wixcontracts.catalog import Catalog
from wixcontracts.emulator.core import Emulator
from wixcontracts.emulator.fuzz import checks, load_schema

EXAMPLES = int(os.environ.get("WIXCONTRACTS_FUZZ_EXAMPLES", 25))


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


def _run(operations=None, examples: int = EXAMPLES, service: str = "bookings") -> Counter:
    """One stateful run over ``operations`` (default: every emulated operation of ``service``); every response
    goes through the contract checks (raises on a failure). Returns how often each (operation, status) was seen."""
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

    Machine.run(settings=settings(max_examples=examples, deadline=None, database=None,
                                  suppress_health_check=list(HealthCheck), stateful_step_count=6))
    return Counter(calls)


def test_stateful_every_emulated_operation():
    seen = _run()
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
    """Each CRUD service on its own document: the links carry the new id (and revision) to get/update/delete."""
    seen = _run(service=service)
    assert seen[(create, 200)] > 0, seen
    assert sum(seen[(op, 200)] for op in linked) > 0, seen


def test_stateful_create_then_cancel_confirm_decline_through_links():
    """With the single-booking operations only, the state machine follows createBooking's links often enough."""
    seen = _run(("createBooking", "cancelBooking", "confirmBooking", "declineBooking"))
    assert seen[("createBooking", 200)] > 0
    # a cancel / confirm / decline only succeeds with an existing booking and its current revision: the link
    # supplied both
    assert seen[("cancelBooking", 200)] > 0, seen
    assert seen[("confirmBooking", 200)] + seen[("declineBooking", 200)] > 0, seen
