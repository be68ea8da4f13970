"""`wixcontracts validate --format junit|sarif`: valid reports, counts = payloads / findings, locations
in the payload files relative to the current directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import wixcontracts.validate.cli  # noqa: F401  (registers the command)
from wixcontracts.cli import app
from wixcontracts.report.junit import xml_safe
from wixcontracts.report.sarif import split_pointer
from wixcontracts.validate import Contracts

from .conftest import (AWKWARD, LONG, assert_no_absolute_paths, fingerprints, results, valid_junit,
                       valid_sarif)

OP = "declineMultiServiceBooking"
UUID = "0f5e3c1e-1111-4222-8333-444455556666"
BODY = {"declineBookingsInfo": [{"bookingId": UUID, "revision": "3", "paymentStatus": "REFUNDED"}],
        "participantNotification": {"notifyParticipants": True, "message": "sorry"},
        "doubleBooked": False, "returnFullEntity": True, "flowControlSettings": {"withRefund": True}}
WEIRD = {**BODY, AWKWARD: "v", LONG: 1, "doubleBooked": "not a boolean"}
ODD = {**BODY, "participantNotification": {"notifyParticipants": "yes", "message": AWKWARD + LONG}}


def _write(path: Path, obj) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def payloads(tmp_path, monkeypatch):
    d = tmp_path / "payloads"
    _write(d / "a-ok.json", BODY)
    _write(d / "b-weird.json", WEIRD)
    _write(d / "c broken é.json", "{oops")
    _write(d / "d odd é.json", ODD)
    monkeypatch.chdir(tmp_path)
    return d


def run(*args, input=None):
    r = CliRunner().invoke(app, ["validate", *map(str, args)], input=input)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r


def _expected_findings():
    c = Contracts.load()
    return {name: c.validate_request(OP, body).findings for name, body in
            (("a-ok.json", BODY), ("b-weird.json", WEIRD), ("d odd é.json", ODD))}


@pytest.mark.parametrize("absolute", [False, True])
def test_junit_batch(payloads, junit_schema, absolute):
    r = run(OP, "--request", payloads.resolve() if absolute else "payloads", "--format", "junit")
    assert r.exit_code == 2  # an unreadable payload
    suite = valid_junit(junit_schema, r.stdout)
    exp = _expected_findings()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "2", "1")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert sorted(cases) == ["payloads/a-ok.json", "payloads/b-weird.json", "payloads/c broken é.json",
                             "payloads/d odd é.json"]  # relative to the current directory either way
    weird = cases["payloads/b-weird.json"].find("failure")
    errors = [f for f in exp["b-weird.json"] if f.severity == "error"]
    assert len(errors) == 3 and weird.get("message").startswith("3 error(s)")
    assert all(f"{f.rule} request {xml_safe(f.pointer)}: {xml_safe(f.message)}" in weird.text for f in errors)
    assert "NUL\\x00" in weird.text and LONG in weird.text and "é中文😀" in weird.text
    assert cases["payloads/c broken é.json"].find("error").get("type") == "input-error"
    assert_no_absolute_paths(r.stdout)


@pytest.mark.parametrize("absolute", [False, True])
def test_sarif_batch(payloads, sarif_validator, absolute, tmp_path):
    r = run(OP, "--request", payloads.resolve() if absolute else "payloads", "--format", "sarif")
    assert r.exit_code == 2
    doc = valid_sarif(sarif_validator, r.stdout)
    assert_no_absolute_paths(r.stdout, doc, tmp_path)
    exp = _expected_findings()
    res = results(doc)
    assert len(res) == sum(map(len, exp.values())) + 1  # every finding, plus the unreadable file
    by_file: dict[str, list] = {}
    for x in res:
        by_file.setdefault(x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], []).append(x)
    assert {k: len(v) for k, v in by_file.items()} == {
        "payloads/b-weird.json": len(exp["b-weird.json"]), "payloads/c%20broken%20%C3%A9.json": 1,
        "payloads/d%20odd%20%C3%A9.json": len(exp["d odd é.json"])}
    assert [x["ruleId"] for x in by_file["payloads/c%20broken%20%C3%A9.json"]] == ["input-error"]
    # each finding at the line of its field in the payload file
    lines = (payloads / "b-weird.json").read_text().splitlines()
    for f, x in zip(exp["b-weird.json"], by_file["payloads/b-weird.json"], strict=True):
        key = split_pointer(f.pointer)[0]  # RFC 6901: "</b>" is "<~1b>" there
        want = next(i for i, line in enumerate(lines, 1) if line.startswith(f"  {json.dumps(key)}:"))
        assert x["ruleId"] == f.rule and x["locations"][0]["physicalLocation"]["region"]["startLine"] == want
        assert x["level"] == "error"
        assert x["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith(f"bookings.{OP} request /")
    fps = fingerprints(doc)
    assert len(set(fps)) == len(fps)
    again = valid_sarif(sarif_validator, run(OP, "--request", "payloads", "--format", "sarif").stdout)
    assert fingerprints(again) == fps


def test_sarif_jsonl_stdin_and_outside_the_current_directory(tmp_path, monkeypatch, sarif_validator):
    lines = _write(tmp_path / "in" / "batch.jsonl", "\n".join(json.dumps(b) for b in (BODY, WEIRD, BODY)) + "\n")
    monkeypatch.chdir(tmp_path)
    doc = valid_sarif(sarif_validator, run(OP, "--request", "in/batch.jsonl", "--format", "sarif").stdout)
    assert {x["locations"][0]["physicalLocation"]["region"]["startLine"] for x in results(doc)} == {2}
    typ = next(x for x in results(doc) if x["ruleId"] == "type")
    line2 = lines.read_text().splitlines()[1]
    col = len(line2[:line2.index('"doubleBooked"')].encode("utf-16-le")) // 2 + 1
    assert typ["locations"][0]["physicalLocation"]["region"]["startColumn"] == col
    doc = valid_sarif(sarif_validator, run(OP, "--request", "-", "--format", "sarif", input=json.dumps(WEIRD)).stdout)
    assert results(doc) and all("physicalLocation" not in x["locations"][0] for x in results(doc))
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")  # the payload is outside: logical locations only, no path to it
    text = run(OP, "--request", lines, "--format", "sarif").stdout
    doc = valid_sarif(sarif_validator, text)
    assert results(doc) and all("physicalLocation" not in x["locations"][0] for x in results(doc))
    assert_no_absolute_paths(text, doc)
    assert {x["properties"]["payload"] for x in results(doc)} == {"batch.jsonl:2"}


def test_sarif_exchange_points_into_the_exchange_file(tmp_path, monkeypatch, sarif_validator):
    ex = {"method": "POST", "url": f"https://www.wixapis.com/bookings/multiServiceBookings/v2/multi_service_bookings/{UUID}/decline",
          "headers": {"wix-site-id": UUID}, "body": WEIRD, "status": 200, "response_body": {"multiServiceBooking": {}}}
    _write(tmp_path / "ex.json", ex)
    monkeypatch.chdir(tmp_path)
    doc = valid_sarif(sarif_validator, run("--exchange", "ex.json", "--format", "sarif").stdout)
    lines = (tmp_path / "ex.json").read_text().splitlines()
    got = {x["ruleId"]: x["locations"][0]["physicalLocation"]["region"]["startLine"] for x in results(doc)}
    assert got["header"] == next(i for i, s in enumerate(lines, 1) if '"headers"' in s)  # Authorization is missing
    assert got["type"] == next(i for i, s in enumerate(lines, 1) if '"doubleBooked"' in s)
