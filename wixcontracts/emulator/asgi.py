"""ASGI front of the emulator: a Starlette app whose every HTTP request is delegated to ``Emulator.handle``.

Every response is JSON with Wix's error envelope when it is not a 200: a body the core cannot parse is
a 400 ``validationError`` (the core's strict parse), a body larger than ``MAX_BODY`` a 413, and an
unexpected exception anywhere a 500 ``applicationError`` -- logged with its traceback on the
``wixcontracts.emulator`` logger -- never a plain-text page.  ``GET /_wixcontracts/operations`` lists the
operations emulated (``wixcontracts fuzz --url`` reads it)."""

from __future__ import annotations

import json
import logging
from json.encoder import c_make_encoder, encode_basestring_ascii

from starlette.applications import Starlette

from .core import Emulator

log = logging.getLogger("wixcontracts.emulator")

OPERATIONS_PATH = "/_wixcontracts/operations"
MAX_BODY = 16 * 1024 * 1024
_JSON = "application/json"


def envelope(code: str, description: str) -> dict:
    """Wix's application-error envelope."""
    return {"message": f"{code}: {description}",
            "details": {"applicationError": {"code": code, "description": description, "data": {}}}}


def _no_default(o):
    raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


# = json.dumps(payload, allow_nan=False, ensure_ascii=True), byte for byte: the C encoder json.dumps builds per
# call, built once (no circular-reference bookkeeping: a cycle ends in RecursionError instead of ValueError,
# both answered 500)
_ENCODE = c_make_encoder(None, _no_default, encode_basestring_ascii, None, ": ", ", ", False, False, False) \
    if c_make_encoder is not None else None
_DUMPS = json.JSONEncoder(allow_nan=False, ensure_ascii=True).encode


def _dumps(payload) -> str:
    if _ENCODE is None or isinstance(payload, str):
        return _DUMPS(payload)
    return "".join(_ENCODE(payload, 0))


def _encode(status: int, payload, headers: dict | None = None) -> tuple[list, bytes]:
    body = _dumps(payload).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if headers:
        for k, v in headers.items():
            k = k.lower()
            if k != "content-type" and k != "content-length":
                raw.append((k.encode("latin-1"), str(v).encode("latin-1")))
    return raw, body


async def _respond(send, status: int, payload, headers: dict | None = None) -> None:
    raw, body = _encode(status, payload, headers)
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


async def _read_body(scope, receive, limit: int) -> bytes:
    for k, v in scope.get("headers") or ():
        if k == b"content-length" and v.isdigit() and int(v) > limit:
            raise _TooLarge()
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body") or b""
        size += len(chunk)
        if size > limit:
            raise _TooLarge()
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app(emulator: Emulator | None = None, *, max_body: int = MAX_BODY) -> Starlette:
    """A Starlette app (``app.state.emulator``) whose every request goes straight to ``emulator.handle``:
    plain ASGI underneath (no Starlette routing, middleware, request or response objects on the way)."""
    emu = emulator if emulator is not None else Emulator()

    async def asgi(scope, receive, send) -> None:
        kind = scope["type"]
        if kind != "http":
            if kind == "websocket":  # refused (the ASGI server answers 403)
                await send({"type": "websocket.close", "code": 1008})
            elif kind == "lifespan":
                await _lifespan(receive, send)
            return
        try:
            raw = scope.get("raw_path")
            path = raw.decode("latin-1") if raw else scope["path"]
            qs = scope.get("query_string")
            if qs and "?" not in path:
                path = f"{path}?{qs.decode('latin-1')}"
            try:
                body = await _read_body(scope, receive, max_body)
            except _TooLarge:
                await _respond(send, 413, envelope("PAYLOAD_TOO_LARGE", f"request body larger than {max_body} bytes"))
                return
            # the core reads headers only to check Authorization (require_auth)
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers") or ()} \
                if emu.require_auth or type(emu).handle is not Emulator.handle else {}
            # the core is synchronous and guarded by its own lock; it is fast enough to run inline
            status, out_headers, payload = emu.handle(scope["method"], path, headers, body)
            raw_headers, out = _encode(status, payload, out_headers)
        except Exception:  # noqa: BLE001 - a bug: still the Wix envelope, never a plain-text 500
            log.exception("unexpected error handling %s %s", scope.get("method"), scope.get("path"))
            status = 500
            raw_headers, out = _encode(500, envelope("INTERNAL_ERROR", "unexpected error in the emulator (logged)"))
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": out})

    # every request, whatever its method or path, goes to the emulator: Starlette's own routing would answer
    # some (a path parameter holding a %0A newline, an unlisted method) with plain-text 404/405; the
    # middleware stack is the emulator's own front (it answers every error with the Wix envelope itself)
    app = Starlette()
    app.router.default = asgi
    app.middleware_stack = asgi
    app.state.emulator = emu
    return app
