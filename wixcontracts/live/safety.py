"""Refusals before any live call: credentials, ``WIX_SANDBOX=1``, and the site/account allow-list
in ``wixcontracts.toml``::

    [live]
    allowed_site_ids = ["<sandbox site id>"]
    allowed_account_ids = []
    # base_url = "..."            (optional)
    # create_booking_body = "..." (optional JSON file; default: the docs example)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .client import Credentials


@dataclass
class LiveConfig:
    allowed_site_ids: list[str] = field(default_factory=list)
    allowed_account_ids: list[str] = field(default_factory=list)
    base_url: str | None = None
    create_booking_body: str | None = None
    path: Path | None = None

    @classmethod
    def load(cls, path: Path) -> "LiveConfig":
        data = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("live", {})
        return cls([str(s) for s in data.get("allowed_site_ids", [])],
                   [str(s) for s in data.get("allowed_account_ids", [])],
                   data.get("base_url"), data.get("create_booking_body"), Path(path))


class Refused(Exception):
    pass


def check(env: Mapping[str, str], config_path: Path | None) -> tuple[Credentials, LiveConfig]:
    """Credentials + config, or ``Refused`` with the reason. No credentials → ``None`` credentials
    is handled by the caller (a skip, not a refusal)."""
    creds = Credentials.from_env(env)
    if creds is None:
        raise LookupError("no credentials")
    if env.get("WIX_SANDBOX") != "1":
        raise Refused("WIX_SANDBOX=1 is not set: live runs only go to sandbox sites")
    if config_path is None or not Path(config_path).is_file():
        raise Refused(f"config {config_path} not found: it must list the allowed sandbox site ids")
    try:
        cfg = LiveConfig.load(config_path)
    except (tomllib.TOMLDecodeError, OSError) as e:
        raise Refused(f"config {config_path}: {e}") from None
    if creds.site_id:
        if creds.site_id not in cfg.allowed_site_ids:
            raise Refused("WIX_SITE_ID is not on the allow-list (live.allowed_site_ids) in " + str(config_path))
    elif creds.account_id not in cfg.allowed_account_ids:
        raise Refused("WIX_ACCOUNT_ID is not on the allow-list (live.allowed_account_ids) in " + str(config_path))
    return creds, cfg
