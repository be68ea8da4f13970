"""Handler registry: ``@handler("bookings.createBooking")`` on ``fn(emu, path_params, message) -> response``."""

from __future__ import annotations

from typing import Any, Callable

Handler = Callable[[Any, dict, dict], dict]
HANDLERS: dict[str, Handler] = {}


def handler(*op_ids: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for op in op_ids:
            if op in HANDLERS:
                raise ValueError(f"two handlers for {op}")
            HANDLERS[op] = fn
        return fn

    return register
