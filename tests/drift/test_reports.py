"""Each report format parses and carries counts, severities and examples; --fail-on semantics."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from wixcontracts.drift.model import DriftFinding, fails
from wixcontracts.drift.report import as_json, junit, markdown, sarif, write_all
from wixcontracts.paths import data_root

F = [DriftFinding("bookings.createBooking", "undocumented-enum-value", "breaking", "/booking/status", "new value",
                  '"NO_SHOW"', "response", "schemas/bookings/rest/createBooking.response.json", "https://x/doc.md#L1", 2),
     DriftFinding("bookings.createBooking", "undocumented-field", "informational", "/booking/loyaltyTier", "extra | field",
                  '"GOLD"', "response", "schemas/bookings/rest/createBooking.response.json")]
SECTIONS = {"response drift": F, "docs diff": []}


def test_markdown_counts_first_and_table_escaping():
    md = markdown(SECTIONS)
    lines = md.splitlines()
    assert lines[0].startswith("## ") and lines[2] == "**1 breaking**, 1 informational (2 findings)"
    assert "#### `bookings.createBooking`" in md and "extra \\| field" in md and "(×2)" in md and "No findings." in md


def test_json():
    d = json.loads(as_json(SECTIONS, ["a note"]))
    assert d["summary"]["breaking"] == 1 and d["summary"]["by_kind"]["undocumented-field"] == 1
    assert d["sections"]["response drift"][0]["example"] == '"NO_SHOW"' and d["notes"] == ["a note"]


def test_junit_fail_on():
    root = ET.fromstring(junit(SECTIONS, "breaking"))
    assert root.tag == "testsuites" and root.get("failures") == "1"
    tc = root.find("testsuite/testcase[@name='bookings.createBooking']")
    assert "NO_SHOW" in tc.find("failure").text and "loyaltyTier" in tc.find("system-out").text
    assert ET.fromstring(junit(SECTIONS, "none")).get("failures") == "0"
    assert ET.fromstring(junit(SECTIONS, "any")).find("testsuite/testcase/failure").text.count("\n") == 1


def test_sarif_maps_findings_to_schema_files():
    root = data_root()  # the contract files are named only when they are under the run's root (default: cwd)
    d = json.loads(sarif(SECTIONS, root=root, contract_root=root))
    assert d["version"] == "2.1.0"
    run = d["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {"undocumented-enum-value", "undocumented-field"}
    r0 = run["results"][0]
    assert r0["level"] == "error" and run["results"][1]["level"] == "note"
    loc = r0["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "schemas/bookings/rest/createBooking.response.json"
    assert loc["region"]["startLine"] >= 1 and r0["properties"]["example"] == '"NO_SHOW"'


def test_write_all_and_fail_on(tmp_path):
    paths = write_all(tmp_path, SECTIONS)
    assert sorted(p.name for p in paths.values()) == ["drift.json", "drift.md", "drift.sarif", "drift.xml"]
    assert fails(F, "breaking") and fails(F[1:], "any") and not fails(F[1:], "breaking") and not fails(F, "none")
