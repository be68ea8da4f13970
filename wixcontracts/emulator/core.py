"""The emulator: one consistent state behind every emulated operation of the catalog.

    emu = Emulator(seed="business")                        # or seed_state={...}, scenarios=["eventual-consistency"]
    status, headers, body = emu.handle("POST", "/_api/bookings-service/v2/bookings", headers, body_bytes)
    status, headers, body = emu.dispatch("bookings.createBooking", {}, message)   # an already-read request
    emu.emulates("bookings.createBooking"); emu.events; emu.on_event(print)

``handle`` = route (``routing.py``) + read the request as the gateway does and validate it
(``Contracts.check_request``) + :meth:`Emulator.dispatch`.  Handlers live in ``handlers/`` (one module per
service), registered by operation id; every other catalog operation answers 501 ``NOT_EMULATED``.  Paths under
``/_wixcontracts/`` are the emulator's own controls (``control.py``).  Every choice the docs leave open is in
``policy.DECISIONS``."""

from __future__ import annotations

import json
import re
import threading
import weakref
from datetime import datetime
from typing import Any, Callable, Iterable, NamedTuple

from ..catalog import Catalog, UnknownOperation
from . import shapes
from .clock import Clock, rfc3339
from .errors import JSON_HEADERS, ValidationFailure, WixError, invalid, violation, violations
from .events import DomainEvent, EventBus
from .handlers import HANDLERS
from .routing import CONTROL_PREFIX, MethodNotAllowed, Router
from .scenarios import Scenarios
from .slots import Availability, Occupancy
from .store import Store
from .wql import WqlError

Response = tuple[int, dict[str, str], Any]

MAX_BODY_DEPTH = 100  # protobuf's JSON parsers refuse deeper messages (their default recursion limit)


def _no_number(text: str):
    raise ValueError(text)


def _int(text: str) -> int:
    return int(text) if len(text) < 300 else _no_number(text)


def _float(text: str) -> float:
    f = float(text)
    return f if f not in (float("inf"), float("-inf")) else _no_number(text)


def _no_constant(name: str):
    raise ValueError(name)


_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_int=_int, parse_float=_float)
# the C scanner behind ``_DECODER.decode`` (called directly: no regex for the surrounding whitespace)
_SCAN = _DECODER.scan_once
_BOM = b"\xef\xbb\xbf"
_WS = " \t\n\r"  # JSON's whitespace
# in JSON text without \u escapes, a key holding "_" shows as a "_" followed (escapes stepped over) by the key's
# closing quote and a colon; a "_" of a value string never is.  Linear: a scan stops at the next "_" or quote
_UNDERSCORE_KEY = re.compile(rb'_[^"\\_]*+(?:\\.[^"\\_]*+)*+"[ \t\n\r]*:', re.DOTALL)


def _canonical_names(body_bytes) -> bool:
    """Whether the JSON text ``body_bytes`` surely has no key holding a ``_`` (False: it may; always for a body
    over 64 KiB, where the scan would cost more than walking the message)."""
    if isinstance(body_bytes, str):
        body_bytes = body_bytes.encode("utf-8", "surrogatepass")
    return isinstance(body_bytes, bytes) and len(body_bytes) <= 65536 and _no_u_escape(body_bytes) \
        and _UNDERSCORE_KEY.search(body_bytes) is None


def _no_u_escape(body_bytes: bytes) -> bool:
    """No ``\\u`` in ``body_bytes`` (a one-byte search first: most bodies have no backslash at all)."""
    return b"\\" not in body_bytes or b"\\u" not in body_bytes


class Route(NamedTuple):
    name: str  # operation id
    method: str
    path: str  # template


#: every emulated operation id, in catalog order
EMULATED: tuple[str, ...] = tuple(sorted(HANDLERS))

__all__ = ["EMULATED", "Emulator", "ValidationFailure", "WixError"]


class Shared:
    """What every emulator over one catalog shares (built once): the validation engine with its compiled
    schemas, the router, read-only strip plans, entity field checkers."""

    def __init__(self, catalog: Catalog, contracts=None):
        from ..validate import Contracts

        self.catalog = catalog
        self.contracts = contracts if contracts is not None else Contracts(catalog)
        self.router = Router(catalog.operations.values())
        self._plans: dict[tuple, Any] = {}
        self._checkers: dict[tuple, Any] = {}
        self._props: dict[tuple, set] = {}
        self.lock = threading.Lock()

    def schema(self, op: str, kind: str = "request") -> dict:
        return self.contracts.compiled(op, kind, "rest").schema

    def _node(self, root: dict, path: Iterable[str]):
        from ..validate.wire import Shapes

        sh = Shapes(root)
        node: Any = root
        for part in path:
            if part == "[]":
                node = sh.items(node)
            else:
                node = (sh.properties(node) or {}).get(part)
        return node

    def strip_plan(self, op: str, *path: str):
        """Plan dropping the read-only fields of the request schema of ``op`` under ``path``."""
        key = (op, path)
        try:
            return self._plans[key]
        except KeyError:
            root = self.schema(op, "request")
            plan = self._plans[key] = shapes.strip_plan(root, self._node(root, path))
            return plan

    def checker(self, op: str, kind: str, *path: str):
        """``known(dotted)`` for the object at ``path`` of the ``kind`` schema of ``op``."""
        key = (op, kind, path)
        if key not in self._checkers:
            root = self.schema(op, kind)
            self._checkers[key] = shapes.field_checker(root, self._node(root, path))
        return self._checkers[key]

    def props(self, op: str, kind: str, *path: str) -> set[str]:
        key = (op, kind, path)
        if key not in self._props:
            root = self.schema(op, kind)
            self._props[key] = shapes.properties(root, self._node(root, path))
        return self._props[key]


_SHARED: "weakref.WeakKeyDictionary[Catalog, Shared]" = weakref.WeakKeyDictionary()
_DEFAULT: list[Catalog] = []
_SHARED_LOCK = threading.Lock()


def shared(catalog: Catalog | None = None, contracts=None) -> Shared:
    """The :class:`Shared` of ``catalog`` (default: the committed contracts), built once per catalog."""
    with _SHARED_LOCK:
        if catalog is None:
            if contracts is not None:
                catalog = contracts.catalog
            else:
                if not _DEFAULT:
                    _DEFAULT.append(Catalog())
                catalog = _DEFAULT[0]
        s = _SHARED.get(catalog)
        if s is None or (contracts is not None and s.contracts is not contracts):
            s = Shared(catalog, contracts)
            _SHARED[catalog] = s
        return s


class Emulator:
    """Stateful stand-in for the operations in :data:`EMULATED` (``emulates(op)``); every other operation of
    the catalog is routed, validated and answered 501 ``NOT_EMULATED``."""

    def __init__(self, catalog: Catalog | None = None, seed_state: dict | None = None,
                 clock: Clock | Callable[[], datetime] | datetime | str | None = None, *,
                 require_auth: bool = False, seed: str | dict | None = None, scenarios: Iterable = (),
                 contracts=None, max_events: int | None = None):
        self._shared = shared(catalog, contracts)
        self.catalog = self._shared.catalog
        self.contracts = self._shared.contracts
        self.require_auth = require_auth
        self.clock = clock if isinstance(clock, Clock) else Clock(clock)
        self.lock = threading.RLock()
        self.store = Store()
        self.occ = Occupancy()
        self.avail = Availability(self.store, self.occ, self.clock)
        self.bus = EventBus(max_events)
        self.scenarios = Scenarios()
        self.handlers: dict[str, Callable[[dict, dict], dict]] = {
            op: (lambda fn: lambda params, msg: fn(self, params, msg))(fn) for op, fn in HANDLERS.items()}
        self._pending: list[DomainEvent] = []
        self._stamp: str | None = None
        self._owned = False
        self._initial = (seed, seed_state, [s if isinstance(s, str) else tuple(s) for s in scenarios])
        self._start()

    # ================================================================ state
    def _start(self) -> None:
        from . import seeds

        seed, seed_state, scenarios = self._initial
        for spec in scenarios:
            self.enable_scenario(spec)
        if seed is not None:
            seeds.apply(self, seeds.load(seed))
        if seed_state:
            seeds.apply(self, seed_state)

    def reset(self, seed: str | dict | None = ..., scenarios: Iterable | None = None) -> None:
        """Back to the initial state (the seed and scenarios the emulator was created with), or to ``seed``
        / ``scenarios`` when given.  Events are cleared; listeners stay."""
        with self.lock:
            s0, st0, sc0 = self._initial
            if seed is not ...:
                s0, st0 = seed, None
            if scenarios is not None:
                sc0 = list(scenarios)
            self._initial = (s0, st0, sc0)
            self.store.__init__()
            self.occ.clear()
            self.scenarios.clear()
            self.bus.clear()
            self._start()

    def seed(self, state: dict) -> None:
        """Add entities to the state (format: ``seeds.py``; also the legacy ``{bookings, multiServiceBookings}``)."""
        from . import seeds

        with self.lock:
            seeds.apply(self, state)

    def snapshot(self) -> dict:
        with self.lock:
            return self.store.snapshot()

    @property
    def bookings(self) -> dict[str, dict]:
        return self.store.bookings

    @property
    def msbs(self) -> dict[str, list[str]]:
        return self.store.msbs

    @property
    def routes(self) -> list["Route"]:
        """Every path (canonical and aliases) of every emulated operation."""
        return [Route(o["id"], o["method"].upper(), t) for o in self.catalog.operations.values()
                if o["id"] in self.handlers and o.get("path") for t in (o["path"], *o.get("aliases", []))]

    def enable_scenario(self, spec) -> None:
        name, params = self.scenarios.enable(spec)
        if name == "eventual-consistency":
            self.store.set_lag(float(params["lagSeconds"]))

    def disable_scenario(self, name: str) -> None:
        self.scenarios.disable(name)
        if name == "eventual-consistency":
            self.store.set_lag(None)

    # ================================================================ events
    @property
    def events(self) -> list[DomainEvent]:
        return self.bus.events

    @property
    def listener_errors(self):
        return self.bus.listener_errors

    def on_event(self, callback: Callable[[DomainEvent], Any]) -> Callable[[], None]:
        """Call ``callback(event)`` after every committed state change; returns an unsubscribe function."""
        return self.bus.on_event(callback)

    def emit(self, event_type: str, entity_id: str, entity: Any, operation: str | None = None) -> None:
        """Record a domain event of the running operation (published once it succeeds)."""
        self._pending.append(DomainEvent.of(event_type, entity_id, entity, self.now_text(), operation))

    # ================================================================ helpers for handlers
    def now_text(self) -> str:
        """The clock's now as RFC 3339 (one value for every timestamp an operation writes)."""
        if self._stamp is None:
            self._stamp = rfc3339(self.clock.now())
        return self._stamp

    def emit_frozen(self, event_type: str, entity_id: str, frozen: bytes, operation: str | None = None) -> None:
        """:meth:`emit` with the entity already marshalled."""
        self._pending.append(DomainEvent(event_type, entity_id, frozen, self.now_text(), operation))

    def own(self, value: Any) -> Any:
        """``value`` from the request message, safe to store: the message itself when ``handle`` parsed it, a copy
        when ``dispatch`` was given the caller's."""
        return value if self._owned else shapes.clone(value)

    def fail(self, op: str, code: str, description: str, fallback_http: int, field: str | None = None,
             **data) -> WixError:
        """The error ``code`` of ``op``: its documented HTTP status when the catalog has one, else
        ``fallback_http`` (policy ``errors.statuses``)."""
        for e in self.catalog.operations[op].get("errors") or ():
            if e["code"] == code:
                return WixError(int(e["http"]), code, description, data, field=field)
        return WixError(fallback_http, code, description, data, field=field)

    def changed(self, table: str, entity: dict, deleted: bool = False) -> None:
        """A write to ``table`` (bookings: the occupancy index follows)."""
        eid = entity["id"]
        if table == "bookings":
            if deleted:
                self.occ.forget(eid)
            else:
                self.occ.update(entity)
        elif table == "services":
            self.avail.invalidate()
        if self.store.lag:
            self.store.wrote(table, eid, None if deleted else entity, self.clock.now())

    # ================================================================ transport-free entry points
    def emulates(self, op: str) -> bool:
        """Whether ``op`` (id, or a bare name only one service has) is emulated."""
        if op in self.handlers:
            return True
        try:
            return self.catalog.resolve(op) in self.handlers
        except (UnknownOperation, KeyError):
            return False

    def handle(self, method: str, path: str, headers: dict | None = None, body_bytes: bytes | None = b"") -> Response:
        method = method.upper()
        path, _, query = path.partition("?")
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            from .control import handle_control

            return handle_control(self, method, path, query, body_bytes)
        try:
            hit = self._shared.router.match(method, path)
        except MethodNotAllowed as e:
            allowed = ", ".join(e.allowed)
            return self._error_response(None, WixError(405, "METHOD_NOT_ALLOWED", f"{method} not allowed; use {allowed}",
                                                       headers={"allow": allowed}))
        if hit is None:
            from urllib.parse import unquote

            return self._error_response(None, WixError(404, "NOT_FOUND", f"no route for {method} {unquote(path)}"))
        op, params = hit
        if self.require_auth and not any(k.lower() == "authorization" for k in (headers or {})):
            return self._error_response(None, WixError(401, "UNAUTHENTICATED", "missing Authorization header"))
        try:
            body = self._parse(body_bytes)
            message = self._validate(op["id"], params, body, query, method, _canonical_names(body_bytes))
        except ValidationFailure as e:
            return 400, dict(JSON_HEADERS), e.body()
        return self.dispatch(op["id"], params, message, _owned=True)

    def dispatch(self, op_id: str, path_params: dict | None, message: dict, *, _owned: bool = False) -> Response:
        """Run the handler of ``op_id`` on an already-read request message (``WireRequest.full``: the path's
        fields bound).  No routing, no validation; ``message`` is not changed.  Returns ``(status, headers,
        body)``."""
        fn = self.handlers.get(op_id)
        if fn is None:
            try:
                op_id = self.catalog.resolve(op_id)
            except UnknownOperation as e:
                return self._error_response(None, WixError(404, "NOT_FOUND", str(e)))
            fn = self.handlers.get(op_id)
            if fn is None:
                return self._error_response(op_id, WixError(
                    501, "NOT_EMULATED", f"{op_id} is not emulated by wixcontracts (GET {CONTROL_PREFIX}/operations "
                    "lists what is)", {"operation": op_id}))
        message = message if isinstance(message, dict) else {}
        with self.lock:
            self._pending, self._stamp, self._owned = [], None, _owned
            try:
                result = fn(dict(path_params) if path_params else {}, message)
            except WixError as e:
                self._pending = []
                return self._error_response(op_id, e)
            except ValidationFailure as e:
                self._pending = []
                return 400, dict(JSON_HEADERS), e.body()
            except WqlError as e:
                self._pending = []
                return 400, dict(JSON_HEADERS), invalid(e.field, e.description, e.rule, e.rule_name).body()
            events, self._pending, self._owned = self._pending, [], False
        self.bus.publish(events)
        return 200, dict(JSON_HEADERS), result

    # ================================================================ internals
    def _error_response(self, op: str | None, e: WixError) -> Response:
        if op is not None and e.http == 400 and not any(x["code"] == e.code
                                                        for x in self.catalog.operations[op].get("errors") or ()):
            return 400, dict(JSON_HEADERS), e.as_validation().body()  # policy errors.400_shape
        return e.http, {**JSON_HEADERS, **e.headers}, e.body()

    @staticmethod
    def _parse(body_bytes: bytes | None):
        """Strict JSON, as a proto3 JSON parser reads it: UTF-8, no NaN/Infinity, numbers that fit, valid
        Unicode strings, at most ``MAX_BODY_DEPTH`` levels of nesting (``validate.io.loads``)."""
        if isinstance(body_bytes, str):
            body_bytes = body_bytes.encode("utf-8", "surrogatepass")
        if not body_bytes or not body_bytes.strip(b" \t\n\r"):  # JSON's whitespace only (not \x0b, \x0c)
            return {}
        # fast path: a body that cannot be too deep and has no \\u escape (an unpaired surrogate) is read by the C
        # decoder, refusing NaN / Infinity and out-of-range numbers; any problem: the strict reader says what, where
        if body_bytes.count(b"{") + body_bytes.count(b"[") <= MAX_BODY_DEPTH and _no_u_escape(body_bytes):
            try:  # = _DECODER.decode(body_bytes.decode("utf-8-sig"))
                text = (body_bytes[3:] if body_bytes.startswith(_BOM) else body_bytes).decode("utf-8").strip(_WS)
                value, end = _SCAN(text, 0)
                if end == len(text):
                    return value
            except (ValueError, UnicodeDecodeError, StopIteration):
                pass
        from ..validate.io import InputError, loads

        try:
            return loads(body_bytes.decode("utf-8-sig"), "body", max_depth=MAX_BODY_DEPTH, unicode_strict=True)
        except (InputError, UnicodeDecodeError) as e:
            msg = str(e).removeprefix("body: ")
            raise ValidationFailure([violation("", f"request body is not valid JSON: {msg}", "OTHER", "json")]) from None

    def _validate(self, op: str, params: dict, body, query: str = "", method: str = "POST",
                  canonical_names: bool = False) -> dict:
        """The request as the gateway reads it (``wixcontracts.validate.wire``), through the validation engine;
        its errors (not its warnings) become fieldViolations (policy validation.*).  Returns the request message
        with the path's fields set.  ``canonical_names``: no key of ``body`` holds a ``_``."""
        if body is None:  # JSON null: the engine reads a None body as "no body" ({}), the wire had one
            raise ValidationFailure([violation("", "expected object, got null", "OTHER", "type")])
        res, wire = self.contracts.check_request(op, body, path_params=params or None, query=query, method=method,
                                                 body_names_canonical=canonical_names)
        if res.errors:
            path = [f for f in res.errors if f.location == "path"]
            if path:
                raise ValidationFailure(violations(path, params))
            raise ValidationFailure(violations(res.errors, wire.message if wire is not None else body))
        return wire.full if wire is not None else body