"""Transport-free core of the emulator: ``Emulator.handle(method, path, headers, body) -> (status, headers, body)``.

Routes, error codes/statuses and status preconditions come from ``contracts/catalog.json``; request
validation is the validation engine's (``wixcontracts.validate.Contracts`` on ``schemas/rest/<op>.{request,path}.json``). Choices the docs leave open: ``policy.DECISIONS``."""

from __future__ import annotations

import copy
import json
import re
import threading
import uuid
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import unquote

from ..catalog import Catalog
from .policy import FROM_STATUSES

Response = tuple[int, dict[str, str], Any]

_JSON = {"content-type": "application/json"}
MAX_BODY_DEPTH = 100  # protobuf's JSON parsers refuse deeper messages (their default recursion limit)
# validation-engine finding rule → Wix violatedRule (policy validation.violated_rule)
_RULES = {"required": "REQUIRED_FIELD", "oneOf-required": "REQUIRED_FIELD", "format": "FORMAT", "int64": "FORMAT",
          "minLength": "MIN_LENGTH", "maxLength": "MAX_LENGTH", "minimum": "MIN", "maximum": "MAX",
          "exclusiveMinimum": "MIN", "exclusiveMaximum": "MAX", "minItems": "MIN_SIZE", "maxItems": "MAX_SIZE"}


class WixError(Exception):
    """An application error; rendered with the Wix envelope."""

    def __init__(self, http: int, code: str, description: str, data: dict | None = None, headers=None):
        super().__init__(description)
        self.http, self.code, self.description, self.data = http, code, description, data or {}
        self.headers = headers or {}

    def body(self) -> dict:
        return {"message": f"{self.code}: {self.description}",
                "details": {"applicationError": {"code": self.code, "description": self.description,
                                                 "data": self.data}}}


class ValidationFailure(Exception):
    def __init__(self, violations: list[dict]):
        super().__init__(violations[0]["description"] if violations else "invalid request")
        self.violations = violations

    def body(self) -> dict:
        first = self.violations[0]
        return {"message": f"INVALID_ARGUMENT: {first['field'] or 'request'}: {first['description']}",
                "details": {"validationError": {"fieldViolations": self.violations}}}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _rfc3339(dt: datetime) -> str:
    dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _field(parts) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def _as_int(rev) -> int | None:
    if isinstance(rev, bool):
        return None
    if isinstance(rev, int):
        return rev
    if isinstance(rev, str) and re.fullmatch(r"-?[0-9]{1,19}", rev):
        return int(rev)
    return None


def _dotted(ptr: str, instance) -> str:
    """``/booking/additionalFields/0/id`` → ``booking.additionalFields[0].id`` (indices told apart from keys
    by walking ``instance``; past the end of the instance every part is a key)."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in ptr.split("/")[1:]] if ptr else []
    out, node = [], instance
    for p in parts:
        if isinstance(node, list) and p.isdigit():
            out.append(int(p))
            node = node[int(p)] if int(p) < len(node) else None
        else:
            out.append(p)
            node = node.get(p) if isinstance(node, dict) else None
    return _field(out)


def _violations(findings, instance) -> list[dict]:
    """Error findings of the validation engine → Wix ``fieldViolations`` (policy validation.*)."""
    return [{"field": _dotted(f.pointer, instance), "description": f.message,
             "violatedRule": _RULES.get(f.rule, "OTHER"), "ruleName": f.rule} for f in findings]


def _resolve(root: dict, node):
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target = root
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _strip_read_only(value, node, root: dict, depth: int = 0):
    """``value`` without the properties the schema marks ``readOnly`` (at any depth; $refs followed)."""
    node = _resolve(root, node)
    if depth > 32 or not isinstance(node, dict):
        return value
    if isinstance(value, dict) and isinstance(node.get("properties"), dict):
        props = node["properties"]
        out = {}
        for k, v in value.items():
            sub = _resolve(root, props.get(k))
            if isinstance(sub, dict) and (sub.get("readOnly") or (props.get(k) or {}).get("readOnly")):
                continue
            out[k] = _strip_read_only(v, sub, root, depth + 1) if sub is not None else v
        return out
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        return [_strip_read_only(v, node["items"], root, depth + 1) for v in value]
    return value


class _Route:
    def __init__(self, op: dict, template: str):
        self.op = op
        self.name = op["id"]
        self.method = op["method"].upper()
        pattern = re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>[^/]*)", re.escape(template))
        self.regex = re.compile(f"^{pattern}/?$")


EMULATED = tuple(f"bookings.{n}" for n in (
    "cancelBooking", "cancelMultiServiceBooking", "confirmBooking", "confirmMultiServiceBooking",
    "createBooking", "createMultiServiceBooking", "declineBooking", "declineMultiServiceBooking",
    "getMultiServiceBooking", "markBookingAsPending"))


class Emulator:
    """Stateful stand-in for the operations in ``EMULATED``; other contract operations are
    not routed (404), and ``emulates(op)`` says which is which."""

    def emulates(self, op: str) -> bool:
        return op in self.handlers

    def __init__(self, catalog: Catalog | None = None, seed_state: dict | None = None,
                 clock: Callable[[], datetime] | None = None, *, require_auth: bool = False):
        self.require_auth = require_auth
        self.catalog = catalog or Catalog()
        self.clock = clock or _now
        self.lock = threading.RLock()
        self.routes: list[_Route] = []
        handlers = {"createBooking": self._create_booking,
                    "declineMultiServiceBooking": self._decline_msb,
                    "cancelBooking": self._cancel_booking,
                    "confirmBooking": self._set_status("bookings.confirmBooking"),
                    "declineBooking": self._set_status("bookings.declineBooking"),
                    "markBookingAsPending": self._set_status("bookings.markBookingAsPending"),
                    "createMultiServiceBooking": self._create_msb,
                    "getMultiServiceBooking": self._get_msb,
                    "confirmMultiServiceBooking": self._confirm_msb,
                    "cancelMultiServiceBooking": self._cancel_msb}
        self.handlers = {f"bookings.{k}": v for k, v in handlers.items()}
        for op in self.catalog.operations.values():
            if "rest" not in op.get("surfaces", ["rest"]) or not op.get("path") or op["id"] not in self.handlers:
                continue  # only emulated operations are routed (see EMULATED)
            for t in [op["path"], *op.get("aliases", [])]:
                self.routes.append(_Route(op, t))
        from ..validate import Contracts

        self.contracts = Contracts(self.catalog)
        self.bookings: dict[str, dict] = {}
        self.msbs: dict[str, list[str]] = {}
        if seed_state:
            self.seed(seed_state)

    # ---------------------------------------------------------------- state
    def reset(self) -> None:
        with self.lock:
            self.bookings, self.msbs = {}, {}

    def seed(self, state: dict) -> None:
        """Add bookings / multi-service bookings (policy ``state.shape``)."""
        with self.lock:
            bookings = state.get("bookings") or {}
            items = bookings.values() if isinstance(bookings, dict) else bookings
            for b in items:
                b = copy.deepcopy(b)
                b.setdefault("id", str(uuid.uuid4()))
                b["revision"] = str(b.get("revision", 1))
                b.setdefault("status", "CREATED")
                ts = _rfc3339(self.clock())
                b.setdefault("createdDate", ts)
                b.setdefault("updatedDate", b["createdDate"])
                self.bookings[b["id"]] = b
            msbs = state.get("multiServiceBookings") or {}
            if isinstance(msbs, list):
                msbs = {m["id"]: m.get("bookings", []) for m in msbs}
            for mid, ids in msbs.items():
                self.msbs[mid] = [i["bookingId"] if isinstance(i, dict) else i for i in ids]

    def snapshot(self) -> dict:
        with self.lock:
            return {"bookings": copy.deepcopy(self.bookings), "multiServiceBookings": copy.deepcopy(self.msbs)}

    # ---------------------------------------------------------------- transport-free entry point
    def handle(self, method: str, path: str, headers: dict | None = None, body_bytes: bytes | None = b"") -> Response:
        method = method.upper()
        path, _, query = path.partition("?")
        matched = [(r, m) for r in self.routes if (m := r.regex.match(path))]
        if not matched:
            return self._error(WixError(404, "NOT_FOUND", f"no route for {method} {unquote(path)}"))
        route_match = next(((r, m) for r, m in matched if r.method == method), None)
        if route_match is None:
            allowed = ", ".join(sorted({r.method for r, _ in matched}))
            return self._error(WixError(405, "METHOD_NOT_ALLOWED", f"{method} not allowed; use {allowed}",
                                        headers={"allow": allowed}))
        route, m = route_match
        if self.require_auth and not any(k.lower() == "authorization"
                                         for k, v in (headers or {}).items()):
            return self._error(WixError(401, "UNAUTHENTICATED", "missing Authorization header"))
        params = {k: unquote(v) for k, v in m.groupdict().items()}
        try:
            body = self._parse(body_bytes)
            message = self._validate(route.name, params, body, query, method)
            result = self.handlers[route.name](params, message)
        except WixError as e:
            return self._error(e)
        except ValidationFailure as e:
            return 400, dict(_JSON), e.body()
        return 200, dict(_JSON), result

    def _error(self, e: WixError) -> Response:
        return e.http, {**_JSON, **e.headers}, e.body()

    @staticmethod
    def _parse(body_bytes: bytes | None):
        """Strict JSON, as a proto3 JSON parser reads it: UTF-8, no NaN/Infinity, numbers that fit, valid
        Unicode strings, at most ``MAX_BODY_DEPTH`` levels of nesting (``validate.io.loads``)."""
        if not body_bytes or not body_bytes.strip():
            return {}
        from ..validate.io import InputError, loads

        try:
            return loads(body_bytes.decode("utf-8-sig"), "body", max_depth=MAX_BODY_DEPTH, unicode_strict=True)
        except (InputError, UnicodeDecodeError) as e:
            msg = str(e).removeprefix("body: ")
            raise ValidationFailure([{"field": "", "description": f"request body is not valid JSON: {msg}",
                                      "violatedRule": "OTHER", "ruleName": "json"}]) from None

    def _validate(self, op: str, params: dict, body, query: str = "", method: str = "POST") -> dict:
        """The request as the gateway reads it (``wixcontracts.validate.wire``: body or query, path fields
        repeated and compared, proto names), through the validation engine; its errors (not its warnings,
        e.g. read-only fields) become one fieldViolation each (policy validation.*).  Returns the request
        message with the path's fields set."""
        if body is None:  # JSON null: the engine reads a None body as "no body" ({}), the wire had one
            raise ValidationFailure([{"field": "", "description": "expected object, got null",
                                      "violatedRule": "OTHER", "ruleName": "type"}])
        res, wire = self.contracts.check_request(op, body, path_params=params, query=query, method=method)
        path = [f for f in res.errors if f.location == "path"]
        if path:
            raise ValidationFailure(_violations(path, params))
        if res.errors:
            raise ValidationFailure(_violations(res.errors, wire.message if wire is not None else body))
        return wire.full if wire is not None else body

    # ---------------------------------------------------------------- catalog helpers
    def _code(self, op: str, code: str, fallback_http: int) -> int:
        for e in self.catalog.operation(op).get("errors", []):
            if e["code"] == code:
                return int(e["http"])
        return fallback_http

    def _err(self, op: str, code: str, description: str, fallback_http: int, **data) -> WixError:
        return WixError(self._code(op, code, fallback_http), code, description, data)

    def _precondition(self, op: str) -> dict:
        """The catalog's first precondition; for operations it documents none, policy ``FROM_STATUSES``."""
        pre = self.catalog.operation(op).get("preconditions") or []
        if pre:
            return pre[0]
        if op in FROM_STATUSES:
            allowed, to = FROM_STATUSES[op]
            return {"from_statuses": list(allowed), "to_status": to}
        return {"from_statuses": [], "to_status": None}

    @staticmethod
    def _status_ok(pre: dict, status) -> bool:
        allowed = pre.get("from_statuses") or []
        return status != pre.get("to_status") and (not allowed or status in allowed)

    def _touch(self, b: dict) -> None:
        b["revision"] = str(int(b["revision"]) + 1)
        b["updatedDate"] = _rfc3339(self.clock())

    # ---------------------------------------------------------------- operations
    def _new_booking(self, sent: dict, node, root: dict, flow: dict, ts: str) -> dict:
        """A booking as createBooking stores it (policy create.*): read-only fields dropped, server fields set."""
        booking = _strip_read_only(copy.deepcopy(sent or {}), node, root)
        booking.update({"id": str(uuid.uuid4()), "revision": "1", "createdDate": ts, "updatedDate": ts,
                        "status": "CONFIRMED" if (flow or {}).get("skipBusinessConfirmation") else "CREATED"})
        return booking

    def _create_booking(self, params: dict, body: dict) -> dict:
        req = self.catalog.schema("bookings.createBooking", "request", "rest")
        booking = self._new_booking(body.get("booking"), (req.get("properties") or {}).get("booking"), req,
                                    body.get("flowControlSettings"), _rfc3339(self.clock()))
        with self.lock:
            self.bookings[booking["id"]] = booking
            return {"booking": copy.deepcopy(booking)}

    def _decline_msb(self, params: dict, body: dict) -> dict:
        op = "bookings.declineMultiServiceBooking"
        msb_id = params["multiServiceBookingId"]
        pre = self._precondition(op)
        infos = body.get("declineBookingsInfo") or []
        with self.lock:
            member_ids = self._require_msb(op, msb_id)
            seen: list[str] = []
            for i, info in enumerate(infos):
                if "bookingId" not in info:
                    raise ValidationFailure([{"field": f"declineBookingsInfo[{i}].bookingId",
                                              "description": "bookingId is required",
                                              "violatedRule": "REQUIRED_FIELD", "ruleName": "required"}])
                if info.get("revision") is None:
                    raise self._err(op, "REVISION_MISSING", f"declineBookingsInfo[{i}] has no revision", 400,
                                    bookingId=info["bookingId"])
                if info["bookingId"] in seen:
                    raise self._err(op, "DUPLICATE_BOOKING_INFO", f"booking {info['bookingId']} is listed twice",
                                    400, bookingId=info["bookingId"])
                seen.append(info["bookingId"])
            for bid in seen:
                if bid not in member_ids or bid not in self.bookings:
                    raise self._err(op, "BOOKING_NOT_FOUND", f"booking {bid} not found in multi-service booking "
                                    f"{msb_id}", 404, bookingId=bid)
            missing = [b for b in member_ids if b not in seen]
            if missing:
                raise self._err(op, "NOT_ALL_BOOKINGS_WERE_SENT", "declineBookingsInfo must list every booking of "
                                "the multi-service booking", 400, missingBookingIds=missing)
            for info in infos:
                b = self.bookings[info["bookingId"]]
                if _as_int(info["revision"]) != int(b["revision"]):
                    raise self._err(op, "BOOKING_REVISION_MISMATCH", f"booking {b['id']} is at revision "
                                    f"{b['revision']}, request has {info['revision']}", 428,
                                    bookingId=b["id"], currentRevision=b["revision"])
            to_status = pre.get("to_status") or "DECLINED"
            members = [self.bookings[b] for b in member_ids]
            if members and all(b.get("status") == to_status for b in members):
                raise self._err(op, "ALL_BOOKINGS_ARE_ALREADY_DECLINED", "all bookings are already declined", 428)
            allowed = pre.get("from_statuses") or []
            bad = [b["id"] for b in members if allowed and b.get("status") not in allowed]
            if bad:
                raise self._err(op, "INVALID_BOOKING_STATUS", f"bookings must be in {', '.join(allowed)} to be "
                                "declined", 428, bookingIds=bad)
            # all checks passed: apply everything (all_or_nothing)
            by_id = {i["bookingId"]: i for i in infos}
            for b in members:
                b["status"] = to_status
                if by_id[b["id"]].get("paymentStatus") is not None:
                    b["paymentStatus"] = by_id[b["id"]]["paymentStatus"]
                if "doubleBooked" in body:
                    b["doubleBooked"] = body["doubleBooked"]
                self._touch(b)
            out = []
            for b in members:
                item = {"bookingId": b["id"]}
                if body.get("returnFullEntity"):
                    item["booking"] = copy.deepcopy(b)
                out.append(item)
            return {"multiServiceBooking": {"id": msb_id, "bookings": out}}

    def _cancel_booking(self, params: dict, body: dict) -> dict:
        op = "bookings.cancelBooking"
        bid = params["bookingId"]
        pre = self._precondition(op)
        to_status = pre.get("to_status") or "CANCELED"
        rev = body["revision"]  # required int64 in the contract: presence and form checked by _validate
        with self.lock:
            b = self.bookings.get(bid)
            if b is None:
                raise self._err(op, "BOOKING_NOT_FOUND", f"booking {bid} not found", 404, bookingId=bid)
            if _as_int(rev) != int(b["revision"]):
                raise self._err(op, "BOOKING_REVISION_MISMATCH", f"booking {bid} is at revision {b['revision']}, "
                                f"request has {rev}", 428, bookingId=bid, currentRevision=b["revision"])
            allowed = pre.get("from_statuses") or []
            if b.get("status") == to_status or (allowed and b.get("status") not in allowed):
                raise self._err(op, "INVALID_BOOKING_STATUS", f"booking {bid} is {b.get('status')}", 428,
                                bookingId=bid)
            b["status"] = to_status
            self._touch(b)
            return {"booking": copy.deepcopy(b)}

    # ---------------------------------------------------------------- operations from the SDK typings only
    def _set_status(self, op: str) -> Callable[[dict, dict], dict]:
        """confirmBooking / declineBooking / markBookingAsPending (policy sdk_ops.*): cancelBooking's rules with
        the to_status and from_statuses of ``FROM_STATUSES``."""

        def handler(params: dict, body: dict) -> dict:
            bid = params["bookingId"]
            pre = self._precondition(op)
            rev = body["revision"]  # required int64: checked by _validate
            with self.lock:
                b = self.bookings.get(bid)
                if b is None:
                    raise self._err(op, "BOOKING_NOT_FOUND", f"booking {bid} not found", 404, bookingId=bid)
                if _as_int(rev) != int(b["revision"]):
                    raise self._err(op, "BOOKING_REVISION_MISMATCH", f"booking {bid} is at revision "
                                    f"{b['revision']}, request has {rev}", 428, bookingId=bid,
                                    currentRevision=b["revision"])
                if not self._status_ok(pre, b.get("status")):
                    raise self._err(op, "INVALID_BOOKING_STATUS", f"booking {bid} is {b.get('status')}", 428,
                                    bookingId=bid)
                b["status"] = pre["to_status"]
                for k in ("paymentStatus", "doubleBooked"):
                    if body.get(k) is not None:
                        b[k] = body[k]
                self._touch(b)
                return {"booking": copy.deepcopy(b)}

        return handler

    def _msb_out(self, msb_id: str, full: bool) -> dict:
        out = []
        for bid in self.msbs[msb_id]:
            item = {"bookingId": bid}
            if full and bid in self.bookings:
                item["booking"] = copy.deepcopy(self.bookings[bid])
            out.append(item)
        return {"multiServiceBooking": {"id": msb_id, "bookings": out}}

    def _require_msb(self, op: str, msb_id: str) -> list[str]:
        """The booking ids of a multi-service booking, or its documented 404."""
        if msb_id not in self.msbs:
            raise self._err(op, "MULTI_SERVICE_BOOKING_NOT_FOUND", f"multi-service booking {msb_id} not found", 404)
        return self.msbs[msb_id]

    def _msb_members(self, op: str, msb_id: str) -> list[dict]:
        for bid in self._require_msb(op, msb_id):
            if bid not in self.bookings:
                raise self._err(op, "BOOKING_NOT_FOUND", f"booking {bid} of multi-service booking {msb_id} not "
                                "found", 404, bookingId=bid)
        return [self.bookings[b] for b in self.msbs[msb_id]]

    def _check_statuses(self, op: str, pre: dict, members: list[dict]) -> None:
        bad = [b["id"] for b in members if not self._status_ok(pre, b.get("status"))]
        if bad:
            raise self._err(op, "INVALID_BOOKING_STATUS", f"bookings {', '.join(bad)} cannot become "
                            f"{pre.get('to_status')}", 428, bookingIds=bad)

    def _create_msb(self, params: dict, body: dict) -> dict:
        req = self.catalog.schema("bookings.createMultiServiceBooking", "request", "rest")
        node = ((req.get("properties") or {}).get("bookings") or {}).get("items")
        ts = _rfc3339(self.clock())
        msb_id = str(uuid.uuid4())
        info = {"id": msb_id}
        if body.get("multiServiceBookingType") is not None:
            info["type"] = body["multiServiceBookingType"]
        bookings = []
        for sent in body.get("bookings") or []:
            b = self._new_booking(sent, node, req, body.get("flowControlSettings"), ts)
            b["multiServiceBookingInfo"] = dict(info)
            bookings.append(b)
        with self.lock:
            for b in bookings:
                self.bookings[b["id"]] = b
            self.msbs[msb_id] = [b["id"] for b in bookings]
            return self._msb_out(msb_id, bool(body.get("returnFullEntity")))

    def _get_msb(self, params: dict, body: dict) -> dict:
        msb_id = params["multiServiceBookingId"]
        with self.lock:
            self._require_msb("bookings.getMultiServiceBooking", msb_id)
            return self._msb_out(msb_id, True)

    def _confirm_msb(self, params: dict, body: dict) -> dict:
        op = "bookings.confirmMultiServiceBooking"
        msb_id = params["multiServiceBookingId"]
        pre = self._precondition(op)
        infos = body.get("confirmBookingsInfo") or []
        with self.lock:
            members = self._msb_members(op, msb_id)
            seen: dict[str, dict] = {}
            for i, info in enumerate(infos):
                for key in ("bookingId", "revision"):
                    if info.get(key) is None:
                        raise ValidationFailure([{"field": f"confirmBookingsInfo[{i}].{key}",
                                                  "description": f"{key} is required",
                                                  "violatedRule": "REQUIRED_FIELD", "ruleName": "required"}])
                if info["bookingId"] in seen:
                    raise ValidationFailure([{"field": f"confirmBookingsInfo[{i}].bookingId",
                                              "description": f"booking {info['bookingId']} is listed twice",
                                              "violatedRule": "OTHER", "ruleName": "unique"}])
                seen[info["bookingId"]] = info
            for bid in seen:
                if bid not in self.msbs[msb_id]:
                    raise self._err(op, "BOOKING_NOT_FOUND", f"booking {bid} not found in multi-service booking "
                                    f"{msb_id}", 404, bookingId=bid)
            for bid, info in seen.items():
                b = self.bookings[bid]
                if _as_int(info["revision"]) != int(b["revision"]):
                    raise self._err(op, "BOOKING_REVISION_MISMATCH", f"booking {bid} is at revision "
                                    f"{b['revision']}, request has {info['revision']}", 428,
                                    bookingId=bid, currentRevision=b["revision"])
            self._check_statuses(op, pre, members)
            for b in members:  # all checks passed: apply everything
                b["status"] = pre["to_status"]
                if seen.get(b["id"], {}).get("paymentStatus") is not None:
                    b["paymentStatus"] = seen[b["id"]]["paymentStatus"]
                if body.get("doubleBooked") is not None:
                    b["doubleBooked"] = body["doubleBooked"]
                self._touch(b)
            return self._msb_out(msb_id, bool(body.get("returnFullEntity")))

    def _cancel_msb(self, params: dict, body: dict) -> dict:
        op = "bookings.cancelMultiServiceBooking"
        msb_id = params["multiServiceBookingId"]
        pre = self._precondition(op)
        with self.lock:
            members = self._msb_members(op, msb_id)
            self._check_statuses(op, pre, members)
            for b in members:
                b["status"] = pre["to_status"]
                self._touch(b)
            return self._msb_out(msb_id, bool(body.get("returnFullEntity")))
