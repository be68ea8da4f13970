"""Transport-free core of the emulator: ``Emulator.handle(method, path, headers, body) -> (status, headers, body)``.

Routes, error codes/statuses and status preconditions come from ``contracts/catalog.json``; request
validation from ``schemas/rest/<op>.{request,path}.json``. Choices the docs leave open: ``policy.DECISIONS``."""

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

Response = tuple[int, dict[str, str], Any]

_JSON = {"content-type": "application/json"}
_RULES = {"required": "REQUIRED_FIELD", "format": "FORMAT", "minLength": "MIN_LENGTH", "maxLength": "MAX_LENGTH",
          "minimum": "MIN", "maximum": "MAX", "exclusiveMinimum": "MIN", "exclusiveMaximum": "MAX",
          "minItems": "MIN_SIZE", "maxItems": "MAX_SIZE"}


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


class _Checker:
    """jsonschema_rs for the fast yes/no, Python jsonschema for the violations."""

    def __init__(self, schema: dict):
        import jsonschema
        import jsonschema_rs

        self.schema = schema
        self.fast = jsonschema_rs.validator_for(schema, validate_formats=True)
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        self.slow = cls(schema, format_checker=cls.FORMAT_CHECKER)

    def violations(self, instance, prefix: tuple = ()) -> list[dict]:
        if self.fast.is_valid(instance):
            return []
        out = []
        for e in sorted(self.slow.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
            parts = list(prefix) + list(e.absolute_path)
            if e.validator == "required":
                missing = [r for r in e.validator_value if isinstance(e.instance, dict) and r not in e.instance]
                parts += missing[:1]
            elif e.validator == "additionalProperties" and isinstance(e.instance, dict):
                allowed = set((e.schema or {}).get("properties", {}))
                extra = sorted(k for k in e.instance if k not in allowed)
                parts += extra[:1]
            desc = e.message
            group = (e.schema or {}).get("x-wix-one-of") if isinstance(e.schema, dict) else None
            if group and e.validator == "anyOf":
                desc = f"one of {', '.join(group)} is required"
            elif group and e.validator == "not":
                desc = f"only one of {', '.join(group)} may be set"
            out.append({"field": _field(parts), "description": desc,
                        "violatedRule": "REQUIRED_FIELD" if group and e.validator == "anyOf"
                        else _RULES.get(str(e.validator), "OTHER"), "ruleName": str(e.validator)})
        if not out:  # e.g. date-time: enforced by jsonschema_rs only (policy validation.date_time)
            for e in self.fast.iter_errors(instance):
                path = [p for p in getattr(e, "instance_path", [])]
                out.append({"field": _field(list(prefix) + path), "description": e.message,
                            "violatedRule": "FORMAT" if "format" in str(getattr(e, "kind", "")).lower() else "OTHER",
                            "ruleName": type(getattr(e, "kind", e)).__name__})
        return out or [{"field": _field(prefix), "description": "request does not match the schema",
                        "violatedRule": "OTHER", "ruleName": "schema"}]


class _Route:
    def __init__(self, op: dict, template: str):
        self.op = op
        self.name = op["name"]
        self.method = op["method"].upper()
        pattern = re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>[^/]*)", re.escape(template))
        self.regex = re.compile(f"^{pattern}/?$")


EMULATED = ("cancelBooking", "createBooking", "declineMultiServiceBooking")


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
        self.handlers = {"createBooking": self._create_booking,
                         "declineMultiServiceBooking": self._decline_msb,
                         "cancelBooking": self._cancel_booking}
        for op in self.catalog.operations.values():
            if "rest" not in op.get("surfaces", ["rest"]) or not op.get("path") or op["name"] not in self.handlers:
                continue  # only emulated operations are routed (see EMULATED)
            for t in [op["path"], *op.get("path_aliases", [])]:
                self.routes.append(_Route(op, t))
        self._checkers: dict[tuple[str, str], _Checker] = {}
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
        path = path.split("?", 1)[0]
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
            v = self._checker(route.name, "path").violations(params)
            if v:
                raise ValidationFailure(v)
            v = self._checker(route.name, "request").violations(body)
            if v:
                raise ValidationFailure(v)
            result = self.handlers[route.name](params, body)
        except WixError as e:
            return self._error(e)
        except ValidationFailure as e:
            return 400, dict(_JSON), e.body()
        return 200, dict(_JSON), result

    def _error(self, e: WixError) -> Response:
        return e.http, {**_JSON, **e.headers}, e.body()

    @staticmethod
    def _parse(body_bytes: bytes | None):
        if not body_bytes or not body_bytes.strip():
            return {}
        try:
            return json.loads(body_bytes)
        except (ValueError, UnicodeDecodeError) as e:
            raise ValidationFailure([{"field": "", "description": f"request body is not valid JSON: {e}",
                                      "violatedRule": "OTHER", "ruleName": "json"}]) from None

    def _checker(self, op: str, kind: str) -> _Checker:
        key = (op, kind)
        if key not in self._checkers:
            self._checkers[key] = _Checker(self.catalog.schema(op, kind, "rest"))
        return self._checkers[key]

    # ---------------------------------------------------------------- catalog helpers
    def _code(self, op: str, code: str, fallback_http: int) -> int:
        for e in self.catalog.operation(op).get("errors", []):
            if e["code"] == code:
                return int(e["http"])
        return fallback_http

    def _err(self, op: str, code: str, description: str, fallback_http: int, **data) -> WixError:
        return WixError(self._code(op, code, fallback_http), code, description, data)

    def _precondition(self, op: str) -> dict:
        pre = self.catalog.operation(op).get("preconditions") or []
        return pre[0] if pre else {"from_statuses": [], "to_status": None}

    def _touch(self, b: dict) -> None:
        b["revision"] = str(int(b["revision"]) + 1)
        b["updatedDate"] = _rfc3339(self.clock())

    # ---------------------------------------------------------------- operations
    def _create_booking(self, params: dict, body: dict) -> dict:
        booking = copy.deepcopy(body.get("booking") or {})
        flow = body.get("flowControlSettings") or {}
        ts = _rfc3339(self.clock())
        booking.update({"id": str(uuid.uuid4()), "revision": "1", "createdDate": ts, "updatedDate": ts,
                        "status": "CONFIRMED" if flow.get("skipBusinessConfirmation") else "CREATED"})
        with self.lock:
            self.bookings[booking["id"]] = booking
            return {"booking": copy.deepcopy(booking)}

    def _decline_msb(self, params: dict, body: dict) -> dict:
        op = "declineMultiServiceBooking"
        msb_id = params["multiServiceBookingId"]
        pre = self._precondition(op)
        infos = body.get("declineBookingsInfo") or []
        with self.lock:
            if msb_id not in self.msbs:
                raise self._err(op, "MULTI_SERVICE_BOOKING_NOT_FOUND", f"multi-service booking {msb_id} not found", 404)
            member_ids = self.msbs[msb_id]
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
        op = "cancelBooking"
        bid = params["bookingId"]
        pre = self._precondition(op)
        to_status = pre.get("to_status") or "CANCELED"
        rev = body.get("revision")
        if rev is None:
            raise self._err(op, "REVISION_MISSING", "revision is required", 400)
        if _as_int(rev) is None:
            raise ValidationFailure([{"field": "revision", "description": "revision must be an int64 (digit string "
                                      "or integer)", "violatedRule": "FORMAT", "ruleName": "x-wix-int64"}])
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
