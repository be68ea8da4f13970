"""Test a service-plugin implementation (Wix calls the app) against the committed contracts.

How Wix calls a plugin method, as Wix's JavaScript SDK (``@wix/sdk``, ``build/service-plugin-modules.js``
and ``build/auth/AppStrategy.js``) reads the call:

* an HTTP POST to the app's base URL plus the method's path (the SDK matches the request URL's end
  against the method's ``primaryHttpMappingPath``, e.g. ``/v1/calculate-price``);
* the body is a JWT signed RS256, verified with the app's public key, issuer ``wix.com`` and
  audience = the app ID;
* its ``data`` claim is a JSON *object* (a webhook's is JSON text): ``{request, metadata}``, where
  ``metadata`` carries the plugin's context (``Context``: request ID, instance ID, identity ...) plus
  ``appExtensionType``, the plugin's component type (``BOOKINGS_PRICING_PROVIDER``);
* the app answers JSON: the method's response (REST keys), or an error status with
  ``{"applicationError": {"code", "data"}}``.

:func:`run_spi` sends ``examples`` generated, valid requests per method and checks each answer: a 2xx
status, a JSON body, and the body against the method's response schema (closed: a field the contract
does not document is an error).  Findings point into the answer body (``/calculatedPrice``).
"""

from __future__ import annotations

import json
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from ..validate.findings import Finding, short_repr
from .deliver import DEFAULT_INSTANCE_ID, _prune, _realistic, post

LOCATION = "plugin-response"
DEFAULT_APP_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "wixcontracts:test-app"))
DEFAULT_LIFETIME_S = 300


class SpiError(ValueError):
    """A usage problem: not a service-plugin service, unknown method (one line)."""


@dataclass
class SpiCall:
    method_id: str
    example: int
    url: str
    data: dict  # the JWT's data claim sent: {request, metadata}
    status: int | None = None
    elapsed_ms: float = 0.0
    body: Any = None  # the parsed answer (or its text when it is not JSON)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"method": self.method_id, "example": self.example, "url": self.url, "status": self.status,
                "elapsed_ms": round(self.elapsed_ms, 1), "ok": self.ok, "request": self.data, "response": self.body,
                "findings": [f.to_dict() for f in self.findings]}


@dataclass
class SpiReport:
    service: str
    methods: list[str]
    calls: list[SpiCall] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.calls)

    def as_dict(self) -> dict:
        return {"service": self.service, "methods": self.methods, "ok": self.ok,
                "calls": [c.as_dict() for c in self.calls]}


def chosen_methods(service: str, methods: list[str] | None, catalog) -> list[dict]:
    svc = catalog.service(service)  # UnknownService with a did-you-mean
    if not svc.get("plugin"):
        plugins = sorted(s for s, v in catalog.services.items() if v.get("plugin"))
        raise SpiError(f"{service} is not a service-plugin service; service plugins: {', '.join(plugins)}")
    found = catalog.plugin_methods_of(service)
    if not methods:
        return found
    by_name = {m["name"].lower(): m for m in found} | {m["id"].lower(): m for m in found}
    out = []
    for name in methods:
        m = by_name.get(name.lower())
        if m is None:
            raise SpiError(f"{service} has no method {name!r}; it has {', '.join(x['name'] for x in found)}")
        out.append(m)
    return out


def example_request(entry: dict, schema: dict, seed: int | str, *, instance_id: str = DEFAULT_INSTANCE_ID) -> dict:
    """A valid ``{request, metadata}`` for the method (deterministic for a seed), ``metadata`` as Wix fills it."""
    from ..fixtures.schemawalk import generate

    import jsonschema_rs

    rng = random.Random(f"{entry['id']}:{seed}")
    validator = jsonschema_rs.validator_for(schema)
    data = _prune(generate(schema, seed=f"{entry['id']}:{seed}"), validator)
    nicer, _ = _realistic(data, rng)
    data = nicer if validator.is_valid(nicer) else data
    if not isinstance(data, dict):
        data = {}
    data.setdefault("request", {})
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    meta["requestId"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    meta["instanceId"] = instance_id
    meta["appExtensionType"] = entry.get("component_type") or ""
    data["metadata"] = meta
    return data


def sign_call(data: dict, *, key: Any, app_id: str, issued_at: int | None = None) -> str:
    """The JWT body of a plugin call: ``data`` as an object claim, ``iss`` wix.com, ``aud`` the app ID."""
    from . import jwt as wjwt

    now = int(time.time()) if issued_at is None else int(issued_at)
    claims = {"data": data, "iss": wjwt.ISSUER, "aud": app_id, "iat": now, "exp": now + DEFAULT_LIFETIME_S}
    return wjwt.sign(claims, key, kid=getattr(key, "kid", None))


def check_answer(status: int | None, body: bytes, compiled, source: str | None) -> tuple[Any, list[Finding]]:
    """(parsed body, findings) of one answer."""
    from ..validate.engine import explain

    text = body.decode("utf-8", errors="replace")
    try:
        parsed: Any = json.loads(text) if text.strip() else None
    except ValueError:
        parsed = None
        if status is not None and 200 <= status < 300:
            return text[:2000], [Finding(pointer="", rule="json", location=LOCATION, source=source,
                                         message="the answer is not JSON", expected="a JSON object",
                                         actual=short_repr(text))]
    if status is None or not 200 <= status < 300:
        app_error = parsed.get("applicationError") if isinstance(parsed, dict) else None
        code = app_error.get("code") if isinstance(app_error, dict) else None
        msg = f"status {status}, expected 2xx" + (f" (applicationError {code})" if code else "")
        return (parsed if parsed is not None else text[:2000]), [Finding(
            pointer="", rule="status", location=LOCATION, source=source, message=msg, expected="2xx",
            actual=str(status))]
    if parsed is None:
        return None, [Finding(pointer="", rule="json", location=LOCATION, source=source,
                              message="the answer is empty", expected="a JSON object", actual="''")]
    if not isinstance(parsed, dict):  # (a scalar would also trip every ONE-OF's "not both" encoding)
        from ..validate.findings import json_type

        return parsed, [Finding(pointer="", rule="type", location=LOCATION, source=source,
                                message=f"expected object, got {json_type(parsed)}", expected="object",
                                actual=short_repr(parsed))]
    try:
        valid = compiled.rs.is_valid(parsed) and compiled.rs_strict.is_valid(parsed)
    except (ValueError, TypeError, OverflowError) as exc:
        return parsed, [Finding(pointer="", rule="json", location=LOCATION, source=source,
                                message=f"the answer is not JSON data ({exc})", actual=short_repr(parsed))]
    if valid:
        return parsed, []
    return parsed, explain(compiled, parsed, location=LOCATION, default_source=source, undocumented="error",
                           closed_by_us="error")


def run_spi(target: Any, service: str, *, methods: list[str] | None = None, examples: int = 5,
            app_id: str | None = None, key: Any = None, instance_id: str = DEFAULT_INSTANCE_ID,
            timeout: float = 10.0, catalog=None) -> SpiReport:
    """Call every chosen method of ``service``'s plugin ``examples`` times on ``target`` (a base URL, or
    an ASGI / WSGI app called in process) and check the answers."""
    from ..catalog import Catalog
    from ..validate.engine import Compiled
    from .keys import cached_key_pair

    if examples < 1:
        raise SpiError("examples must be at least 1")
    cat = catalog or Catalog()
    chosen = chosen_methods(service, methods, cat)
    key = cached_key_pair() if key is None else key
    app_id = app_id or DEFAULT_APP_ID
    report = SpiReport(service, [m["id"] for m in chosen])
    for entry in chosen:
        req_schema = cat.plugin_schema(entry["id"], "request")
        resp_schema = cat.plugin_schema(entry["id"], "response")
        compiled = Compiled(resp_schema, request=False)
        path = entry.get("http_path") or "/" + entry["name"]
        for i in range(examples):
            data = example_request(entry, req_schema, i, instance_id=instance_id)
            token = sign_call(data, key=key, app_id=app_id)
            if isinstance(target, str):
                url, call_path = target.rstrip("/") + path, "/"
            else:
                url, call_path = path, path
            status, ms, body, _hdrs, error, label = post(url if isinstance(target, str) else target, token,
                                                         path=call_path, timeout=timeout)
            call = SpiCall(entry["id"], i, url if isinstance(target, str) else label, data, status, ms)
            if error is not None:
                call.findings.append(Finding(pointer="", rule="transport", location=LOCATION, message=error,
                                             expected="an answer", source=resp_schema.get("x-wix-source")))
            else:
                call.body, found = check_answer(status, body, compiled, resp_schema.get("x-wix-source"))
                call.findings += found
            report.calls.append(call)
    return report


__all__ = ["SpiCall", "SpiError", "SpiReport", "check_answer", "chosen_methods", "example_request", "run_spi",
           "sign_call", "DEFAULT_APP_ID"]
