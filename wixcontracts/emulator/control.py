"""The emulator's own endpoints, under the reserved prefix ``/_wixcontracts`` (no Wix path starts with it):

    GET    /_wixcontracts                 this list
    GET    /_wixcontracts/operations      {"emulator": "wixcontracts", "operations": [emulated ids],
                                          "notEmulated": [ids], "catalog": [{id, method, path, aliases, emulated}]}
    POST   /_wixcontracts/reset           back to the initial seed and scenarios; body {"seed": name|object,
                                          "scenarios": [...]} (optional) replaces them
    GET    /_wixcontracts/state           the whole state
    POST   /_wixcontracts/seed            add entities (a seed object, see ``seeds.py``)
    GET    /_wixcontracts/clock           {"now", "frozen"}
    POST   /_wixcontracts/clock           {"now": RFC 3339} freezes, {"advanceSeconds": n} moves, {"real": true}
    GET    /_wixcontracts/events          recorded domain events (``?since=N``: from the N-th; ``count``: all so far,
                                          ``dropped``: the oldest no longer kept, see ``serve``'s bound)
    DELETE /_wixcontracts/events          forget them
    GET    /_wixcontracts/scenarios       the scenarios and which are on
    POST   /_wixcontracts/scenarios       {"enable": ["name[:k=v]"], "disable": ["name"]}
    GET    /_wixcontracts/policy          every policy decision (``policy.DECISIONS``)

Errors use Wix's envelope: 404 / 405 application errors, 400 validationError naming the field."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from .errors import JSON_HEADERS, ValidationFailure, WixError, invalid
from .routing import CONTROL_PREFIX

ENDPOINTS = {
    "": {"GET"}, "/operations": {"GET"}, "/reset": {"POST"}, "/state": {"GET"}, "/seed": {"POST"},
    "/clock": {"GET", "POST"}, "/events": {"GET", "DELETE"}, "/scenarios": {"GET", "POST"}, "/policy": {"GET"},
}


def operations(emu) -> dict:
    """``operations``: the emulated ids (what ``wixcontracts fuzz --url`` reads); ``notEmulated``: the catalog's
    other ids (answered 501 NOT_EMULATED); ``catalog``: every operation with method, path, aliases."""
    cat = [{"id": o["id"], "service": o["service"], "name": o["name"], "method": o["method"], "path": o["path"],
            "aliases": list(o.get("aliases") or []), "emulated": o["id"] in emu.handlers}
           for o in sorted(emu.catalog.operations.values(), key=lambda o: o["id"]) if o.get("path")]
    return {"emulator": "wixcontracts", "operations": sorted(emu.handlers),
            "notEmulated": [o["id"] for o in cat if not o["emulated"]], "catalog": cat}


def _body(body_bytes: bytes | None) -> dict:
    if not body_bytes or not body_bytes.strip():
        return {}
    try:
        body = json.loads(body_bytes)
    except (ValueError, UnicodeDecodeError) as e:
        raise invalid("", f"request body is not valid JSON: {e}", "OTHER", "json") from None
    if not isinstance(body, dict):
        raise invalid("", "expected a JSON object", "OTHER", "type")
    return body


def _run(emu, method: str, sub: str, query: str, body_bytes: bytes | None) -> Any:
    from . import seeds
    from .policy import DECISIONS

    if sub == "":
        return {"endpoints": {CONTROL_PREFIX + k: sorted(v) for k, v in ENDPOINTS.items()}}
    if sub == "/operations":
        return operations(emu)
    if sub == "/state":
        return emu.snapshot()
    if sub == "/policy":
        return {"decisions": DECISIONS}
    body = _body(body_bytes) if method in ("POST", "DELETE") else {}
    if sub == "/reset":
        kw: dict = {}
        if "seed" in body:
            kw["seed"] = body["seed"]
        if "scenarios" in body:
            if not isinstance(body["scenarios"], list):
                raise invalid("scenarios", "expected a list of scenario names", "OTHER", "type")
            kw["scenarios"] = body["scenarios"]
        try:
            emu.reset(**kw)
        except (seeds.SeedError, ValueError) as e:
            raise invalid("seed" if "seed" in body else "scenarios", str(e), "OTHER", "seed") from None
        return {"state": emu.store.counts(), "scenarios": sorted(emu.scenarios.active), **emu.clock.describe()}
    if sub == "/seed":
        try:
            emu.seed(body)
        except seeds.SeedError as e:
            raise invalid("", str(e), "OTHER", "seed") from None
        return {"state": emu.store.counts()}
    if sub == "/clock":
        if method == "POST":
            try:
                if body.get("real"):
                    emu.clock.release()
                elif "now" in body:
                    emu.clock.set(body["now"])
                elif "advanceSeconds" in body:
                    secs = body["advanceSeconds"]
                    if isinstance(secs, bool) or not isinstance(secs, (int, float)):
                        raise invalid("advanceSeconds", "expected a number of seconds", "OTHER", "type")
                    emu.clock.advance(secs)
                else:
                    raise invalid("", "give now (RFC 3339), advanceSeconds or real: true", "REQUIRED_FIELD", "required")
            except (ValueError, TypeError) as e:
                raise invalid("now", str(e), "FORMAT", "date-time") from None
        return emu.clock.describe()
    if sub == "/events":
        if method == "DELETE":
            emu.bus.clear()
            return {"count": 0}
        since = parse_qs(query).get("since", ["0"])[0]
        if not since.isdigit():
            raise invalid("since", "expected a whole number", "OTHER", "type")
        events = emu.events[max(0, int(since) - emu.bus.dropped):]
        return {"events": [e.as_dict() for e in events], "count": emu.bus.dropped + len(emu.events),
                "dropped": emu.bus.dropped}
    if sub == "/scenarios":
        if method == "POST":
            for key in ("enable", "disable"):
                if not isinstance(body.get(key, []), list):
                    raise invalid(key, "expected a list of scenario names", "OTHER", "type")
            try:
                for spec in body.get("enable", []):
                    emu.enable_scenario(spec)
            except ValueError as e:
                raise invalid("enable", str(e), "OTHER", "scenario") from None
            for name in body.get("disable", []):
                emu.disable_scenario(name)
        return {"scenarios": emu.scenarios.describe()}
    raise AssertionError(sub)  # pragma: no cover - ENDPOINTS lists every sub-path


def handle_control(emu, method: str, path: str, query: str, body_bytes: bytes | None):
    sub = path[len(CONTROL_PREFIX):].rstrip("/")
    allowed = ENDPOINTS.get(sub)
    if allowed is None:
        e = WixError(404, "NOT_FOUND", f"no control endpoint {path}; GET {CONTROL_PREFIX} lists them")
        return e.http, dict(JSON_HEADERS), e.body()
    if method not in allowed:
        e = WixError(405, "METHOD_NOT_ALLOWED", f"{method} not allowed; use {', '.join(sorted(allowed))}",
                     headers={"allow": ", ".join(sorted(allowed))})
        return e.http, {**JSON_HEADERS, **e.headers}, e.body()
    try:
        with emu.lock:
            out = _run(emu, method, sub, query, body_bytes)
    except ValidationFailure as e:
        return 400, dict(JSON_HEADERS), e.body()
    return 200, dict(JSON_HEADERS), out
