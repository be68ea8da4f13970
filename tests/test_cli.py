from __future__ import annotations

import json
import subprocess
import sys

import pytest

from wixcontracts.build import ROOT


def run(*args, check_code=None):
    p = subprocess.run([sys.executable, "-m", "wixcontracts", *args], cwd=ROOT, capture_output=True, text=True,
                       env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    if check_code is not None:
        assert p.returncode == check_code, p.stdout + p.stderr
    return p


def test_ops_lists_every_operation_as_json():
    data = json.loads(run("ops", "--json", check_code=0).stdout)
    by = {o["id"]: o for o in data}
    assert set(by) >= {"bookings.createBooking", "bookings.declineMultiServiceBooking", "bookings.cancelBooking",
                       "services.queryServices", "availability-time-slots.listAvailabilityTimeSlots"}
    # the whole Bookings API: every REST operation of the pinned packages
    assert len(by) == 192 and len({o["service"] for o in data}) == 29
    for o in data:
        assert o["id"] == f"{o['service']}.{o['name']}"
        assert set(o) >= {"id", "service", "name", "method", "path", "aliases", "rpc", "surfaces", "complete",
                          "source", "page"}
        assert o["method"] in {"GET", "POST", "PATCH", "PUT", "DELETE"} and o["path"].startswith("/")
    create = by["bookings.createBooking"]
    assert create["source"] == ["docs", "sdk"] and create["rpc"] == "com.wixpress.bookings.bookings.v2.Bookings.CreateBooking"
    assert create["path"] == "/_api/bookings-service/v2/bookings" and "/bookings/v2/bookings" in create["aliases"]
    assert by["bookings.confirmBooking"]["source"] == ["sdk"] and by["bookings.confirmBooking"]["page"] == ""
    assert by["bookings.cancelBooking"]["complete"] is True  # the Velo page alone was incomplete
    # the official client sends pricing to the www.wixapis.com mapping's path (first match)
    assert by["pricing.previewPrice"]["path"] == "/bookings/v2/pricing/v2/pricing/preview"
    methods = {}
    for o in data:
        methods[o["method"]] = methods.get(o["method"], 0) + 1
    assert methods == {"POST": 127, "GET": 38, "PATCH": 13, "DELETE": 13, "PUT": 1}


def test_ops_by_service_and_ambiguous_names():
    rows = json.loads(run("ops", "--json", "--service", "staff-members", check_code=0).stdout)
    assert rows and {r["service"] for r in rows} == {"staff-members"}
    p = run("ops", "--service", "staff-member", check_code=2)
    assert "unknown service 'staff-member'" in p.stderr and "did you mean staff-members" in p.stderr
    # a bare name two services share is ambiguous: exit 2 with the qualified candidates
    p = run("schema", "queryCategories", "--request", check_code=2)
    assert "categories-v-2.queryCategories" in p.stderr and "services.queryCategories" in p.stderr
    assert "Traceback" not in p.stderr
    s = json.loads(run("schema", "services.queryCategories", "--request", check_code=0).stdout)
    assert s["x-wix-operation"] == "services.queryCategories"
    # a unique bare name keeps working
    assert json.loads(run("schema", "createBooking", "--request", check_code=0).stdout)["x-wix-operation"] == \
        "bookings.createBooking"


def test_schema_prints_a_standalone_schema():
    s = json.loads(run("schema", "declineMultiServiceBooking", "--request", check_code=0).stdout)
    assert s["$schema"].endswith("2020-12/schema")
    assert "declineBookingsInfo" in s["properties"]
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(s)
    sdk = json.loads(run("schema", "createBooking", "--response", "--surface", "sdk", check_code=0).stdout)
    assert "booking" in sdk["properties"]


def test_unknown_operation_exits_2_with_a_suggestion():
    p = run("explain", "declineMultiServiceBookin", check_code=2)
    assert "did you mean declineMultiServiceBooking" in p.stderr
    assert "Traceback" not in p.stderr


def test_schema_needs_exactly_one_kind():
    p = run("schema", "createBooking", check_code=2)
    assert "exactly one" in p.stderr


def test_explain_shows_tree_errors_and_preconditions():
    out = run("explain", "declineMultiServiceBooking", check_code=0).stdout
    assert "declineBookingsInfo" in out and "BOOKING_REVISION_MISMATCH" in out
    assert "PENDING, CREATED, WAITING_LIST" in out and "all-or-nothing" in out


@pytest.mark.slow
def test_build_strict_into_a_temp_dir(docs_dir, tmp_path):
    p = run("build", "--docs", str(docs_dir), "--out", str(tmp_path), "--strict", check_code=0)
    assert "0 unresolved" in p.stdout
    assert (tmp_path / "contracts" / "catalog.json").exists()


def test_build_from_the_docs_alone_still_works(docs_dir, tmp_path):
    p = run("build", "--docs", str(docs_dir), "--out", str(tmp_path), "--sources", "docs", "--strict", check_code=0)
    assert p.stdout.startswith("1 service, 3 operations")
    cat = json.loads((tmp_path / "contracts" / "catalog.json").read_text())
    assert {o["name"]: o["complete"] for o in cat["operations"]}["cancelBooking"] is False


def test_build_rejects_unknown_sources(tmp_path, docs_dir):
    p = run("build", "--docs", str(docs_dir), "--out", str(tmp_path), "--sources", "docs,npm", check_code=2)
    assert "--sources takes docs, sdk or docs,sdk" in p.stderr


def test_build_reports_a_missing_docs_dir(tmp_path):
    p = run("build", "--docs", str(tmp_path / "nope"), "--out", str(tmp_path), check_code=2)
    assert "docs folder not found" in p.stderr
