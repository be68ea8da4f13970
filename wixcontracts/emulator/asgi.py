"""ASGI front of the emulator: one catch-all Starlette route delegating to ``Emulator.handle``."""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .core import Emulator

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def create_app(emulator: Emulator | None = None) -> Starlette:
    emu = emulator if emulator is not None else Emulator()

    async def dispatch(request: Request) -> Response:
        body = await request.body()
        raw = request.scope.get("raw_path")
        path = raw.decode("latin-1") if raw else request.url.path
        headers = {k.lower(): v for k, v in request.headers.items()}
        # the core is synchronous and guarded by its own lock; it is fast enough to run inline
        status, out_headers, payload = emu.handle(request.method, path, headers, body)
        return Response(json.dumps(payload), status_code=status, headers=out_headers,
                        media_type="application/json")

    app = Starlette(routes=[Route("/{path:path}", dispatch, methods=_METHODS)])
    app.state.emulator = emu
    return app
