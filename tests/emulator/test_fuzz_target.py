"""`wixcontracts fuzz --url` against the emulator served on a loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from tests.serving import serving_app
from wixcontracts.build import ROOT
from wixcontracts.emulator.asgi import create_app
from wixcontracts.emulator.core import Emulator
from wixcontracts.fuzz_target import TargetRefused, check_target, is_loopback


@pytest.fixture(scope="module")
def served():
    with serving_app(create_app(Emulator(require_auth=True))) as base:
        yield base


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "wixcontracts", "fuzz", *args], cwd=ROOT, capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", **(env or {})}, timeout=300)


def test_fuzz_a_served_emulator_writes_junit(served, tmp_path):
    out = tmp_path / "junit.xml"
    p = cli("--url", served, "--operations", "createBooking", "--operations", "cancelBooking", "--allow-writes",
            "--examples", "5", "--junit", str(out), env={"WIX_API_KEY": "k", "WIX_SITE_ID": "s"})
    assert p.returncode == 0, p.stdout + p.stderr
    assert "2 operations" in p.stdout and "0 failures" in p.stdout
    import re

    assert int(re.search(r"(\d+) cases", p.stdout).group(1)) >= 10  # requests really went over the socket
    suite = ET.parse(out).getroot()
    assert suite.get("tests") == "2" and suite.get("failures") == "0"
    assert {c.get("name") for c in suite.iter("testcase")} == {"bookings.createBooking", "bookings.cancelBooking"}


def test_read_only_by_default(served, tmp_path):
    p = cli("--url", served, "--operations", "createBooking", "--junit", str(tmp_path / "j.xml"))
    assert p.returncode == 2 and "--allow-writes" in p.stderr


def test_non_loopback_targets_are_refused_without_consent():
    assert is_loopback("http://127.0.0.1:1") and is_loopback("http://[::1]:8") and is_loopback("http://localhost")
    with pytest.raises(TargetRefused, match="--i-own-this-site"):
        check_target("https://www.wixapis.com", False)
    check_target("https://www.wixapis.com", True)  # consent given: allowed (not called here)
    p = cli("--url", "https://sandbox.example.com")
    assert p.returncode == 2 and "not a loopback address" in p.stderr and "Traceback" not in p.stderr


def test_unknown_operation_gets_a_suggestion():
    p = cli("--url", "http://127.0.0.1:9", "--operations", "createBookin", "--allow-writes")
    assert p.returncode == 2 and "did you mean createBooking" in p.stderr


def test_against_the_emulator_only_what_it_emulates_is_fuzzed(served, tmp_path):
    # read-only by default: only the GETs of the emulated operations (10 of them)
    p = cli("--url", served, "--examples", "2", "--junit", str(tmp_path / "j.xml"),
            env={"WIX_API_KEY": "k", "WIX_SITE_ID": "s"})
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith("10 operations,") and "0 failures" in p.stdout
    assert "fuzzing the 10 operation(s) it emulates" in p.stderr
    suite = ET.parse(tmp_path / "j.xml").getroot()
    from wixcontracts.catalog import Catalog
    from wixcontracts.emulator.core import EMULATED

    gets = sorted(o for o in EMULATED if Catalog().operation(o)["method"] == "GET")
    assert sorted(c.get("name") for c in suite.iter("testcase")) == gets and len(gets) == 10
    # naming an operation the emulator does not emulate is refused before any request
    p = cli("--url", served, "--operations", "staff-members.getDeletedStaffMember")
    assert p.returncode == 2 and "does not emulate staff-members.getDeletedStaffMember" in p.stderr


def test_an_unreachable_target_is_exit_2_before_fuzzing():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    p = cli("--url", f"http://127.0.0.1:{port}")
    assert p.returncode == 2 and f"cannot reach http://127.0.0.1:{port}" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
