"""The fast path's behaviour (not its speed: no timing asserts here; ``make bench`` measures).

* an invalid payload is explained without Python jsonschema (the reference engine stays unimported);
* findings are capped per payload, with one ``truncated`` finding counting the rest;
* a payload with a huge number of errors is explained in memory bounded by the cap, not by the errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from wixcontracts.bench import booking_payload
from wixcontracts.validate import Contracts, UsageError
from wixcontracts.validate.engine import DEFAULT_MAX_FINDINGS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def contracts() -> Contracts:
    return Contracts.load()


def test_invalid_and_drifting_payloads_are_explained_without_python_jsonschema(tmp_path):
    bad = booking_payload(1)
    bad["booking"]["status"] = "MAYBE"
    bad["booking"]["newServerField"] = {"x": 1}
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(bad))
    code = ("import sys, json; from wixcontracts.validate import Contracts; c = Contracts.load(); "
            f"r = c.validate_response('createBooking', json.load(open({str(p)!r}))); "
            "print(sorted((f.severity, f.rule, f.pointer) for f in r.findings)); print('jsonschema' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = out.stdout.splitlines()
    assert lines == ["[('error', 'enum', '/booking/status'), "
                     "('warning', 'undocumented-field', '/booking/newServerField')]", "False"], out.stderr


def _many_errors(n: int, per_item: int = 2) -> dict:
    body = booking_payload(1)
    item = {"id": "x", "quantity": "no"} if per_item == 2 else {"quantity": "no"}
    body["booking"]["bookedAddOns"] = [dict(item) for _ in range(n)]
    return body


def test_findings_are_capped_with_a_summary(contracts):
    body = _many_errors(10)  # 2 findings per add-on (uuid format, integer type)
    full = contracts.validate_response("createBooking", body, max_findings=10_000)
    assert len(full.errors) == 20 and not any(f.rule == "truncated" for f in full.errors)
    capped = contracts.validate_response("createBooking", body, max_findings=5)
    assert [f.to_dict() for f in capped.errors[:5]] == [f.to_dict() for f in full.errors[:5]]
    (summary,) = capped.errors[5:]
    assert (summary.rule, summary.severity, summary.actual, summary.location) == ("truncated", "error", "15",
                                                                                  "response")
    assert summary.message == "15 more findings not shown (15 errors; max_findings=5)"
    assert contracts.validate_response("createBooking", body, max_findings=0).findings == [summary.with_(
        actual="20", message="20 more findings not shown (20 errors; max_findings=0)",
        expected="at most 0 findings")]
    # the Contracts' own default, and per call
    assert DEFAULT_MAX_FINDINGS == 1000 and Contracts.load(max_findings=3).max_findings == 3
    assert len(Contracts.load(max_findings=3).validate_response("createBooking", body).errors) == 4
    with pytest.raises(UsageError):
        contracts.validate_response("createBooking", body, max_findings=-1)


def test_hidden_errors_keep_the_verdict(contracts):
    """Warnings shown, an error hidden: the summary is an error, so the payload is still invalid."""
    body = booking_payload(1)
    for k in range(5):
        body["booking"][f"drift{k}"] = k  # five drift warnings at /booking (shallow: shown first)
    body["booking"]["bookedAddOns"][0]["id"] = "x"  # one error, deeper
    r = contracts.validate_response("createBooking", body, max_findings=5)
    assert [f.rule for f in r.warnings] == ["undocumented-field"] * 5
    assert [(f.rule, f.actual) for f in r.errors] == [("truncated", "1")] and not r.ok
    r = contracts.validate_response("createBooking", body, max_findings=6)
    assert [f.rule for f in r.errors] == ["format"] and not r.ok


def test_exchange_and_request_take_the_cap(contracts):
    body = {"declineBookingsInfo": [{"bookingId": "x", "revision": "1"}] * 4, "a": 1, "b": 2}
    r = contracts.validate_request("declineMultiServiceBooking", body, max_findings=2)
    assert [f.rule for f in r.errors][-1] == "truncated" and len(r.errors) == 3
    url = "https://www.wixapis.com/bookings/multiServiceBookings/v2/multi_service_bookings/x/decline"
    r = contracts.validate_exchange("POST", url, {"Authorization": "t", "wix-site-id": "s"}, body, 200,
                                    {"multiServiceBooking": {"id": 1, "a": 2, "b": 3}}, max_findings=1)
    by_location = {}
    for f in r.findings:
        by_location.setdefault(f.location, []).append(f.rule)
    # each payload (the path, the request message, the response) has its own cap
    # (errors listed before warnings: the response's shown finding is a drift warning, the hidden ones
    # include an error, so its summary is one)
    assert by_location == {"path": ["format"], "request": ["undocumented-field", "truncated"],
                           "response": ["truncated", "undocumented-field"]}


def test_a_huge_payload_is_explained_in_bounded_memory(contracts):
    """30,000 bad add-ons (60,000 errors) with a cap of 100: the engine never holds all errors (jsonschema-rs
    would materialise them all in one call), so its Python allocations stay small."""
    body = _many_errors(10_000)
    contracts.validate_response("createBooking", booking_payload(2))  # compile outside the measure
    tracemalloc.start()
    try:
        r = contracts.validate_response("createBooking", body, max_findings=100)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(r.errors) == 101 and r.errors[-1].actual == str(20_001 - 100)  # + the array's maxItems
    # holding 20,000 errors would take far more (each finding alone is ~1 kB)
    assert peak < 4 * 2**20, f"{peak / 2**20:.1f} MiB"


def test_800k_bad_items(contracts):
    """The issue's case: a payload of 800k invalid array items, explained with the default cap."""
    body = _many_errors(800_000, per_item=1)
    r = contracts.validate_response("createBooking", body)
    assert len(r.errors) == DEFAULT_MAX_FINDINGS + 1
    assert r.errors[0].rule == "maxItems" and r.errors[0].pointer == "/booking/bookedAddOns"
    assert r.errors[-1].rule == "truncated" and r.errors[-1].actual == str(800_001 - DEFAULT_MAX_FINDINGS)
    # best first: the shallowest, then (as jsonschema's relevance orders siblings) the last items
    assert [f.pointer for f in r.errors[1:3]] == ["/booking/bookedAddOns/799999/quantity",
                                                  "/booking/bookedAddOns/799998/quantity"]


def test_every_contracts_of_a_process_shares_each_compiled_schema_file(tmp_path):
    """A schema is compiled once per process and file (the validator, the emulator and the plugin each hold
    a ``Contracts``); a copy elsewhere, or a changed file, is compiled on its own."""
    a, b = Contracts.load(), Contracts.load()
    assert a.compiled("createBooking", "response") is b.compiled("createBooking", "response")
    assert a.compiled("createBooking", "error", status=428) is b.compiled("createBooking", "error", status=428)
    assert a.compiled("createBooking", "error", status=428) is not a.compiled("createBooking", "error")

    from wixcontracts.catalog import Catalog

    rel = Catalog().schema_file("createBooking", "response").relative_to(ROOT)
    for name in ("contracts/catalog.json", rel.as_posix()):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    copy = Contracts.load(tmp_path).compiled("createBooking", "response")
    assert copy is not a.compiled("createBooking", "response")
    assert Contracts.load(tmp_path).compiled("createBooking", "response") is copy
    body = booking_payload(1)
    assert Contracts.load(tmp_path).validate_response("createBooking", body).ok
    schema = json.loads((tmp_path / rel).read_text())
    schema["$defs"]["Booking"]["properties"]["status"]["enum"] = ["CREATED"]  # the file changes
    (tmp_path / rel).write_text(json.dumps(schema))
    changed = Contracts.load(tmp_path)
    assert changed.compiled("createBooking", "response") is not copy
    assert [f.rule for f in changed.validate_response("createBooking", body).errors] == ["enum"]
