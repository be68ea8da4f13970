"""`drift`, `diff` and `nightly` reports (wixcontracts.drift.report): valid JUnit and SARIF, counts equal
the findings, SARIF locations are files under the run's root (observation files for drift, contract files
for diffs) or logical locations only."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from wixcontracts.drift.diff import diff_roots
from wixcontracts.drift.model import BREAKING, DriftFinding
from wixcontracts.drift.report import junit, sarif, write_all
from wixcontracts.drift.response import analyse_path

from ..drift.helpers import DriftingEmulator, live_run
from ..trees import link_tree, replace_text
from .conftest import (AWKWARD, LONG, ROOT, assert_no_absolute_paths, fingerprints, results, valid_junit,
                       valid_sarif)


RECORDABLE = AWKWARD.replace("\ud800", "")  # the fixture recorder cannot write a lone surrogate


class WeirdEmulator(DriftingEmulator):
    """The drifting emulator, plus awkward undocumented fields and enum values in created bookings."""

    def handle(self, method, path, headers=None, body_bytes=b""):
        status, h, body = super().handle(method, path, headers, body_bytes)
        if method.upper() == "POST" and path.split("?", 1)[0].rstrip("/").endswith("/bookings") and status == 200:
            body["booking"][RECORDABLE] = RECORDABLE
            body["booking"][LONG] = 1
            body["booking"]["paymentStatus"] = RECORDABLE + LONG
        return status, h, body


def _run(tmp: Path, name: str) -> list[DriftFinding]:
    live_run(WeirdEmulator(), tmp / name)
    found = analyse_path(tmp / name).findings
    # and one made by hand: a lone surrogate and a 10 kB message, first seen in a file that does not exist
    return found + [DriftFinding("bookings.createBooking", "type-mismatch", BREAKING, "/booking/x", AWKWARD + LONG, AWKWARD,
                                 "response", "schemas/bookings/rest/createBooking.response.json", evidence="gone.json#3")]


@pytest.fixture
def drift(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return _run(tmp_path, "run")


def test_drift_junit(drift, junit_schema):
    ops = {f.operation for f in drift}
    breaking_ops = {f.operation for f in drift if f.severity == BREAKING}
    assert len(ops) == 2 and breaking_ops == ops and len(drift) >= 8
    for fail_on, failing in (("breaking", breaking_ops), ("any", ops), ("none", set())):
        text = junit({"response drift": drift, "docs diff": []}, fail_on)
        root = valid_junit(junit_schema, text)
        assert (root.get("tests"), root.get("failures"), root.get("errors")) == (str(len(ops) + 1), str(len(failing)), "0")
        suite = root.find("testsuite[@name='response drift']")
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert props["findings"] == str(len(drift)) and props["breaking"] == str(sum(f.severity == BREAKING for f in drift))
        shown = sum(len(re.findall(r"(?m)^\[(?:breaking|informational)\] ", e.text or ""))
                    for c in suite for e in c if e.tag in ("failure", "system-out"))
        assert shown == len(drift)  # every finding is in a failure or in the case's output
        assert root.find("testsuite[@name='docs diff']/testcase").get("name") == "no findings"
        assert_no_absolute_paths(text)


def test_drift_sarif_points_at_observation_files(drift, tmp_path, sarif_validator):
    text = sarif({"response drift": drift})
    doc = valid_sarif(sarif_validator, text)
    assert_no_absolute_paths(text, doc, tmp_path)
    res = results(doc)
    assert len(res) == len(drift)
    assert [r["level"] for r in res] == ["error" if f.severity == BREAKING else "note" for f in drift]
    for f, r in zip(drift, res):
        loc = r["locations"][0]
        if f.evidence == "gone.json#3":  # neither the observation file nor the contract file is here
            assert list(loc) == ["logicalLocations"]
        else:
            assert loc["physicalLocation"]["artifactLocation"]["uri"].startswith("run/fixtures/")
        assert loc["logicalLocations"][0]["fullyQualifiedName"].endswith(f" {f.side} {f.pointer}")
        assert "relatedLocations" not in r  # the contract files are not under this root
    enum = next(r for f, r in zip(drift, res) if f.pointer == "/booking/status")
    phys = enum["locations"][0]["physicalLocation"]
    lines = (tmp_path / unquote(phys["artifactLocation"]["uri"])).read_text().splitlines()
    assert lines[phys["region"]["startLine"] - 1].strip() == '"status": "NO_SHOW",'
    assert enum["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == \
        "bookings.createBooking response /booking/status"
    # a second live run: new ids, timestamps and example values; the same findings, the same fingerprints
    again = json.loads(sarif({"response drift": _run(tmp_path, "run2")}))
    assert fingerprints(again) == fingerprints(doc) and len(set(fingerprints(doc))) == len(drift)


def test_drift_sarif_from_the_contract_repository(drift, tmp_path, monkeypatch, sarif_validator):
    """Run from the checkout (the contracts are in the repository, the live run is elsewhere): the
    observation files are not named, the contract file is, at the line of the field."""
    monkeypatch.chdir(ROOT)
    text = sarif({"response drift": drift}, contract_root=ROOT)
    doc = valid_sarif(sarif_validator, text)
    assert_no_absolute_paths(text, doc, ROOT)
    enum = next(r for f, r in zip(drift, results(doc)) if f.pointer == "/booking/status")
    phys = enum["locations"][0]["physicalLocation"]
    assert phys["artifactLocation"]["uri"] == "schemas/bookings/rest/createBooking.response.json"
    line = (ROOT / "schemas/bookings/rest/createBooking.response.json").read_text().splitlines()[phys["region"]["startLine"] - 1]
    assert line.strip() == '"status": {'
    # both at once when both are under the root: observation primary, contract related
    doc = json.loads(sarif({"response drift": drift}, root=tmp_path, contract_root=tmp_path / "c"))
    assert all("relatedLocations" not in r for r in results(doc))
    link_tree(ROOT / "schemas", tmp_path / "c" / "schemas")
    doc = json.loads(sarif({"response drift": drift}, root=tmp_path, contract_root=tmp_path / "c"))
    enum = next(r for f, r in zip(drift, results(doc)) if f.pointer == "/booking/status")
    assert enum["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "c/schemas/bookings/rest/createBooking.response.json"


@pytest.fixture(scope="module")
def contract_versions(tmp_path_factory):
    """Two contract roots: ``new`` adds awkward enum values, drops a field, changes a type, drops an operation."""
    base = tmp_path_factory.mktemp("diff")
    for name in ("old", "new"):
        for part in ("contracts", "schemas"):
            link_tree(ROOT / part, base / name / part)
    p = base / "new" / "schemas" / "bookings" / "rest" / "createBooking.response.json"
    d = json.loads(p.read_text())
    d["$defs"]["BookingStatus"]["enum"] += [AWKWARD, LONG]
    del d["$defs"]["Booking"]["properties"]["paymentStatus"]
    d["$defs"]["Booking"]["properties"]["totalParticipants"]["type"] = "string"
    replace_text(p, json.dumps(d, indent=2))
    p = base / "new" / "contracts" / "catalog.json"
    c = json.loads(p.read_text())
    c["operations"] = [o for o in c["operations"] if o["name"] != "getMultiServiceBooking"]
    replace_text(p, json.dumps(c, indent=2))
    return base


def test_diff_reports(contract_versions, monkeypatch, junit_schema, sarif_validator):
    base = contract_versions
    found = diff_roots(base / "old", base / "new")
    kinds = sorted(f.kind for f in found)
    assert kinds.count("enum-value-added") == 2 and {"field-removed", "type-changed", "operation-removed"} <= set(kinds)
    monkeypatch.chdir(base)
    root = valid_junit(junit_schema, junit({"contract diff": found}, "any"))
    ops = {f.operation for f in found}
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == (str(len(ops)),) * 2 + ("0",)

    text = sarif({"contract diff": found}, contract_root=base / "new")
    doc = valid_sarif(sarif_validator, text)
    assert_no_absolute_paths(text, doc, base)
    res = results(doc)
    assert len(res) == len(found)
    fps = fingerprints(doc)
    assert len(set(fps)) == len(fps)  # incl. the two enum values added at one pointer
    assert fingerprints(json.loads(sarif({"contract diff": diff_roots(base / "old", base / "new")},
                                         contract_root=base / "new"))) == fps
    by_kind = {f.kind: r for f, r in zip(found, res)}
    tc = by_kind["type-changed"]["locations"][0]
    assert tc["logicalLocations"][0]["fullyQualifiedName"] == "bookings.createBooking response /booking/totalParticipants"
    assert tc["physicalLocation"]["artifactLocation"]["uri"] == "new/schemas/bookings/rest/createBooking.response.json"
    line = (base / "new/schemas/bookings/rest/createBooking.response.json").read_text().splitlines()[
        tc["physicalLocation"]["region"]["startLine"] - 1]
    assert line.strip() == '"totalParticipants": {'
    removed = by_kind["operation-removed"]["locations"][0]
    assert removed["physicalLocation"]["artifactLocation"]["uri"] == "new/contracts/catalog.json"
    assert "region" not in removed["physicalLocation"]  # it is not in the new catalog: no line to point at

    # the contract files are not under the run's root: logical locations only
    (base / "elsewhere").mkdir(exist_ok=True)
    monkeypatch.chdir(base / "elsewhere")
    doc = valid_sarif(sarif_validator, sarif({"contract diff": found}, contract_root=base / "new"))
    assert all(list(r["locations"][0]) == ["logicalLocations"] for r in results(doc))
    assert fingerprints(doc) == fps  # where the files are does not change what the finding is


def test_diff_cli_sarif(contract_versions, monkeypatch, sarif_validator):
    import wixcontracts.commands  # noqa: F401  (registers drift/diff/nightly)
    from wixcontracts.cli import app

    monkeypatch.chdir(contract_versions)
    r = CliRunner().invoke(app, ["diff", "old", "new", "--format", "sarif", "--fail-on", "none"])
    assert r.exit_code == 0, r.output
    doc = valid_sarif(sarif_validator, r.stdout)
    assert_no_absolute_paths(r.stdout, doc, contract_versions)
    assert {u["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for u in results(doc)} == {
        "new/contracts/catalog.json", "new/schemas/bookings/rest/createBooking.response.json"}


def test_nightly_files(drift, contract_versions, tmp_path, junit_schema, sarif_validator):
    found = diff_roots(contract_versions / "old", contract_versions / "new")
    sections = {"docs diff": found, "response drift": drift}
    paths = write_all(tmp_path / "out", sections, fail_on="breaking", stem="nightly",
                      title="wixcontracts nightly drift report", contract_root=contract_versions / "old")
    root = valid_junit(junit_schema, paths["junit"].read_text(encoding="utf-8"))
    assert [s.get("name") for s in root] == ["docs diff", "response drift"]
    assert root.get("failures") == str(sum(len({f.operation for f in fs if f.severity == BREAKING})
                                           for fs in sections.values()))
    text = paths["sarif"].read_text(encoding="utf-8")
    doc = valid_sarif(sarif_validator, text)
    assert len(results(doc)) == len(found) + len(drift)
    assert_no_absolute_paths(text, doc, tmp_path)
