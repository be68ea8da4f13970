"""Stateful schemathesis run through the contract's derived OpenAPI links
(createBooking -> cancelBooking carries the new booking's id and revision)."""

from __future__ import annotations

import json
import os
from collections import Counter

from hypothesis import HealthCheck, settings

from wixcontracts.build import ROOT, OPENAPI_NAME
from wixcontracts.emulator.core import Emulator
from wixcontracts.emulator.fuzz import checks, load_schema


def test_links_are_derived_from_the_contract():
    doc = json.loads((ROOT / "contracts" / OPENAPI_NAME).read_text())
    create = doc["paths"]["/_api/bookings-service/v2/bookings"]["post"]
    link = create["responses"]["200"]["links"]["cancelBooking"]
    assert link["parameters"] == {"path.bookingId": "$response.body#/booking/id"}
    assert link["requestBody"] == {"revision": "$response.body#/booking/revision"}
    assert link["x-wix-derived"] is True


def test_stateful_create_then_cancel_through_links():
    from schemathesis import GenerationMode

    schema = load_schema(Emulator(require_auth=True))
    # positive data only: the links and our auth header would turn a generated negative case
    # into a valid request (negative data is the stateless fuzz's job)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE])
    calls: list[tuple[str, int]] = []

    class Machine(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": "test-key", "wix-site-id": "site"}}

        def validate_response(self, response, case, additional_checks=None, **kw):
            calls.append((case.operation.definition.raw["operationId"], response.status_code))
            case.validate_response(response, checks=checks())  # raises on any contract failure

    Machine.run(settings=settings(max_examples=int(os.environ.get("WIXCONTRACTS_FUZZ_EXAMPLES", 25)), deadline=None,
                                  database=None, suppress_health_check=list(HealthCheck), stateful_step_count=6))
    seen = Counter(calls)
    assert seen[("createBooking", 200)] > 0
    # a cancel can only succeed with an existing booking and its current revision: the link supplied both
    assert seen[("cancelBooking", 200)] > 0
