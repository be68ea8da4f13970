"""wixcontracts.report.sarif: pointer → line, paths relative to the root or absent, stable fingerprints."""

from __future__ import annotations

import json

import pytest

from wixcontracts.report.sarif import Log, display_path, fingerprint, locate, relative_uri

from .conftest import AWKWARD, LONG, assert_no_absolute_paths, fingerprints, results, valid_sarif

DOC = """{
  "booking": {
    "status": "NO_SHOW",
    "items": [
      {"id": 1},
      {"id": 2, "extra": true}
    ],
    "a/b~c": "é😀x"
  }
}
"""


@pytest.mark.parametrize("pointer, expected", [
    ("", (1, 1, True)),
    ("/booking", (2, 3, True)),
    ("/booking/status", (3, 5, True)),
    ("/booking/items/1/extra", (6, 17, True)),
    ("/booking/items/*/extra", (6, 17, True)),  # "*": the element that has it
    ("/booking/a~1b~0c", (8, 5, True)),
    ("/booking/missing", (2, 3, False)),  # a missing field: the object that lacks it
    ("/booking/items/7", (4, 5, False)),
])
def test_locate(pointer, expected):
    assert locate(DOC, pointer) == expected


def test_locate_columns_are_utf16_and_bad_json_gives_none():
    assert locate('{"é😀": 1, "k": 2}', "/k") == (1, 12, True)  # é = 1 unit, 😀 = 2 units
    assert locate("{oops", "/k") is None


def test_paths_are_relative_to_the_root_or_absent(tmp_path):
    (tmp_path / "sub dir").mkdir()
    f = tmp_path / "sub dir" / "pay#load é.json"
    f.write_text(DOC)
    assert relative_uri(f, tmp_path) == "sub%20dir/pay%23load%20%C3%A9.json"
    assert relative_uri(f, tmp_path / "sub dir" / "x") is None  # outside the root
    assert relative_uri(tmp_path, tmp_path) is None
    assert display_path(f, tmp_path) == "sub dir/pay#load é.json" and display_path(f, tmp_path / "x") == f.name
    log = Log(root=tmp_path / "sub dir")
    assert log.physical(f, "/booking/status") == {
        "artifactLocation": {"uri": "pay%23load%20%C3%A9.json", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 5}}
    assert Log(root=tmp_path / "elsewhere").physical(f, "/booking") is None


def _log(root, order=1) -> Log:
    log = Log(root=root, category="test/")
    log.rule("r1", "first rule", help_uri="https://example.org/r1")
    findings = [("r1", "op", "/a", LONG), ("r1", "op", "/b", AWKWARD), ("r2", "op", "/a", "x"),
                ("r1", "other", "/a", "y")]
    for rule, op, ptr, msg in findings[::order]:
        log.result(rule, "error", msg, identity=(op, ptr), physical=log.physical(root / "f.json", ptr),
                   logical=log.logical(ptr, f"{op} {ptr}"), properties={"example": AWKWARD})
    return log


def test_log_is_valid_and_fingerprints_hash_identity_only(tmp_path, sarif_validator):
    (tmp_path / "f.json").write_text('{\n "a": 1,\n "b": 2\n}\n')
    text = _log(tmp_path).dumps()
    doc = valid_sarif(sarif_validator, text)
    assert_no_absolute_paths(text, doc, tmp_path)
    fps = fingerprints(doc)
    assert len(set(fps)) == 4  # rule, operation and pointer all count
    assert fps == fingerprints(json.loads(_log(tmp_path).dumps()))  # stable across runs
    assert sorted(fingerprints(json.loads(_log(tmp_path, -1).dumps()))) == sorted(fps)  # not order-dependent
    (tmp_path / "f.json").write_text('\n\n{"b": 2,\n\n "a": 1}')  # lines move, identity does not
    moved = json.loads(_log(tmp_path).dumps())
    assert fingerprints(moved) == fps
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results(moved)][:2] == [5, 3]
    assert fingerprint("r1", "op", "/a") != fingerprint("r1", "op/", "a")  # parts are delimited
    run = doc["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["r1", "r2"]
    assert run["tool"]["driver"]["rules"][0]["helpUri"] == "https://example.org/r1"
    assert [r["ruleIndex"] for r in run["results"]] == [0, 0, 1, 0]
    assert run["automationDetails"] == {"id": "test/"}
    assert "lone\\ud800" in run["results"][1]["message"]["text"]  # made visible, still writable as UTF-8


def test_bad_level_is_refused(tmp_path):
    with pytest.raises(ValueError):
        Log(root=tmp_path).result("r", "fatal", "m", identity=())
