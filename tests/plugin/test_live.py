"""--wix-live: the sandbox gate of `wixcontracts live run`; no credentials fail unless --wix-allow-skip."""

import pytest

from tests.plugin.test_plugin import run

SITE = "3f1b2c4d-0000-4000-8000-00000000a11e"


@pytest.fixture
def env(monkeypatch):
    for k in ("WIX_API_KEY", "WIX_SITE_ID", "WIX_ACCOUNT_ID", "WIX_SANDBOX"):
        monkeypatch.delenv(k, raising=False)
    return monkeypatch


SRC = "def test_live(wix_api):\n    pass\n"


def test_no_credentials_fail_unless_allowed_to_skip(pytester, env):
    r = run(pytester, SRC, "--wix-live")
    r.assert_outcomes(errors=1)
    r.stdout.fnmatch_lines(["*no credentials: set WIX_API_KEY and WIX_SITE_ID*--wix-allow-skip turns this into a skip*"])
    r = pytester.runpytest("-p", "no:cacheprovider", "--wix-live", "--wix-allow-skip", "-rs")
    r.assert_outcomes(skipped=1)
    r.stdout.fnmatch_lines(["*skipped: no credentials*"])


def test_refusals_fail_even_with_allow_skip(pytester, env):
    env.setenv("WIX_API_KEY", "k")
    env.setenv("WIX_SITE_ID", SITE)
    r = run(pytester, SRC, "--wix-live", "--wix-allow-skip")
    r.assert_outcomes(errors=1)
    r.stdout.fnmatch_lines(["*--wix-live refused: WIX_SANDBOX=1 is not set*"])
    env.setenv("WIX_SANDBOX", "1")
    r = pytester.runpytest("-p", "no:cacheprovider", "--wix-live")
    r.stdout.fnmatch_lines(["*--wix-live refused: config *wixcontracts.toml not found*"])
    (pytester.path / "wixcontracts.toml").write_text('[live]\nallowed_site_ids = ["someone-else"]\n')
    r = pytester.runpytest("-p", "no:cacheprovider", "--wix-live")
    r.stdout.fnmatch_lines(["*WIX_SITE_ID is not on the allow-list*"])
    (pytester.path / "wixcontracts.toml").write_text(f'[live]\nallowed_site_ids = ["{SITE}"]\nbase_url = "http://127.0.0.1:9"\n')
    r = pytester.runpytest("-p", "no:cacheprovider", "--wix-live")
    r.stdout.fnmatch_lines(["*--wix-live refused: base_url http://127.0.0.1:9 in *wixcontracts.toml is not https*"])
    (pytester.path / "wixcontracts.toml").write_text(f'[live]\nallowed_site_ids = ["{SITE}"]\n')
    r = pytester.runpytest("-p", "no:cacheprovider", "--wix-live")
    r.assert_outcomes(passed=1)  # the gate lets a sandbox site on the allow-list through (no call made)
