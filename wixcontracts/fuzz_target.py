"""``wixcontracts fuzz --url URL``: schemathesis against a running target — a Wix sandbox
site, or ``wixcontracts serve`` on loopback.

Safety: read-only (GET operations) unless ``--allow-writes``; a target that is not on the
loopback range is refused unless ``--i-own-this-site``.  Auth from the environment
(``WIX_API_KEY`` raw, ``WIX_SITE_ID`` / ``WIX_ACCOUNT_ID``).  Writes a JUnit report."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit


class TargetRefused(Exception):
    pass


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_target(url: str, i_own_this_site: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise TargetRefused(f"not an http(s) URL: {url}")
    if not is_loopback(url) and not i_own_this_site:
        raise TargetRefused(f"{parts.hostname} is not a loopback address; fuzzing sends many requests: "
                            "pass --i-own-this-site for a sandbox site you own")


def auth_headers(env=os.environ) -> dict[str, str]:
    h = {}
    if env.get("WIX_API_KEY"):
        h["Authorization"] = env["WIX_API_KEY"]
    if env.get("WIX_SITE_ID"):
        h["wix-site-id"] = env["WIX_SITE_ID"]
    elif env.get("WIX_ACCOUNT_ID"):
        h["wix-account-id"] = env["WIX_ACCOUNT_ID"]
    return h


class NothingToFuzz(ValueError):
    pass


OPERATIONS_PATH = "/_wixcontracts/operations"  # served by `wixcontracts serve` (emulator/asgi.py)


def emulated_by_target(url: str, timeout: float = 5.0) -> list[str] | None:
    """The operation ids the target emulates when it is ``wixcontracts serve`` (``GET /_wixcontracts/operations``),
    ``None`` for any other target.  An unreachable target is refused here, before any fuzzing."""
    import httpx

    try:
        r = httpx.get(url.rstrip("/") + OPERATIONS_PATH, timeout=timeout)
    except httpx.HTTPError as e:
        raise TargetRefused(f"cannot reach {url}: {e or type(e).__name__}") from None
    if r.status_code != 200:
        return None
    try:
        data = r.json()
    except ValueError:
        return None
    ops = data.get("operations") if isinstance(data, dict) and data.get("emulator") == "wixcontracts" else None
    return [str(o) for o in ops] if isinstance(ops, list) else None


def chosen_operations(operations: list[str] | None, services: list[str] | None, read_only: bool,
                      emulated: list[str] | None = None) -> list[dict]:
    """The catalog entries to fuzz: the named operations (ids or unique names), else every operation
    of the named services, else every operation; only GETs when ``read_only``.  ``emulated``: what the
    target emulates (our emulator says so): the default set is limited to it, and naming an operation
    it does not emulate is refused."""
    from .catalog import Catalog

    cat = Catalog()
    if operations:
        ops = [cat.operation(n) for n in operations]  # raises UnknownOperation with a did-you-mean
        missing = [o["id"] for o in ops if emulated is not None and o["id"] not in emulated]
        if missing:
            raise NothingToFuzz(f"the target (wixcontracts serve) does not emulate {', '.join(missing)}; "
                                f"it emulates {', '.join(sorted(emulated))}")
    else:
        if services:
            ops = [o for s in services for o in cat.of_service(s)]  # raises UnknownService
        else:
            ops = list(cat.operations.values())
        if emulated is not None:
            ops = [o for o in ops if o["id"] in emulated]
            if not ops:
                raise NothingToFuzz("the target (wixcontracts serve) emulates none of the chosen operations; "
                                    f"it emulates {', '.join(sorted(emulated))}")
    if read_only:
        ops = [o for o in ops if (o["method"] or "").upper() == "GET"]
    if not ops:
        raise NothingToFuzz("no operation left to fuzz: every chosen operation writes; use --allow-writes")
    return ops


def target_schemas(ops: list[dict]):
    """One schemathesis schema per service of ``ops``: [(service, schema, ids)]."""
    import schemathesis

    from .catalog import Catalog

    cat = Catalog()
    out = []
    for slug in sorted({o["service"] for o in ops}):
        mine = [o for o in ops if o["service"] == slug]
        schema = schemathesis.openapi.from_path(str(cat.openapi_path(slug))).include(
            operation_id=[o["name"] for o in mine])
        out.append((slug, schema, [o["id"] for o in mine]))
    return out


def junit(report: dict, names: list[str], path: Path) -> None:
    """One case per fuzzed operation; each failed check of it is a ``<failure>``."""
    import json

    from .report import junit as J

    suite = J.Suite("wixcontracts fuzz", properties={"cases": str(report.get("cases", 0))})
    for n in names:
        case = suite.add(J.Case(n, "wixcontracts.fuzz"))
        for f in (x for x in report["failures"] if x["operation"] == n):
            request = f.get("request")
            text = f["message"] + (f"\n\nrequest: {json.dumps(request, ensure_ascii=False, default=str)}"
                                   if request else "")
            case.fail(f"{f['check']} ({f['mode']}): {f['message']}", text, f["check"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(J.render_suite(suite), encoding="utf-8")
