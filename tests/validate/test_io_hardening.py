"""`wixcontracts validate` on hostile input: every problem is one located line and exit 2 (never a
traceback, never a hang), duplicate keys are warnings, --path-param and --max-findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from wixcontracts.build import ROOT
from wixcontracts.cli import app
from wixcontracts.validate import io

from conftest import UUID

OK = {"declineBookingsInfo": [{"bookingId": UUID, "revision": "3"}]}
DECLINE = "declineMultiServiceBooking"
MSB = "11111111-2222-4333-8444-555555555555"


def run(*args, input=None):
    r = CliRunner().invoke(app, ["validate", *map(str, args)], input=input)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.output
    return r


def error_line(r) -> str:
    lines = r.stderr.strip().splitlines()
    assert r.exit_code == 2 and len(lines) == 1, (r.exit_code, r.output)
    return lines[0]


BIG = "9" * 5000
CASES = [  # (text, message, the text before the culprit: its column follows from it)
    ('{"declineBookingsInfo": [{"bookingId": "x", "revision": ' + BIG + "}]}",
     "integer too large (5000 digits, more than 4300)", '{"declineBookingsInfo": [{"bookingId": "x", "revision": '),
    ('{\n  "declineBookingsInfo": [],\n  "x": -' + "1" * 4301 + "\n}",
     "integer too large (4301 digits, more than 4300)", '  "x": '),
    ('{"doubleBooked": NaN}', "NaN is not a JSON value", '{"doubleBooked": '),
    ('{"a": "Infinity", "doubleBooked": -Infinity}', "-Infinity is not a JSON value", '{"a": "Infinity", "doubleBooked": '),
    ('{"revision": 1e400}', "number out of range (1e400)", '{"revision": '),
    ('{"a":\n' + "[" * 600 + "]" * 600 + "}", "JSON nested deeper than 512 levels", "[" * 511),  # "{" is level 1
]


@pytest.mark.parametrize("text,needle,before", CASES, ids=range(len(CASES)))
def test_hostile_numbers_and_nesting_are_located_input_errors(tmp_path, text, needle, before):
    p = tmp_path / "bad.json"
    p.write_text(text)
    line_no = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith(before))
    line = error_line(run(DECLINE, "--request", p))
    assert line == f"error: {p}: {needle} at line {line_no} column {len(before) + 1}"


def test_numbers_inside_strings_are_not_blamed(tmp_path):
    p = tmp_path / "s.json"
    p.write_text('{"note": "NaN 1e999 ' + "9" * 5000 + '", "doubleBooked": NaN}')
    assert "at line 1 column " + str(len('{"note": "NaN 1e999 ' + "9" * 5000 + '", "doubleBooked": ') + 1) in \
        error_line(run(DECLINE, "--request", p))


def test_jsonl_errors_carry_the_file_line(tmp_path):
    p = tmp_path / "r.jsonl"
    p.write_text(json.dumps(OK) + "\n" + '{"doubleBooked": NaN}\n')
    r = run(DECLINE, "--request", p, "--format", "json")
    assert r.exit_code == 2
    out = json.loads(r.stdout)
    assert out[1]["input_error"] == f"{p}:2: NaN is not a JSON value at line 2 column 18"


def test_a_fifo_is_refused_not_read(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    # a subprocess with a timeout: reading a FIFO with no writer would block forever
    p = subprocess.run([sys.executable, "-m", "wixcontracts", "validate", DECLINE, "--request", str(fifo)],
                       capture_output=True, text=True, timeout=60, cwd=ROOT, env={"PATH": "/usr/bin:/bin",
                                                                                "PYTHONPATH": str(ROOT)})
    assert p.returncode == 2 and p.stderr.strip() == \
        f"error: {fifo}: a FIFO, not a regular file (pipe data through '-' instead)"
    d = tmp_path / "batch"
    d.mkdir()
    os.mkfifo(d / "x.jsonl")
    assert "a FIFO" in error_line(run(DECLINE, "--request", d / "x.jsonl"))


def test_a_device_is_refused():
    assert "a device, not a regular file" in error_line(run(DECLINE, "--request", "/dev/zero"))


def test_stdin_still_works():
    assert run(DECLINE, "--request", "-", input=json.dumps(OK)).exit_code == 0


# ---------------------------------------------------------------- duplicate keys

def test_duplicate_keys_are_warnings_with_their_pointer(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # SARIF locates findings in files under the current directory
    p = Path("dup.json")
    p.write_text('{"declineBookingsInfo": [{"bookingId": "%s", "revision": "1", "revision": "3"}],\n'
                 ' "doubleBooked": true, "doubleBooked": false}' % UUID)
    r = run(DECLINE, "--request", p, "--format", "json")
    assert r.exit_code == 0, r.output  # valid: the last values are checked
    dups = [w for w in json.loads(r.stdout)["warnings"] if w["rule"] == "duplicate-key"]
    assert sorted(w["pointer"] for w in dups) == ["/declineBookingsInfo/0/revision", "/doubleBooked"]
    assert all(w["severity"] == "warning" and w["location"] == "request" for w in dups)
    text = run(DECLINE, "--request", p).stdout
    assert "duplicate-key" in text and "the last value is the one checked" in text
    sarif = json.loads(run(DECLINE, "--request", p, "--format", "sarif").stdout)
    lines = {r_["locations"][0]["physicalLocation"]["region"]["startLine"]
             for r_ in sarif["runs"][0]["results"] if r_["ruleId"] == "duplicate-key"}
    assert lines == {1, 2}


def test_duplicate_keys_in_an_exchange_point_into_its_parts(tmp_path):
    ex = ('{"method": "POST", "url": "https://www.wixapis.com/_api/bookings-service/v2/multi_service_bookings/%s/decline",'
          ' "headers": {"Authorization": "k", "wix-site-id": "%s", "wix-site-id": "%s"},'
          ' "body": {"declineBookingsInfo": [], "declineBookingsInfo": [{"bookingId": "%s", "revision": "1"}]},'
          ' "status": 200, "status": 200, "response_body": {"multiServiceBooking": {"id": "%s"}}}'
          % (MSB, UUID, UUID, UUID, MSB))
    p = tmp_path / "ex.json"
    p.write_text(ex)
    r = run("--exchange", p, "--format", "json")
    assert r.exit_code == 0, r.output
    dups = {(w["location"], w["pointer"]) for w in json.loads(r.stdout)["warnings"] if w["rule"] == "duplicate-key"}
    assert dups == {("header", "/wix-site-id"), ("request", "/declineBookingsInfo"), ("exchange", "/status")}


def test_loads_reports_every_duplicate_once():
    dups: list[str] = []
    assert io.loads('{"a": {"b": 1, "b": 2, "b": 3}, "c": [{"d": 0, "d": 1}]}', duplicates=dups) == \
        {"a": {"b": 3}, "c": [{"d": 1}]}
    assert dups == ["/a/b", "/c/0/d"]


# ---------------------------------------------------------------- --exchange

def _exchange(**kw):
    ex = {"method": "POST",
          "url": f"https://www.wixapis.com/_api/bookings-service/v2/multi_service_bookings/{MSB}/decline",
          "headers": {"Authorization": "k", "wix-site-id": UUID}, "body": OK, "status": 200,
          "response_body": {"multiServiceBooking": {"id": MSB}}}
    ex.update(kw)
    return {k: v for k, v in ex.items() if v is not ...}


@pytest.mark.parametrize("change,needle", [
    ({"url": "http://[::1/x"}, "/url (line 1 column 20): malformed URL 'http://[::1/x': Invalid IPv6 URL"),
    ({"url": "https://www.wixapis.com:99999/x"}, "/url (line 1 column 20): malformed URL"),
    ({"url": "bookings/v2/bookings"}, "expected http(s)://host/path or a path starting with /"),
    ({"url": "https://www.wixapis.com/a b"}, "contains whitespace or control characters"),
    ({"url": 5}, "/url (line 1 column 20): expected a non-empty string, got a number"),
    ({"method": "PO ST"}, "/method (line 1 column 2): not an HTTP method: 'PO ST'"),
    ({"method": ...}, "exchange needs a 'method' field (a string)"),
    ({"headers": [1, 2, 3]}, "/headers/0 (line 1 column "),
    ({"headers": [["Authorization", 5]]}, "/headers/0/1 (line 1 column "),
    ({"headers": {"Authorization": 5}}, "/headers/Authorization (line 1 column "),
    ({"headers": {"a/b": ["x"]}}, "header 'a/b': value must be a string, got an array"),
    ({"headers": "Authorization: k"}, "/headers (line 1 column "),
    ({"body": [1, 2]}, "/body (line 1 column "),
    ({"body": "x"}, "the request body must be a JSON object (or null for none), got a string"),
    ({"status": "200"}, "/status (line 1 column "),
    ({"status": True}, "expected an HTTP status (an integer 100-599), got true"),
    ({"status": 999}, "got 999"),
    ({"status": ...}, "/response_body (line 1 column "),
    ({"respnse_body": {}}, "unknown field 'respnse_body'"),
])
def test_malformed_exchanges_are_located_input_errors(tmp_path, change, needle):
    p = tmp_path / "ex.json"
    p.write_text(json.dumps(_exchange(**change)))
    line = error_line(run("--exchange", p))
    assert line.startswith(f"error: {p}: ") and needle in line, line


def test_the_header_pair_error_names_the_line(tmp_path):
    p = tmp_path / "ex.json"
    p.write_text(json.dumps(_exchange(headers=[["Authorization", "k"], [1, "x"]]), indent=2))
    line = error_line(run("--exchange", p))
    text = p.read_text().splitlines()
    n = int(line.split("(line ")[1].split()[0])
    assert "/headers/1/0" in line and text[n - 1].strip().startswith("1")


def test_a_good_exchange_still_validates(tmp_path):
    p = tmp_path / "ex.json"
    p.write_text(json.dumps(_exchange(headers=[["Authorization", "k"], ["wix-site-id", UUID]])))
    assert run("--exchange", p).exit_code == 0
    p.write_text(json.dumps(_exchange(headers=None, status=..., response_body=...)))
    r = run("--exchange", p)
    assert r.exit_code == 1 and "missing Authorization header" in r.stdout  # a finding, not an input error


# ---------------------------------------------------------------- --path-param, --max-findings, tsv

def test_path_params_are_passed_to_the_validator(tmp_path):
    p = tmp_path / "ok.json"
    p.write_text(json.dumps(OK))
    assert run(DECLINE, "--request", p, "--path-param", f"multiServiceBookingId={MSB}").exit_code == 0
    r = run(DECLINE, "--request", p, "--path-param", "multiServiceBookingId=nope", "--format", "json")
    assert r.exit_code == 1
    (f,) = json.loads(r.stdout)["errors"]
    assert (f["location"], f["pointer"], f["rule"]) == ("path", "/multiServiceBookingId", "format")
    assert "expected NAME=VALUE" in error_line(run(DECLINE, "--request", p, "--path-param", "oops"))
    assert "--path-param applies to --request" in error_line(run(DECLINE, "--response", p, "--path-param", "a=b"))


def test_max_findings_caps_the_report(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps({"a": 1, "b": 2, "c": 3, "d": 4}))
    full = json.loads(run(DECLINE, "--request", p, "--format", "json").stdout)
    assert len(full["errors"]) >= 4
    capped = json.loads(run(DECLINE, "--request", p, "--format", "json", "--max-findings", "2").stdout)
    shown = [f for f in capped["errors"] + capped["warnings"] if f["rule"] != "truncated"]
    assert len(shown) == 2 and capped["ok"] is False
    # the engine's cap (Contracts.validate_*(max_findings=)) says what it left out in one summary finding
    (summary,) = [f for f in capped["errors"] if f["rule"] == "truncated"]
    hidden = len(full["errors"]) + len(full["warnings"]) - 2
    assert summary["actual"] == str(hidden) and f"{hidden} more findings not shown" in summary["message"]
    assert run(DECLINE, "--request", p, "--max-findings", "0").exit_code == 2


def test_tsv_is_one_row_per_finding(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps({"a": 1, "b": 2}))
    r = run(DECLINE, "--request", p, "--format", "tsv")
    rows = [ln.split("\t") for ln in r.stdout.splitlines()]
    assert r.exit_code == 1 and rows[0][:4] == ["payload", "operation", "severity", "rule"]
    assert {(x[3], x[5]) for x in rows[1:]} >= {("undocumented-field", "/a"), ("undocumented-field", "/b")}


def test_a_lone_surrogate_is_an_input_error_not_a_crash(tmp_path):
    p = tmp_path / "s.json"
    p.write_text('{"declineBookingsInfo": [{"bookingId": "\\ud800", "revision": "1"}]}')
    line = error_line(run(DECLINE, "--request", p))
    assert "/declineBookingsInfo/0/bookingId is not valid Unicode" in line
