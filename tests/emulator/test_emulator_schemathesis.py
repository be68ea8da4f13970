"""Fuzz the emulator with schemathesis against the committed OpenAPI contract.

Bounded by WIXCONTRACTS_FUZZ_EXAMPLES (default 10) so tests/emulator stays fast; `make fuzz` raises it."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from wixcontracts.emulator.core import EMULATED, Emulator
from wixcontracts.catalog import Catalog
from .helpers import resolve
from wixcontracts.emulator.fuzz import G3_STATUSES, KNOWN_CONTRACT_GAPS, checks, load_schema, run_fuzz

SPEC = Catalog().openapi_path("bookings")
MAX_EXAMPLES = int(os.environ.get("WIXCONTRACTS_FUZZ_EXAMPLES", 10))  # `make fuzz` (CI): 500

FULL = schemathesis.openapi.from_path(str(SPEC))
# only the operations the emulator emulates (the others are not routed: 404)
schema = load_schema(Emulator(require_auth=True))
# schemathesis' coverage phase builds its deterministic cases while pytest collects, in every xdist worker
# (about 3 s each) and runs them all: `make fuzz` turns it on (WIXCONTRACTS_FUZZ_COVERAGE=1), `make test` does not
schema.config.phases.coverage.enabled = os.environ.get("WIXCONTRACTS_FUZZ_COVERAGE", "") not in ("", "0")
# Contract gaps are tolerated only in the exact combinations of fuzz.KNOWN_CONTRACT_GAPS (G1: no 401 documented
# though wixAuth is required; G2: cancelBooking documents only 200/400; G3: the SDK-only operations document
# no error codes) -- they are reported, not hidden.
CHECKS = checks()


def _operations(raw: dict) -> dict:
    """operation id (service.operation) -> OpenAPI operation"""
    return {o["x-wix-id"]: o for item in raw["paths"].values() for o in item.values()
            if isinstance(o, dict) and "x-wix-id" in o}


def test_filtered_schema_is_exactly_the_emulated_operations():
    got = sorted(r.ok().definition.raw["x-wix-id"] for r in schema.get_all_operations())
    bookings = sorted(o for o in EMULATED if o.startswith("bookings."))
    assert got == bookings and len(bookings) == 33  # every operation of Bookings Writer V2
    assert len(_operations(FULL.raw_schema)) == len(bookings)


def test_known_gaps_are_still_gaps():
    """Fails once the contract documents these statuses, so the tolerance gets removed."""
    ops = _operations(FULL.raw_schema)
    # G1: wixAuth everywhere, 401 nowhere
    assert not any("401" in o["responses"] for o in ops.values()) and KNOWN_CONTRACT_GAPS["G1"]
    # G2: cancelBooking is complete (revision in the request) but documents no error status beyond 400
    cancel = ops["bookings.cancelBooking"]
    assert set(cancel["responses"]) == {"200", "400"} and KNOWN_CONTRACT_GAPS["G2"]
    req = cancel["requestBody"]["content"]["application/json"]["schema"]
    req = resolve(FULL.raw_schema, req)
    assert "revision" in req["properties"] and "revision" in req.get("required", [])
    # G3: the SDK-only operations document no error status beyond the generic 400, and no error code
    assert set(G3_STATUSES) <= set(EMULATED) and KNOWN_CONTRACT_GAPS["G3"]
    cat = Catalog()
    docs = {s: _operations(cat.openapi(s)) for s in {n.split(".")[0] for n in G3_STATUSES}}
    for name in G3_STATUSES:
        assert set(docs[name.split(".")[0]][name]["responses"]) == {"200", "400"}, name
        op = cat.operation(name)
        assert op["source"] == ["sdk"] and op["errors"] == [] and not op.get("preconditions"), name


def test_schema_has_no_warnings():
    assert list(schema.iter_schema_warnings()) == []


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_emulator_conforms(case):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.slow
def test_run_fuzz_programmatic():
    # every emulated operation, one service document at a time; one example per mode here (`make check` runs 25)
    out = run_fuzz(max_examples=1)
    assert out["operations"] == len(EMULATED) and out["cases"] > 0
    assert out["failures"] == [] and out["schema_warnings"] == []


def test_engine_conformance_check_fires():
    """The extra check really rejects what schemathesis' schema check lets through (formats, int64)."""
    from types import SimpleNamespace

    from wixcontracts.emulator.fuzz import engine_conformance

    case = SimpleNamespace(method="POST", operation=SimpleNamespace(
        method="post", definition=SimpleNamespace(raw={"operationId": "createBooking", "x-wix-id": "bookings.createBooking"})))
    bad = SimpleNamespace(status_code=200, json=lambda: {"booking": {"id": "nope", "revision": "x"}})
    with pytest.raises(AssertionError, match="int64.*uuid|uuid.*int64"):
        engine_conformance(None, bad, case)
    good = SimpleNamespace(status_code=200, json=lambda: {"booking": {"id": "5fa50f19-4c94-4c42-a72b-289505ba2028",
                                                                      "revision": "1"}})
    assert engine_conformance(None, good, case) is None


def test_a_path_parameter_a_link_emptied_gets_the_routes_answer():
    """A stateful run once failed on PATCH .../services/ (405): a link had put an empty serviceId, read from a booking
    stored as sent, into updateService's path.  The route's 404/405 is accepted for such a request, and only there."""
    from schemathesis.core.failures import FailureGroup

    from wixcontracts.emulator.fuzz import empty_path_parameter, load_merged_schema

    schema = load_merged_schema(Emulator(require_auth=True), ["services"], ["services.updateService"])
    op = schema["/_api/bookings/v2/services/{service_id}"]["PATCH"]
    headers = {"Authorization": "test-key", "wix-site-id": "site"}
    emptied = op.Case(path_parameters={"service_id": ""}, body={"service": {}}, media_type="application/json")
    response = emptied.call(headers=headers)
    assert response.status_code == 405 and empty_path_parameter(emptied)
    emptied.validate_response(response, checks=checks())  # no failure
    # the same 405 for a request whose path was not emptied is still an undocumented status
    other = op.Case(path_parameters={"service_id": "5fa50f19-4c94-4c42-a72b-289505ba2028"}, body={"service": {}},
                    media_type="application/json")
    assert not empty_path_parameter(other)
    with pytest.raises(FailureGroup, match="Undocumented status code"):
        other.validate_response(response, checks=checks())


def test_g3_is_tolerated_only_for_its_operations_and_statuses():
    from types import SimpleNamespace

    from wixcontracts.emulator.fuzz import tolerated

    def case(op):
        return SimpleNamespace(headers={"Authorization": "k"},
                               operation=SimpleNamespace(definition=SimpleNamespace(raw={"operationId": op, "x-wix-id": f"bookings.{op}"})))

    assert tolerated(SimpleNamespace(status_code=428), case("confirmBooking")) == "G3"
    assert tolerated(SimpleNamespace(status_code=404), case("getMultiServiceBooking")) == "G3"
    assert tolerated(SimpleNamespace(status_code=428), case("getMultiServiceBooking")) is None
    assert tolerated(SimpleNamespace(status_code=404), case("createMultiServiceBooking")) is None
    assert tolerated(SimpleNamespace(status_code=500), case("cancelMultiServiceBooking")) is None
    assert tolerated(SimpleNamespace(status_code=404), case("declineMultiServiceBooking")) is None  # documented
