"""Shared helpers for the emulator tests (the fixtures live in conftest.py)."""

import uuid

import jsonschema
import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with")  # starlette: "use httpx2" (not installed)
    from starlette.testclient import TestClient

from wixcontracts.catalog import Catalog
from wixcontracts.emulator.asgi import create_app
from wixcontracts.emulator.core import Emulator
from wixcontracts.validate import Contracts

CANON = "/_api/bookings-service/v2"
ALIAS = "/bookings/v2"
_CAT = Catalog()
_CONTRACTS = Contracts(_CAT)
_VALIDATORS: dict = {}


def _validator(op, kind):
    if (op, kind) not in _VALIDATORS:
        schema = _CAT.schema(op, kind)
        cls = jsonschema.validators.validator_for(schema)
        _VALIDATORS[(op, kind)] = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return _VALIDATORS[(op, kind)]


def resolve(root: dict, node: dict) -> dict:
    """Follow local ``$ref``s (``#/$defs/...``) until a schema that is not a reference."""
    while isinstance(node, dict) and "$ref" in node:
        target = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def schema_at(op: str, kind: str, dotted: str) -> dict:
    """The (resolved) subschema of the committed ``<op>.<kind>`` schema for a dotted field path such as
    ``booking.contactDetails.contactId`` (``[]`` steps into array items)."""
    root = _CAT.schema(op, kind)
    node = resolve(root, root)
    for part in dotted.replace("[]", ".[]").split("."):
        node = resolve(root, node["items"] if part == "[]" else node["properties"][part])
    return node


def check_response(op, status, body):
    """Every 200 against <op>.response.json, every error against <op>.error.json (and its per-status def); and
    every response through the validation engine in strict mode (formats, int64, no undocumented fields)."""
    res = _CONTRACTS.validate_response(op, body, status, strict=True)
    assert res.ok, [f.to_dict() for f in res.errors]
    if status == 200:
        _validator(op, "response").validate(body)
        return
    err = _CAT.schema(op, "error")
    _validator(op, "error").validate(body)
    per_status = err.get("$defs", {}).get(f"http{status}")
    if per_status is not None:
        jsonschema.Draft202012Validator({**per_status, "$defs": err["$defs"]}).validate(body)


class Client:
    """Thin helper over the ASGI app that validates every response against the schemas."""

    def __init__(self, emu=None):
        self.emu = emu or Emulator()
        self.http = TestClient(create_app(self.emu))

    def post(self, op, path, body=None, raw=None, headers=None):
        if raw is not None:
            r = self.http.post(path, content=raw, headers=headers or {})
        else:
            r = self.http.post(path, json=body if body is not None else {}, headers=headers)
        data = r.json()
        check_response(op, r.status_code, data)
        return r.status_code, data

    def get(self, op, path):
        r = self.http.get(path)
        data = r.json()
        check_response(op, r.status_code, data)
        return r.status_code, data

    def create(self, prefix=CANON, **booking):
        booking = {"bookedEntity": {"slot": {"serviceId": str(uuid.uuid4())}}, "totalParticipants": 1, **booking}
        return self.post("createBooking", f"{prefix}/bookings", {"booking": booking})

    def decline(self, msb_id, body, prefix=CANON):
        return self.post("declineMultiServiceBooking", f"{prefix}/multi_service_bookings/{msb_id}/decline", body)

    def cancel(self, booking_id, body, prefix=CANON):
        return self.post("cancelBooking", f"{prefix}/bookings/{booking_id}/cancel", body)

    def booking_op(self, op, booking_id, body, prefix=CANON):
        """confirmBooking / declineBooking / markBookingAsPending."""
        action = {"confirmBooking": "confirm", "declineBooking": "decline",
                  "markBookingAsPending": "mark_booking_as_pending"}[op]
        return self.post(op, f"{prefix}/bookings/{booking_id}/{action}", body)

    def create_msb(self, n=2, prefix=CANON, **body):
        bookings = [{"bookedEntity": {"slot": {"serviceId": str(uuid.uuid4())}}, "totalParticipants": 1}
                    for _ in range(n)]
        return self.post("createMultiServiceBooking", f"{prefix}/multi_service_bookings",
                         {"bookings": bookings, **body})

    def get_msb(self, msb_id, prefix=CANON):
        return self.get("getMultiServiceBooking", f"{prefix}/multi_service_bookings/{msb_id}")

    def msb_op(self, op, msb_id, body, prefix=CANON):
        """confirmMultiServiceBooking / cancelMultiServiceBooking."""
        action = {"confirmMultiServiceBooking": "confirm", "cancelMultiServiceBooking": "cancel"}[op]
        return self.post(op, f"{prefix}/multi_service_bookings/{msb_id}/{action}", body)


def code(body):
    return body["details"]["applicationError"]["code"]


def infos(client, ids, **extra):
    return [{"bookingId": i, "revision": client.emu.bookings[i]["revision"], **extra} for i in ids]


HOST = "https://www.wixapis.com"
AUTH = {"Authorization": "test", "wix-site-id": "00000000-0000-4000-8000-000000000001"}


class Wire:
    """``emu.handle`` with every exchange checked by ``Contracts.validate_exchange`` (strict responses)."""

    def __init__(self, emu=None, **kw):
        self.emu = emu if emu is not None else Emulator(**kw)

    def __call__(self, method: str, path: str, body=None, headers=None):
        import json as _json

        raw = _json.dumps(body).encode() if body is not None else b""
        status, _h, out = self.emu.handle(method, path, dict(headers or AUTH), raw)
        if not path.startswith("/_wixcontracts"):
            res = _CONTRACTS.validate_exchange(method, HOST + path, AUTH, body, status, out, strict=True)
            assert res.ok, [f"{f.location} {f.pointer} {f.rule}: {f.message}" for f in res.errors]
        return status, out

    def post(self, path, body=None):
        return self(method="POST", path=path, body=body if body is not None else {})

    def get(self, path):
        return self("GET", path)
