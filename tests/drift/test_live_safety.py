"""`wixcontracts live run`: no credentials → skip; refusals; dry run makes no call; recorder scrubbing;
the runner never touches bookings it did not create."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

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


def test_no_credentials_fails_unless_allow_skip(cfg):
    r = invoke(["--config", str(cfg)], {})
    assert r.exit_code == 2 and "no credentials" in r.output and "skipped" not in r.output
    assert len(r.output.strip().splitlines()) == 1
    r = invoke(["--config", str(cfg), "--allow-skip"], {})
    assert r.exit_code == 0 and "skipped: no credentials" in r.output


@pytest.mark.parametrize("text,needle", [
    ('live = "x"', "wixcontracts.toml:1: live must be a table"),
    ("[live]\nallowed_site_ids = 5", "wixcontracts.toml:2: live.allowed_site_ids must be a list of site id strings, "
                                     "got an integer"),
    ('[live]\n\nallowed_site_ids = "abc"', "wixcontracts.toml:3: live.allowed_site_ids must be a list of strings, got "
                                          'a string; write allowed_site_ids = ["abc"]'),
    ('[live]\nallowed_site_ids = ["site-ok"]\nalowed_account_ids = []',
     "wixcontracts.toml:3: unknown key live.alowed_account_ids (did you mean allowed_account_ids?)"),
    ('allowed_site_ids = ["site-ok"]', "unknown key 'allowed_site_ids' (the settings go under a [live] table)"),
    ("[live\nallowed_site_ids = []", "invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 6)"),
    ("[live]\nallowed_site_ids = [1]", "wixcontracts.toml:2: live.allowed_site_ids[0] must be a non-empty string"),
    ('[live]\nallowed_site_ids = ["site-ok"]\nbase_url = "ftp://x"', "wixcontracts.toml:3: live.base_url must be"),
    ('[live]\nallowed_site_ids = ["site-ok"]\ncreate_booking_body = "nope.json"', "nope.json: no such file"),
    ("", "no [live] table"),
])
def test_config_errors_are_located_exit_2(tmp_path, text, needle):
    p = tmp_path / "wixcontracts.toml"
    p.write_text(text)
    r = invoke(["--config", str(p)], ENV)
    assert r.exit_code == 2, r.output
    assert needle in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1, r.output


def test_a_string_allow_list_never_lets_a_single_character_site_pass(tmp_path):
    p = tmp_path / "wixcontracts.toml"
    p.write_text('[live]\nallowed_site_ids = "abc"\n')
    for site in ("a", "b", "abc"):
        r = invoke(["--config", str(p)], {**ENV, "WIX_SITE_ID": site})
        assert r.exit_code == 2 and "must be a list of strings" in r.output


def test_the_readme_config_example_is_valid(tmp_path):
    """The README shows a complete wixcontracts.toml; it must load as documented."""
    import re

    from wixcontracts.build import ROOT
    from wixcontracts.live.safety import LiveConfig

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"```toml\n(.*?\[live\].*?)```", readme, re.S)
    assert m, "README.md shows no [live] toml block"
    cfg = LiveConfig.parse(m.group(1), ROOT / "wixcontracts.toml")  # paths in it are relative to the checkout
    assert cfg.allowed_site_ids and all(isinstance(s, str) for s in cfg.allowed_site_ids)
    assert cfg.base_url and cfg.create_booking_body
    from wixcontracts.validate import Contracts, io

    body = io.load(cfg.create_booking_body)
    assert Contracts.load().validate_request("bookings.createBooking", body).ok


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
