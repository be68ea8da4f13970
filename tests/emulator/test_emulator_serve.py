from click.testing import CliRunner

from wixcontracts import commands  # noqa: F401  (registers serve)
from wixcontracts.cli import app
from wixcontracts.emulator.serve import _is_loopback


def test_serve_registered():
    r = CliRunner().invoke(app, ["serve", "--help"])
    assert r.exit_code == 0 and "--allow-remote" in r.output and "--seed" in r.output


def test_serve_refuses_remote_host():
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 2


def test_loopback_detection():
    assert _is_loopback("127.0.0.1") and _is_loopback("::1") and _is_loopback("localhost")
    assert not _is_loopback("0.0.0.0") and not _is_loopback("10.0.0.1") and not _is_loopback("example.com")


def test_serve_refuses_a_busy_port_with_one_line():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = CliRunner().invoke(app, ["serve", "--port", str(port)])
    assert r.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


import pytest  # noqa: E402


@pytest.mark.parametrize("text,needle", [
    ("{oops", "not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)"),
    ("[]", "expected a JSON object, got an array"),
    ('{"bookings": 5}', "/bookings must be a list (or an object) of booking objects"),
    ('{"bookings": [1]}', "/bookings must be a list (or an object) of booking objects"),
    ('{"bookings": [{"id": 5}]}', "/bookings/0/id must be a string"),
    ('{"multiServiceBookings": {"m": "b"}}', "/multiServiceBookings/m must be a list of booking ids"),
    ('{"multiServiceBookings": 3}', "/multiServiceBookings must be an object"),
])
def test_a_bad_seed_file_is_one_located_line(tmp_path, text, needle):
    p = tmp_path / "seed.json"
    p.write_text(text)
    r = CliRunner().invoke(app, ["serve", "--seed", str(p), "--port", "1"])
    assert r.exit_code == 2 and needle in r.stderr and str(p) in r.stderr, r.output
    assert len(r.stderr.strip().splitlines()) == 1


def test_the_readme_seed_file_loads():
    from wixcontracts.build import ROOT
    from wixcontracts.emulator.core import Emulator
    from wixcontracts.emulator.serve import load_seed

    emu = Emulator(seed_state=load_seed(ROOT / "examples" / "emulator-state.json"))
    assert emu.bookings and emu.msbs
