"""ASGI front of the emulator: a Starlette app whose every HTTP request is delegated to ``Emulator.handle``."""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from .core import Emulator

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

    async def asgi(scope, receive, send) -> None:
        response = await dispatch(Request(scope, receive))
        await response(scope, receive, send)

    # every HTTP request, whatever its method or path, goes to the emulator: Starlette's own routing would
    # answer some (a path parameter holding a %0A newline, an unlisted method) with plain-text 404/405
    app = Starlette()
    app.router.default = asgi
    app.state.emulator = emu
    return app
