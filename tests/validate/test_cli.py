"""`wixcontracts validate`: exit codes, output formats, batches and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import wixcontracts.validate.cli  # noqa: F401  (registers the command)
from wixcontracts.cli import app

from conftest import UUID, booking_response, curl_examples

runner = CliRunner()


def run(*args, input=None):
    r = runner.invoke(app, ["validate", *map(str, args)], input=input)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.output
    return r


def write(tmp_path, name, obj):
    p = tmp_path / name
    p.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return p


def test_valid_invalid_and_warning_exit_codes(tmp_path, decline_body, contracts):
    assert run("declineMultiServiceBooking", "--request", write(tmp_path, "ok.json", decline_body)).exit_code == 0
    (ex,) = curl_examples(contracts, "declineMultiServiceBooking")
    r = run("declineMultiServiceBooking", "--request", write(tmp_path, "ex.json", ex))
    assert r.exit_code == 1
    assert "/flowControlSettings/skipRefundValidation" in r.output and "undocumented-field" in r.output
    assert "https://dev.wix.com/" in r.output
    r = run("declineMultiServiceBooking", "--request", tmp_path / "ex.json", "--allow-unknown", "--format", "json")
    out = json.loads(r.stdout)
    assert out["operation"] == "bookings.declineMultiServiceBooking"
    assert [w["rule"] for w in out["warnings"]] == ["undocumented-field"]
    drift = booking_response()
    drift["booking"]["brandNew"] = True
    p = write(tmp_path, "drift.json", drift)
    assert run("createBooking", "--response", p).exit_code == 0
    assert run("createBooking", "--response", p, "--strict").exit_code == 1


def test_stdin_and_error_status(tmp_path):
    body = json.dumps({"message": "m", "details": {"applicationError": {"code": "BOOKING_NOT_FOUND"}}})
    r = run("declineMultiServiceBooking", "--error", "-", "--status", "404", input=body)
    assert r.exit_code == 0 and "valid" in r.output
    r = run("declineMultiServiceBooking", "--error", "-", "--status", "400", input=body)
    assert r.exit_code == 0 and "undocumented-error-code" in r.output
    r = run("declineMultiServiceBooking", "--response", "-", "--status", "404", input='{"message": 1}')
    assert r.exit_code == 1 and "envelope" in r.output


def test_usage_errors_exit_2(tmp_path, decline_body):
    p = write(tmp_path, "ok.json", decline_body)
    r = run("declineMultiServiceBookin", "--request", p)
    assert r.exit_code == 2 and "did you mean declineMultiServiceBooking" in r.output.replace("\n", " ")
    assert run("declineMultiServiceBooking", p).exit_code == 2  # no kind
    assert run("declineMultiServiceBooking", "--request", "--response", p).exit_code == 2
    assert run("cancelBooking", "--error", p, "--surface", "sdk").exit_code in (0, 1)  # falls back to REST errors


@pytest.mark.parametrize("content,needle", [
    ("{not json", "not valid JSON"),
    ("", "empty input"),
    ("   \n", "empty input"),
    ("[1, 2]", "expected a JSON object, got an array"),
    ("42", "expected a JSON object"),
    (b"\x00\x01\x02\xff\xfe garbage", "binary data"),
    (b"\xff\xfe{}", "not UTF-8"),
])
def test_bad_input_one_line_exit_2(tmp_path, content, needle):
    p = tmp_path / "bad.json"
    (p.write_bytes if isinstance(content, bytes) else p.write_text)(content)
    r = run("createBooking", "--request", p)
    assert r.exit_code == 2
    assert needle in r.output and "bad.json" in r.output.replace("\n", "")


def test_missing_and_huge_files_exit_2(tmp_path):
    r = run("createBooking", "--request", tmp_path / "nope.json")
    assert r.exit_code == 2 and "no such file" in r.output
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as fh:  # sparse: 101 MB on paper, nothing read
        fh.truncate(101 * 1024 * 1024)
    r = run("createBooking", "--request", huge)
    assert r.exit_code == 2 and "larger than" in r.output
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    assert run("createBooking", "--request", empty_dir).exit_code == 2


def test_batch_directory_and_jsonl(tmp_path, decline_body):
    d = tmp_path / "batch"
    d.mkdir()
    write(d, "a.json", decline_body)
    write(d, "b.json", {**decline_body, "doubleBooked": "x"})
    r = run("declineMultiServiceBooking", "--request", d)
    assert r.exit_code == 1 and "1/2 valid" in r.output
    write(d, "c.json", "{oops")
    assert run("declineMultiServiceBooking", "--request", d).exit_code == 2
    lines = tmp_path / "r.jsonl"
    lines.write_text("\n".join(json.dumps(decline_body) for _ in range(5)) + "\n\n")
    r = run("declineMultiServiceBooking", "--request", lines, "--format", "json")
    assert r.exit_code == 0 and len(json.loads(r.stdout)) == 5
    r = run("declineMultiServiceBooking", "--request", lines, "--format", "junit")
    suite = ET.fromstring(r.stdout)
    assert suite.get("tests") == "5" and suite.get("failures") == "0"


def test_junit_reports_failures(tmp_path, contracts):
    (ex,) = curl_examples(contracts, "declineMultiServiceBooking")
    r = run("declineMultiServiceBooking", "--request", write(tmp_path, "ex.json", ex), "--format", "junit")
    assert r.exit_code == 1
    suite = ET.fromstring(r.stdout)
    assert suite.get("failures") == "1" and "skipRefundValidation" in suite.find("testcase/failure").text


def test_exchange_file(tmp_path, decline_body):
    ex = {"method": "POST", "url": f"https://www.wixapis.com/bookings/multiServiceBookings/v2/multi_service_bookings/{UUID}/decline",
          "headers": {"Authorization": "x", "wix-site-id": UUID}, "body": decline_body, "status": 200,
          "response_body": {"multiServiceBooking": {"id": UUID}}}
    assert run("--exchange", write(tmp_path, "ex.json", ex)).exit_code == 0
    ex["headers"] = {}
    r = run("--exchange", write(tmp_path, "ex2.json", ex))
    assert r.exit_code == 1 and "header" in r.output
    assert run("--exchange", write(tmp_path, "ex3.json", {"url": 1})).exit_code == 2


def test_subprocess_entry_point_and_lazy_imports(tmp_path, decline_body):
    exe = Path(sys.executable).with_name("wixcontracts")
    p = write(tmp_path, "ok.json", decline_body)
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "wixcontracts"]
    r = subprocess.run([*cmd, "validate", "declineMultiServiceBooking", "--request", str(p)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([*cmd, "validate", "createBooking", "--request", str(tmp_path / "missing.json")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    code = ("import sys, json; from wixcontracts.validate import Contracts; c = Contracts.load(); "
            f"r = c.validate_request('declineMultiServiceBooking', json.load(open({str(p)!r}))); "
            "print(r.ok, 'jsonschema' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert out.stdout.split() == ["True", "False"], out.stderr
