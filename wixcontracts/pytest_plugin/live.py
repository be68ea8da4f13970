"""``--wix-live``: the same sandbox gate as ``wixcontracts live run`` (``wixcontracts.live.safety``).

A live test runs only when ``WIX_API_KEY`` and ``WIX_SITE_ID`` (or ``WIX_ACCOUNT_ID``) are set,
``WIX_SANDBOX=1``, the site (account) id is on the allow-list of ``wixcontracts.toml`` (``[live]
allowed_site_ids``), and the API's base URL is https.  Otherwise the test **fails** with the reason;
only missing credentials may be turned into a skip, with ``--wix-allow-skip`` (skipping is not passing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .core import BASE_URL


def config_path(config) -> Path:
    opt = config.getoption("--wix-config")
    if opt:
        p = Path(opt)
        return p if p.is_absolute() else Path(config.invocation_params.dir) / p
    return Path(str(config.rootpath)) / "wixcontracts.toml"


def _decide(config) -> tuple[str, str, str]:
    """(verdict, reason, base URL): verdict ``ok`` | ``no-credentials`` | ``refused``."""
    from ..live.safety import Refused, check

    path = config_path(config)
    try:
        _creds, cfg = check(os.environ, path)
    except LookupError:
        return "no-credentials", ("no credentials: set WIX_API_KEY and WIX_SITE_ID (or WIX_ACCOUNT_ID) for "
                                  "--wix-live"), BASE_URL
    except Refused as e:
        return "refused", f"--wix-live refused: {e}", BASE_URL
    base = (cfg.base_url or BASE_URL).rstrip("/")
    if not base.startswith("https://"):
        return "refused", f"--wix-live refused: base_url {base} in {path} is not https", base
    return "ok", "", base


def live_settings(config) -> dict:
    live = bool(config.getoption("--wix-live"))
    if not live:
        return {"live": False, "live_base": BASE_URL}
    if config._wix_live is None:
        config._wix_live = _decide(config)
    return {"live": True, "live_base": config._wix_live[2]}


def gate(config) -> None:
    __tracebackhide__ = True
    verdict, reason, _base = config._wix_live or _decide(config)
    if verdict == "ok":
        return
    if verdict == "no-credentials" and config.getoption("--wix-allow-skip"):
        pytest.skip(f"skipped: {reason} (--wix-allow-skip)")
    pytest.fail(reason + ("" if verdict == "refused" else "; --wix-allow-skip turns this into a skip"),
                pytrace=False)
