"""ASGI front of the emulator: a Starlette app whose every HTTP request is delegated to ``Emulator.handle``.

Every response is JSON with Wix's error envelope when it is not a 200: a body the core cannot parse is
a 400 ``validationError`` (the core's strict parse), a body larger than ``MAX_BODY`` a 413, and an
unexpected exception anywhere a 500 ``applicationError`` -- logged with its traceback on the
``wixcontracts.emulator`` logger -- never a plain-text page.  ``GET /_wixcontracts/operations`` lists the
operations emulated (``wixcontracts fuzz --url`` reads it)."""

from __future__ import annotations

import json
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from .core import Emulator

log = logging.getLogger("wixcontracts.emulator")

OPERATIONS_PATH = "/_wixcontracts/operations"
MAX_BODY = 16 * 1024 * 1024
_JSON = "application/json"


def envelope(code: str, description: str) -> dict:
    """Wix's application-error envelope."""
    return {"message": f"{code}: {description}",
            "details": {"applicationError": {"code": code, "description": description, "data": {}}}}


def _json(status: int, payload, headers: dict | None = None) -> Response:
    body = json.dumps(payload, allow_nan=False, ensure_ascii=True)
    headers = {k: v for k, v in (headers or {}).items() if k.lower() not in ("content-type", "content-length")}
    return Response(body, status_code=status, headers=headers, media_type=_JSON)


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(emulator: Emulator | None = None, *, max_body: int = MAX_BODY) -> Starlette:
    emu = emulator if emulator is not None else Emulator()

    async def dispatch(request: Request) -> Response:
        raw = request.scope.get("raw_path")
        path = raw.decode("latin-1") if raw else request.url.path
        try:
            body = await _read_body(request, max_body)
        except _TooLarge:
            return _json(413, envelope("PAYLOAD_TOO_LARGE", f"request body larger than {max_body} bytes"))
        headers = {k.lower(): v for k, v in request.headers.items()}
        # the core is synchronous and guarded by its own lock; it is fast enough to run inline
        status, out_headers, payload = emu.handle(request.method, path, headers, body)
        return _json(status, payload, out_headers)

    async def asgi(scope, receive, send) -> None:
        if scope["type"] != "http":  # websockets: refused (the ASGI server answers 403)
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        try:
            response = await dispatch(Request(scope, receive))
        except Exception:  # noqa: BLE001 - a bug: still the Wix envelope, never a plain-text 500
            log.exception("unexpected error handling %s %s", scope.get("method"), scope.get("path"))
            response = _json(500, envelope("INTERNAL_ERROR", "unexpected error in the emulator (logged)"))
        await response(scope, receive, send)

    # every HTTP request, whatever its method or path, goes to the emulator: Starlette's own routing would
    # answer some (a path parameter holding a %0A newline, an unlisted method) with plain-text 404/405
    app = Starlette()
    app.router.default = asgi
    app.state.emulator = emu
    return app
