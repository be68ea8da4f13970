"""`wixcontracts fuzz --junit`: fuzz_target.junit writes a report valid against the common JUnit XSD."""

from __future__ import annotations

from wixcontracts.fuzz_target import junit

from .conftest import AWKWARD, LONG, assert_no_absolute_paths, valid_junit


def _failure(op, check, message):
    return {"operation": op, "mode": "negative", "check": check, "message": message, "status": 500,
            "request": {"path_parameters": {"bookingId": AWKWARD}, "body": {"k": AWKWARD}}}


def test_fuzz_junit(tmp_path, junit_schema):
    report = {"operations": 3, "cases": 75, "failures": [
        _failure("createBooking", "Server error", AWKWARD + LONG),
        _failure("createBooking", f"Response violates schema {AWKWARD}", "short"),
        _failure("cancelBooking", "Undocumented HTTP status code", AWKWARD)]}
    names = ["createBooking", "cancelBooking", "getMultiServiceBooking"]
    out = tmp_path / "reports" / "fuzz-junit.xml"
    junit(report, names, out)
    text = out.read_text(encoding="utf-8")
    root = valid_junit(junit_schema, text)
    assert root.tag == "testsuite"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "2", "0")
    assert [c.get("name") for c in root.iter("testcase")] == names
    fails = root.findall("testcase[@name='createBooking']/failure")
    assert len(fails) == 2 and fails[0].get("type") == "Server error"
    assert fails[0].text.startswith("say \"hi\" & 'bye' <b>x</b>") and LONG in fails[0].text
    assert "NUL\\x00" in fails[0].text and "lone\\ud800" in fails[0].text and "request: " in fails[0].text
    assert root.find("testcase[@name='getMultiServiceBooking']/failure") is None
    assert {p.get("name"): p.get("value") for p in root.iter("property")} == {"cases": "75"}
    assert_no_absolute_paths(text)
