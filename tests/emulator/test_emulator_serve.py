from typer.testing import CliRunner

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
