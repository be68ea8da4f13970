from __future__ import annotations

import json
import subprocess
import sys

from wixcontracts.build import ROOT


def run(*args, check_code=None):
    p = subprocess.run([sys.executable, "-m", "wixcontracts", *args], cwd=ROOT, capture_output=True, text=True,
                       env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    if check_code is not None:
        assert p.returncode == check_code, p.stdout + p.stderr
    return p


def test_ops_lists_every_operation_as_json():
    data = json.loads(run("ops", "--json", check_code=0).stdout)
    by = {o["name"]: o for o in data}
    assert set(by) >= {"createBooking", "declineMultiServiceBooking", "cancelBooking"}
    # the whole Bookings Writer V2 API: pages + SDK typings; operations with no page say so
    assert len(by) == 33
    assert by["createBooking"]["source"] == ["docs", "sdk"]
    assert by["confirmBooking"]["source"] == ["sdk"] and by["confirmBooking"]["page"] == ""
    assert by["cancelBooking"]["complete"] is True  # the Velo page alone was incomplete


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


def test_build_strict_into_a_temp_dir(docs_dir, tmp_path):
    p = run("build", "--docs", str(docs_dir), "--out", str(tmp_path), "--strict", check_code=0)
    assert "0 unresolved" in p.stdout
    assert (tmp_path / "contracts" / "catalog.json").exists()


def test_build_from_the_docs_alone_still_works(docs_dir, tmp_path):
    p = run("build", "--docs", str(docs_dir), "--out", str(tmp_path), "--sources", "docs", "--strict", check_code=0)
    assert p.stdout.startswith("3 operations")
    cat = json.loads((tmp_path / "contracts" / "catalog.json").read_text())
    assert {o["name"]: o["complete"] for o in cat["operations"]}["cancelBooking"] is False


def test_build_rejects_unknown_sources(tmp_path, docs_dir):
    p = run("build", "--docs", str(docs_dir), "--out", str(tmp_path), "--sources", "sdk", check_code=2)
    assert "--sources takes docs or docs,sdk" in p.stderr


def test_build_reports_a_missing_docs_dir(tmp_path):
    p = run("build", "--docs", str(tmp_path / "nope"), "--out", str(tmp_path), check_code=2)
    assert "docs folder not found" in p.stderr
