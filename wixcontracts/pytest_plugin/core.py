"""The ``wix_api`` object: one transport-free exchange per intercepted request.

``WixApi.exchange(method, url, headers, content)`` routes the request to its operation, reads and
validates it **once** (``Contracts.check_request``: path + body + query as one message), then answers,
first that applies:

1. an injected fault (``fail``, ``timeout``, ``disconnect``);
2. a recorded interaction of the test's fixture files (re-validated: a stale one fails);
3. ``--wix-live`` or ``--wix-base-url`` (a real server; those answers are what gets recorded);
4. the stateful emulator, for the operations it emulates, handed the message already read;
5. a deterministic response generated from the response schema.

Client adapters (``intercept``) turn the ``Outcome`` into an ``httpx.Response`` / ``requests.Response``
or raise the client's own exception."""

from __future__ import annotations

import json
import os
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..ir import WIX_API as BASE_URL
from .faults import Fault, error_fault
from .output import WixContractViolation, caller, format_findings, nearest_operations, short_path

if TYPE_CHECKING:
    from .recording import Cassette

WIX_HOST = urlsplit(BASE_URL).hostname
_JSON = {"content-type": "application/json"}

_CONTRACTS = None
_ROUTER = None
_PREFIXES: set[tuple[str, ...]] | None = None


def contracts():
    global _CONTRACTS
    if _CONTRACTS is None:
        from ..validate import Contracts

        _CONTRACTS = Contracts.load()
    return _CONTRACTS


class _CachedCatalog:
    """The catalog with its schemas parsed once per process (``Catalog.schema`` reads the file on every
    call; the emulator asks for a schema on every request)."""

    def __init__(self, catalog):
        self._catalog = catalog
        self._schemas: dict[tuple, dict] = {}

    def __getattr__(self, name):
        return getattr(self._catalog, name)

    def schema(self, op: str, kind: str, surface: str = "rest") -> dict:
        key = (op, kind, surface)
        s = self._schemas.get(key)
        if s is None:
            s = self._schemas[key] = self._catalog.schema(op, kind, surface)
        return s


_CACHED_CATALOG = None


def cached_catalog():
    global _CACHED_CATALOG
    if _CACHED_CATALOG is None:
        _CACHED_CATALOG = _CachedCatalog(contracts().catalog)
    return _CACHED_CATALOG


def fast_router():
    global _ROUTER
    if _ROUTER is None:
        from ..validate.exchange import Router
        from .router import FastRouter

        _ROUTER = FastRouter(Router(contracts().catalog.operations))
    return _ROUTER


def bookings_prefixes() -> set[tuple[str, ...]]:
    """The first two segments of every documented path: a path outside them is not Bookings'."""
    global _PREFIXES
    if _PREFIXES is None:
        out = set()
        for op in contracts().catalog.operations.values():
            for t in [op.get("path"), *(op.get("aliases") or [])]:
                if t:
                    out.add(tuple(t.strip("/").split("/")[:2]))
        _PREFIXES = out
    return _PREFIXES


def is_wix_host(host: str | None) -> bool:
    h = (host or "").lower().rstrip(".")
    return h in ("wixapis.com", "wix.com") or h.endswith(".wixapis.com") or h.endswith(".wix.com")


# ------------------------------------------------------------------------------------------ calls
@dataclass
class Call:
    """One intercepted request.  ``request`` / ``response`` are the client's own objects
    (``httpx.Request``/``httpx.Response`` or ``requests.PreparedRequest``/``requests.Response``)."""

    operation: str | None
    request: Any
    response: Any = None
    method: str = ""
    url: str = ""
    body: Any = None  # the JSON body sent (parsed)
    status: int | None = None
    source: str | None = None  # injected | fixture … | live | base-url | emulator | generated | passthrough
    fault: Fault | None = None
    client: str = "httpx"
    violation: str | None = None

    @property
    def undocumented(self) -> bool:
        """An injected error whose status or code the operation does not document."""
        return bool(self.fault and self.fault.kind == "error" and not self.fault.documented)

    def __iter__(self):
        return iter((self.operation, self.request, self.response))

    def __repr__(self) -> str:
        extra = f" fault={self.fault.describe()}" if self.fault else ""
        return f"<Call {self.operation or '?'} {self.method} {short_path(self.url)} -> {self.status} ({self.source}){extra}>"


class Calls(list):
    @property
    def last(self) -> Call:
        if not self:
            raise IndexError("no calls to the Wix API were made")
        return self[-1]

    def of(self, operation: str) -> list[Call]:
        """Calls of ``operation``: its id (``bookings.cancelBooking``) or its bare name."""
        return [c for c in self if c.operation and (c.operation == operation or c.operation.split(".", 1)[-1] == operation)]

    @property
    def called(self) -> bool:
        return bool(self)

    @property
    def call_count(self) -> int:
        return len(self)


class Events(list):
    """``wix_api.events``: the emulator's domain events of this test, in order (each with ``type``, ``slug``,
    ``entity_id``, ``entity``, ``time``, ``operation``)."""

    def of(self, event: str) -> list:
        """The events of one type: ``wix.bookings.v2.booking_created`` or its name, ``booking_created``."""
        return [e for e in self if e.type == event or e.type.rsplit(".", 1)[-1] == event]

    @property
    def last(self):
        if not self:
            raise IndexError("the emulator recorded no event (no state change answered by the emulator)")
        return self[-1]

    def deliveries(self, **kw) -> list:
        """Each event as the signed webhook Wix would send: ``(jwt text, layers)`` (``wixcontracts.webhooks``)."""
        from ..webhooks.emulated import delivery_of

        return [delivery_of(e, **kw) for e in self]

    def deliver(self, target, **kw) -> list:
        """Deliver every event, in order, to the integrator's handler (an ASGI or WSGI app, or a URL):
        the ``DeliveryResult`` of each (``.ok``: a 2xx within Wix's deadline)."""
        from ..webhooks.deliver import DeliveryResult, post
        from ..webhooks.emulated import delivery_of

        path = kw.pop("path", "/")
        out = []
        for e in self:
            token, delivery = delivery_of(e, **kw)
            status, ms, body, hdrs, error, label = post(target, token, path=path)
            out.append(DeliveryResult(status=status, elapsed_ms=ms, body=body, delivery=delivery, target=label,
                                      error=error, headers=hdrs))
        return out


@dataclass
class Outcome:
    """What a client adapter must do: answer (status, headers, content), raise a fault, pass through."""

    kind: str  # respond | timeout | disconnect | passthrough | violation
    status: int = 0
    headers: dict = field(default_factory=dict)
    content: bytes = b""
    call: Call | None = None
    error: WixContractViolation | None = None
    target: str | None = None  # passthrough: forward there (None: the real network)


class Webhooks:
    """``wix_api.webhooks.deliver(target, event, entity=None, …)``: deliver a signed webhook to the
    integrator's handler as Wix does (``wixcontracts.webhooks.deliver``)."""

    def deliver(self, target, event, entity=None, **kw):
        try:
            from ..webhooks.deliver import deliver
        except ModuleNotFoundError as e:
            from ..extras import missing

            raise missing("webhooks", e) from None
        return deliver(target, event, entity, **kw)


# ------------------------------------------------------------------------------------------ the object
class WixApi:
    def __init__(self, *, config, nodeid: str, settings: "Settings", cassette: "Cassette | None" = None):
        self.config = config
        self.nodeid = nodeid
        self.settings = settings
        self.contracts = contracts()
        self.strict = settings.strict
        self.backend = settings.backend
        self.calls = Calls()
        self.violations: list[str] = []
        self.cassette = cassette
        self._faults: dict[str, list[Fault]] = {}
        self._passthrough: list[str] = list(settings.passthrough)
        self._emulator = None
        self._lock = threading.RLock()
        self.router = None  # the respx router (intercept.start)
        self.webhooks = Webhooks()
        self.recorded_skipped = 0  # emulator answers not recorded (no --wix-record-source emulator)

    # ------------------------------------------------------------ public API
    @property
    def emulator(self):
        if self._emulator is None:
            from ..emulator.core import Emulator

            self._emulator = Emulator(catalog=cached_catalog(), contracts=self.contracts)
        return self._emulator

    @property
    def events(self) -> Events:
        """The emulator's domain events so far (``booking_created`` ...), deliverable as webhooks."""
        return Events(self._emulator.events if self._emulator is not None else [])

    @property
    def policy(self):
        """The scrub policy used when this test records (keyed with the salt)."""
        return self.cassette.recorder.policy if self.cassette and self.cassette.recorder else None

    def fail(self, operation: str, code: str | None = None, *, status: int | None = None,
             message: str | None = None, retry_after: float | int | str | None = None, times: int | None = 1,
             data: dict | None = None) -> Fault:
        """The next ``times`` calls of ``operation`` (``None``: every call) answer with an error in Wix's
        envelope.  A documented ``code`` takes its documented status; any other status or code works
        too and is marked undocumented in the call log.  A 429 carries ``Retry-After`` (``retry_after``,
        default 1 s)."""
        op = self.contracts.operation(operation)
        f = error_fault(op, status=status, code=code, message=message, retry_after=retry_after, times=times,
                        data=data)
        self._faults.setdefault(op["id"], []).append(f)
        return f

    def timeout(self, operation: str, *, times: int | None = 1) -> Fault:
        """The next call(s) of ``operation`` time out: ``httpx.ReadTimeout`` / ``requests.ReadTimeout``."""
        return self._add_fault(operation, "timeout", times)

    def disconnect(self, operation: str, *, times: int | None = 1) -> Fault:
        """The server drops the connection: ``httpx.RemoteProtocolError`` / ``requests.ConnectionError``."""
        return self._add_fault(operation, "disconnect", times)

    def _add_fault(self, operation: str, kind: str, times: int | None) -> Fault:
        op = self.contracts.operation(operation)
        f = Fault(kind, remaining=times)
        self._faults.setdefault(op["id"], []).append(f)
        return f

    def passthrough(self, *prefixes: str) -> None:
        """Let requests to these path prefixes of a Wix host through unchecked (e.g. ``"/contacts/"``):
        to ``--wix-base-url`` when given, else to the real API.  Routes you add to ``wix_api.router``
        answer before any of this."""
        for p in prefixes:
            if not isinstance(p, str) or not p.startswith("/"):
                raise ValueError(f"passthrough: a path prefix starting with '/', got {p!r}")
            self._passthrough.append(p)

    # ------------------------------------------------------------ the exchange
    def _violation(self, call: Call, text: str) -> Outcome:
        from ..fixtures.scrub import redact

        text = redact(text)
        where = caller()
        if where:
            text += f"\n  called at {where}"
        call.violation = text
        self.violations.append(text)
        self.calls.append(call)
        return Outcome("violation", call=call, error=WixContractViolation(text))

    def exchange(self, method: str, url: str, headers: dict, content: bytes, *, request: Any = None,
                 client: str = "httpx") -> Outcome:
        with self._lock:
            return self._exchange(method.upper(), url, headers, content, request, client)

    def _exchange(self, method, url, headers, content, request, client) -> Outcome:
        parts = urlsplit(url)
        path = parts.path or "/"
        call = Call(None, request, method=method, url=url, client=client)
        if parts.hostname != WIX_HOST:
            if self.settings.allow_network:
                call.source = "passthrough"
                self.calls.append(call)
                return Outcome("passthrough", call=call, target=None)
            return self._violation(call, f"WixContractViolation: {method} {parts.scheme}://{parts.netloc}{short_path(url)}\n"
                                         f"  Wix host {parts.hostname} is not intercepted: only {BASE_URL} is "
                                         "contract-checked.\n  To let it through: --wix-allow-network")
        for p in self._passthrough:
            if path.startswith(p):
                call.source = "passthrough"
                self.calls.append(call)
                return Outcome("passthrough", call=call, target=self.settings.base_url)
        hit = fast_router().match(method, url)
        if hit is None:
            return self._no_route(call, method, url, path)
        name, params, _host = hit
        call.operation = name
        op = self.contracts.operation(name)
        title = f"WixContractViolation: {name} ({method} {short_path(url)})"
        try:
            body = json.loads(content) if content and content.strip() else None
        except (ValueError, UnicodeDecodeError) as e:
            return self._violation(call, f"{title}\n  request body is not JSON: {e}\n      docs:     {op.get('page')}")
        call.body = body
        query = parts.query
        res, wire = self.contracts.check_request(name, body, path_params=params, headers=headers, query=query,
                                                 method=method)
        if not res.ok:
            return self._violation(call, "\n".join([title, *format_findings(res.errors, op)]))
        message = wire.full if wire is not None else body
        out = self._answer(name, op, method, url, headers, content, body, message, params, call)
        if out.kind == "violation":  # e.g. not recorded, in a replay-only mode
            return out
        if out.kind in ("timeout", "disconnect"):
            self.calls.append(call)
            return out
        status, rheaders, rbody, source = out.status, out.headers, out.content, call.source
        if source not in ("injected", "generated"):  # a generated answer is the contract's own shape
            resp_res = self.contracts.validate_response(name, rbody, status, strict=self.strict)
            if not resp_res.ok:
                stale = source.startswith("fixture")
                head = (f"WixContractViolation: response of {name} from {source} breaks the contract"
                        + (" (stale fixture: re-record it or update the contract)" if stale else ""))
                from ..fixtures.scrub import redact

                self.violations.append(redact("\n".join([head, *format_findings(resp_res.errors, op)])))
        code = None
        if status >= 400 and isinstance(rbody, dict) and isinstance(rbody.get("details"), dict):
            code = (rbody["details"].get("applicationError") or {}).get("code")
        self.settings.coverage.note(name, message, code)
        if self.cassette is not None:
            self.cassette.maybe_record(self, name, op, method, url, headers, body, status, rheaders, rbody, source)
        call.status = status
        self.calls.append(call)
        data = b"" if rbody is None else json.dumps(rbody).encode()
        return Outcome("respond", status, rheaders, data, call)

    def _no_route(self, call: Call, method: str, url: str, path: str) -> Outcome:
        segs = tuple(path.strip("/").split("/")[:2])
        if segs not in bookings_prefixes() and segs[:1] not in {p[:1] for p in bookings_prefixes() if p[0] != "_api"}:
            first = "/" + path.strip("/").split("/")[0] + "/"
            return self._violation(call, (
                f"WixContractViolation: {method} {short_path(url)} is not a Wix Bookings API path\n"
                f"  wixcontracts checks the Bookings API only; this request would have gone to {BASE_URL}.\n"
                f"  To allow it: wix_api.passthrough({first!r}) (or @pytest.mark.wix_passthrough({first!r})),\n"
                f"  or answer it yourself: wix_api.router.{method.lower()}({path!r}).respond(json={{...}})"))
        return self._violation(call, f"WixContractViolation: no documented operation for {method} {short_path(url)}\n"
                                     f"nearest operations:\n{nearest_operations(self.contracts, method, url)}")

    def _take_fault(self, name: str) -> Fault | None:
        q = self._faults.get(name)
        if not q:
            return None
        f = q[0]
        if f.remaining is not None:
            f.remaining -= 1
            if f.remaining <= 0:
                q.pop(0)
        return f

    def _answer(self, name, op, method, url, headers, content, body, message, params, call) -> Outcome:
        f = self._take_fault(name)
        if f is not None:
            call.fault = f
            call.source = "injected"
            if f.kind != "error":
                return Outcome(f.kind, call=call)
            return Outcome("respond", f.status, f.headers(), f.body(), call)  # type: ignore[arg-type]
        if self.cassette is not None and self.cassette.replaying:
            hit = self.cassette.match(self, name, method, url, body)
            if isinstance(hit, Outcome):
                return hit
            if hit is not None:
                src, it = hit
                r = it.response
                rh = {k: v for k, v in (r.get("headers") or {}).items() if k.lower() in ("content-type", "retry-after")}
                rh.setdefault("content-type", "application/json")
                call.source = src
                return Outcome("respond", int(r["status"]), rh, r.get("body"), call)  # type: ignore[arg-type]
        if self.settings.live or self.settings.base_url:
            status, rh, rbody = self._forward(method, url, headers, content)
            call.source = "live" if self.settings.live else "base-url"
            return Outcome("respond", status, rh, rbody, call)  # type: ignore[arg-type]
        if self.backend != "generated" and self.emulator.emulates(name):
            status, rh, rbody = self._emulate(name, params, message, method, url, headers, content)
            call.source = "emulator"
            return Outcome("respond", status, rh, rbody, call)  # type: ignore[arg-type]
        import random

        from ..fixtures.schemawalk import generator

        seed = f"{self.nodeid}:{name}:{len(self.calls)}"
        call.source = "generated"
        doc = generator(self.contracts.compiled(name, "response").schema)(random.Random(str(zlib.crc32(seed.encode()))))
        return Outcome("respond", 200, dict(_JSON), doc, call)  # type: ignore[arg-type]

    def _emulate(self, name, params, message, method, url, headers, content):
        # the emulator runs its handler on the message read here: the request is not parsed twice
        status, rh, rbody = self.emulator.dispatch(name, params, message)
        return status, dict(rh), rbody

    def _forward(self, method, url, headers, content):
        """A real server, through urllib (not intercepted; the network guard lets this one through)."""
        import urllib.error
        import urllib.request

        from ..fixtures.record import body_of
        from .guard import allowed

        base = self.settings.live_base if self.settings.live else self.settings.base_url.rstrip("/")
        parts = urlsplit(url)
        target = base + parts.path + (f"?{parts.query}" if parts.query else "")
        h = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length", "accept-encoding")}
        if self.settings.live:
            h["authorization"] = os.environ["WIX_API_KEY"]
            site, account = os.environ.get("WIX_SITE_ID"), os.environ.get("WIX_ACCOUNT_ID")
            if site:
                h["wix-site-id"] = site
            elif account:
                h["wix-account-id"] = account
        req = urllib.request.Request(target, data=content or None, method=method, headers=h)
        with allowed():
            try:
                with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 - operator-given URL
                    status, rh, data = r.status, dict(r.headers), r.read()
            except urllib.error.HTTPError as e:
                status, rh, data = e.code, dict(e.headers), e.read()
        rh = {k.lower(): v for k, v in rh.items() if k.lower() in ("content-type", "retry-after", "x-wix-request-id")}
        rh.setdefault("content-type", "application/json")
        return status, rh, body_of(data)

    def forward_raw(self, method, url, headers, content, target: str | None):
        """A passthrough request: sent on unchecked (``target``: a base URL, else the URL itself)."""
        import urllib.error
        import urllib.request

        from .guard import allowed

        parts = urlsplit(url)
        dest = (target.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")) if target else url
        h = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length", "accept-encoding")}
        req = urllib.request.Request(dest, data=content or None, method=method, headers=h)
        with allowed():
            try:
                with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310
                    return r.status, dict(r.headers), r.read()
            except urllib.error.HTTPError as e:
                return e.code, dict(e.headers), e.read()


# ------------------------------------------------------------------------------------------ settings
@dataclass
class Settings:
    """What the command line and the markers decide for one test."""

    coverage: Any
    strict: bool = False
    live: bool = False
    live_base: str = BASE_URL
    base_url: str | None = None
    backend: str = "emulator"
    record_mode: str = "none"
    record_source: str = "real"
    passthrough: tuple = ()
    fixtures_root: Path | None = None
    allow_network: bool = False
