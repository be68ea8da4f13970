"""Refusals before any live call: credentials, ``WIX_SANDBOX=1``, and the site/account allow-list in
``wixcontracts.toml``, validated field by field (every problem is a ``ConfigError`` naming the file,
the line and the key)::

    [live]
    allowed_site_ids = ["<sandbox site id>"]   # WIX_SITE_ID must be one of these
    allowed_account_ids = []                   # or WIX_ACCOUNT_ID one of these
    # base_url = "https://..."                 (optional; default the Wix API host)
    # create_booking_body = "booking.json"     (optional JSON file, relative to this file; default: the docs example)
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from .client import Credentials

KEYS = {"allowed_site_ids": "a list of site id strings", "allowed_account_ids": "a list of account id strings",
        "base_url": "an http(s) URL string", "create_booking_body": "a path to a JSON file (a string)"}


class Refused(Exception):
    pass


class ConfigError(ValueError):
    """``wixcontracts.toml`` is not what a live run needs: one line with the file, the line and the key."""


def _type(v: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "a list",
            dict: "a table"}.get(type(v), type(v).__name__)


def _line_of(text: str, key: str, section: str | None) -> int | None:
    """The line assigning ``key`` -- inside ``[section]``, as ``section.key = ...``, or in an inline table
    ``section = {...}`` (that line) -- or, with no section, the top-level key or table ``[key]``."""
    current, fallback = None, None
    k = rf'"?{re.escape(key)}"?'
    for i, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        m = re.match(r"\[\s*([^\]]+?)\s*\]", s)
        if m:
            current = m.group(1).strip().strip('"')
            if section is None and current.split(".")[0] == key:
                return i
            continue
        if section is None:
            if current is None and re.match(rf"{k}\s*[=.]", s):
                return i
        elif (current == section and re.match(rf"{k}\s*=", s)) or \
                (current is None and re.match(rf'"?{re.escape(section)}"?\s*\.\s*{k}\s*=', s)):
            return i
        elif current is None and fallback is None and re.match(rf'"?{re.escape(section)}"?\s*=', s):
            fallback = i
    return fallback


@dataclass
class LiveConfig:
    allowed_site_ids: list[str] = field(default_factory=list)
    allowed_account_ids: list[str] = field(default_factory=list)
    base_url: str | None = None
    create_booking_body: str | None = None
    path: Path | None = None

    @classmethod
    def load(cls, path: Path) -> "LiveConfig":
        path = Path(path)
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise ConfigError(f"{path}: is a directory, not a TOML file") from None
        except OSError as e:
            raise ConfigError(f"{path}: cannot read ({e.strerror})") from None
        except UnicodeDecodeError as e:
            raise ConfigError(f"{path}: not UTF-8 text (byte {e.start})") from None
        return cls.parse(text, path)

    @classmethod
    def parse(cls, text: str, path: Path) -> "LiveConfig":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: invalid TOML: {e}") from None

        def err(key: str | None, msg: str, section: str | None = "live"):
            line = _line_of(text, key, section) if key else None
            where = f"{path}:{line}" if line else str(path)
            raise ConfigError(f"{where}: {msg}")

        unknown_top = [k for k in data if k != "live"]
        if unknown_top:
            k = unknown_top[0]
            hint = " (the settings go under a [live] table)" if k in KEYS else ""
            err(k, f"unknown key {k!r}{hint}; the file holds one [live] table", None)
        if "live" not in data:
            raise ConfigError(f"{path}: no [live] table; it must list the allowed sandbox site ids, e.g. "
                              '[live] allowed_site_ids = ["<site id>"]')
        live = data["live"]
        if not isinstance(live, dict):
            err("live", f"live must be a table ([live] with its keys below), got {_type(live)}", None)
        for k in live:
            if k not in KEYS:
                close = difflib.get_close_matches(k, list(KEYS), n=1)
                err(k, f"unknown key live.{k}" + (f" (did you mean {close[0]}?)" if close else "")
                    + f"; known keys: {', '.join(KEYS)}")
        lists = {}
        for k in ("allowed_site_ids", "allowed_account_ids"):
            v = live.get(k, [])
            if isinstance(v, str):  # never iterate a string: "abc" would allow sites "a", "b", "c"
                err(k, f"live.{k} must be a list of strings, got a string; write {k} = [{v!r}]".replace("'", '"'))
            if not isinstance(v, list):
                err(k, f"live.{k} must be {KEYS[k]}, got {_type(v)}")
            for i, item in enumerate(v):
                if not isinstance(item, str) or not item.strip():
                    err(k, f"live.{k}[{i}] must be a non-empty string, got "
                        + ("an empty string" if isinstance(item, str) else _type(item)))
            lists[k] = [s.strip() for s in v]
        base_url = live.get("base_url")
        if base_url is not None:
            parts = urlsplit(base_url) if isinstance(base_url, str) else None
            if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
                err("base_url", f"live.base_url must be {KEYS['base_url']}, got "
                    + (repr(base_url) if isinstance(base_url, str) else _type(base_url)))
        body = live.get("create_booking_body")
        if body is not None:
            if not isinstance(body, str) or not body.strip():
                err("create_booking_body", f"live.create_booking_body must be {KEYS['create_booking_body']}, "
                    f"got {_type(body)}")
            resolved = (path.parent / body) if not Path(body).is_absolute() else Path(body)
            if not resolved.is_file():
                err("create_booking_body", f"live.create_booking_body: {resolved}: no such file")
            body = str(resolved)
        return cls(lists["allowed_site_ids"], lists["allowed_account_ids"], base_url, body, path)


def check(env: Mapping[str, str], config_path: Path | None) -> tuple[Credentials, LiveConfig]:
    """Credentials + config, or ``Refused`` with the reason (``ConfigError`` for a broken config file).
    No credentials raises ``LookupError``: the caller decides (exit 2, or a skip with ``--allow-skip``)."""
    creds = Credentials.from_env(env)
    if creds is None:
        raise LookupError("no credentials")
    if env.get("WIX_SANDBOX") != "1":
        raise Refused("WIX_SANDBOX=1 is not set: live runs only go to sandbox sites")
    if config_path is None or not Path(config_path).exists():
        raise Refused(f"config {config_path} not found: it must list the allowed sandbox site ids")
    cfg = LiveConfig.load(config_path)
    if creds.site_id:
        if creds.site_id not in cfg.allowed_site_ids:
            raise Refused("WIX_SITE_ID is not on the allow-list (live.allowed_site_ids) in " + str(config_path))
    elif creds.account_id not in cfg.allowed_account_ids:
        raise Refused("WIX_ACCOUNT_ID is not on the allow-list (live.allowed_account_ids) in " + str(config_path))
    return creds, cfg
