"""`wixcontracts live run`: no credentials → skip; refusals; dry run makes no call; recorder scrubbing;
the runner never touches bookings it did not create."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import wixcontracts.commands  # noqa: F401
from wixcontracts.cli import app
from wixcontracts.live.safety import Refused, check

ENV = {"WIX_API_KEY": "k", "WIX_SITE_ID": "site-ok", "WIX_SANDBOX": "1"}


@pytest.fixture
def cfg(tmp_path):
    p = tmp_path / "wixcontracts.toml"
    p.write_text('[live]\nallowed_site_ids = ["site-ok"]\n')
    return p


def invoke(args, env):
    base = {k: None for k in ("WIX_API_KEY", "WIX_SITE_ID", "WIX_ACCOUNT_ID", "WIX_SANDBOX")}
    return CliRunner().invoke(app, ["live", "run", *args], env={**base, **env})


def test_no_credentials_skips_with_exit_0(cfg):
    r = invoke(["--config", str(cfg)], {})
    assert r.exit_code == 0 and "skipped: no credentials" in r.output


@pytest.mark.parametrize("env,reason", [
    ({**ENV, "WIX_SANDBOX": "0"}, "WIX_SANDBOX=1"),
    ({**ENV, "WIX_SITE_ID": "prod-site"}, "allow-list"),
])
def test_refusals(cfg, env, reason):
    r = invoke(["--config", str(cfg)], env)
    assert r.exit_code == 2 and "refused" in r.output and reason in r.output


def test_refuses_without_config(tmp_path):
    with pytest.raises(Refused, match="not found"):
        check(ENV, tmp_path / "missing.toml")
    with pytest.raises(LookupError):
        check({}, None)


def test_dry_run_prints_plan_and_makes_no_call(cfg, monkeypatch):
    import httpx

    def no_network(*a, **k):
        raise AssertionError("dry run made a call")

    monkeypatch.setattr(httpx.Client, "send", no_network)
    r = invoke(["--dry-run", "--config", str(cfg)], ENV)
    assert r.exit_code == 0, r.output
    assert "createBooking" in r.output and "cancelBooking" in r.output and "plan" in r.output


def test_runner_refuses_foreign_bookings_and_recorder_scrubs(tmp_path):
    from wixcontracts.emulator.core import Emulator
    from wixcontracts.live.client import Credentials, EmulatorTransport, WixClient
    from wixcontracts.live.ratelimit import TokenBucket
    from wixcontracts.live.recorder import Recorder, minimal_scrub_headers
    from wixcontracts.live.runner import Runner

    emu = Emulator(seed_state={"bookings": [{"id": "someone-elses", "revision": 1}]})
    c = WixClient(Credentials("SECRETKEY", "SITE"), transport=EmulatorTransport(emu),
                  bucket=TokenBucket(clock=lambda: 0.0, sleep=lambda s: None))
    runner = Runner(c, recorder=Recorder(tmp_path, ["SECRETKEY", "SITE"]), operations={r.name for r in emu.routes})
    with pytest.raises(PermissionError):
        runner._cancel("x", "someone-elses")
    s = runner.run()
    assert emu.bookings["someone-elses"]["status"] == "CREATED"  # untouched
    assert s.created and all(emu.bookings[b]["status"] in ("CANCELED", "DECLINED") for b in s.created)
    text = "".join(open(p).read() for p in s.fixtures)
    assert "SECRETKEY" not in text and '"SITE"' not in text
    assert minimal_scrub_headers({"Authorization": "x", "Cookie": "c", "X-Wix-Request-Id": "r"}) == \
        {"authorization": "<redacted>", "x-wix-request-id": "r"}
