"""``wixcontracts serve``: run the emulator over HTTP (uvicorn)."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import typer

from ..cli import _console, _fail, app


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="interface to bind"),
    port: int = typer.Option(8787, help="TCP port"),
    seed: Path = typer.Option(None, help="JSON state file: {bookings: {...}, multiServiceBookings: {...}}"),
    allow_remote: bool = typer.Option(False, "--allow-remote", help="allow binding a non-loopback interface"),
    require_auth: bool = typer.Option(False, "--require-auth", help="answer 401 when Authorization is missing"),
) -> None:
    """Serve the Bookings writer v2 emulator (REST, canonical paths and /bookings/v2 aliases)."""
    if not _is_loopback(host) and not allow_remote:
        _fail(f"refusing to bind non-loopback host {host!r}; pass --allow-remote to do it anyway")
    state = None
    if seed is not None:
        try:
            state = json.loads(seed.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            _fail(f"cannot read seed file {seed}: {e}")
    import uvicorn

    from .asgi import create_app
    from .core import Emulator

    emu = Emulator(seed_state=state, require_auth=require_auth)
    _console(stderr=True).print(f"emulator on http://{host}:{port}  ({len(emu.bookings)} bookings, "
                                f"{len(emu.msbs)} multi-service bookings seeded)")
    uvicorn.run(create_app(emu), host=host, port=port, log_level="warning")
