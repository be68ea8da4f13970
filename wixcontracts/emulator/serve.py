"""``wixcontracts serve``: run the emulator over HTTP (uvicorn).  ``GET /_wixcontracts/operations`` lists
the operations it emulates (``wixcontracts fuzz --url`` limits itself to them); the other control endpoints
(reset, seed, clock, events, scenarios) are listed by ``GET /_wixcontracts`` (``emulator/control.py``)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Optional

import click

from ..cli import app, console, fail


MAX_EVENTS = 100_000  # a long-running server keeps the newest domain events only (GET /_wixcontracts/events)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_seed(path: Path) -> dict:
    """The seed state file, or exit 2 with the file and the line/column or the field that is wrong."""
    from ..validate import io

    try:
        state = io.load(path)
    except io.InputError as e:
        fail(f"seed file {e}")
    bookings = state.get("bookings", [])
    items = bookings.values() if isinstance(bookings, dict) else bookings
    if not isinstance(bookings, (dict, list)) or not all(isinstance(b, dict) for b in items):
        fail(f"seed file {path}: /bookings must be a list (or an object) of booking objects")
    for i, b in enumerate(items):
        if "id" in b and not isinstance(b["id"], str):
            fail(f"seed file {path}: /bookings/{i}/id must be a string")
    msbs = state.get("multiServiceBookings", {})
    if isinstance(msbs, dict):
        bad = next((k for k, v in msbs.items() if not isinstance(v, list)), None)
        if bad is not None:
            fail(f"seed file {path}: /multiServiceBookings/{bad} must be a list of booking ids")
    elif isinstance(msbs, list):
        if not all(isinstance(m, dict) and isinstance(m.get("id"), str) and isinstance(m.get("bookings", []), list)
                   for m in msbs):
            fail(f"seed file {path}: /multiServiceBookings must hold objects {{id, bookings: [...]}}")
    else:
        fail(f"seed file {path}: /multiServiceBookings must be an object {{id: [booking ids]}} or a list")
    return state


def _port_free(host: str, port: int) -> str | None:
    """``None`` when ``host:port`` can be bound, else why not."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        return f"cannot resolve host {host!r}: {e.strerror}"
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            return f"cannot listen on {host}:{port}: {e.strerror or e}"
    return None


@app.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="interface to bind")
@click.option("--port", type=click.IntRange(1, 65535), default=8787, show_default=True, help="TCP port")
@click.option("--seed", default="business", show_default=True,
              help="a shipped seed (business, empty) or a JSON seed file (services, staff, schedules, bookings ...; "
                   "see wixcontracts/emulator/seeds.py)")
@click.option("--scenario", multiple=True,
              help="switch on a documented quirk (repeat): form-submission-revision, location-type-business, "
                   "eventual-consistency[:lagSeconds=N]")
@click.option("--clock", help="freeze the emulator's clock at this RFC 3339 instant")
@click.option("--allow-remote", is_flag=True, help="allow binding a non-loopback interface")
@click.option("--require-auth", is_flag=True, help="answer 401 when Authorization is missing")
@click.option("--webhook-url", metavar="URL",
              help="deliver every state change to URL as Wix's signed webhook (booking_created, booking_canceled, "
                   "...; needs the webhooks extra)")
def serve(
    host: str = "127.0.0.1",
    port: int = 8787,
    seed: str = "business",
    scenario: tuple[str, ...] = (),
    clock: Optional[str] = None,
    allow_remote: bool = False,
    require_auth: bool = False,
    webhook_url: Optional[str] = None,
) -> None:
    """Serve the Bookings emulator (REST, canonical paths and aliases) until interrupted."""
    if not _is_loopback(host) and not allow_remote:
        fail(f"refusing to bind non-loopback host {host!r}; pass --allow-remote to do it anyway")
    from . import seeds
    from .scenarios import parse as parse_scenario

    state = seed if seed in seeds.names() else load_seed(Path(seed))
    for spec in scenario or []:
        try:
            parse_scenario(spec)
        except ValueError as e:
            fail(f"--scenario: {e}")
    from .core import Emulator

    try:
        emu = Emulator(seed=state, require_auth=require_auth, scenarios=scenario or (), clock=clock,
                       max_events=MAX_EVENTS)
    except (seeds.SeedError, ValueError) as e:
        fail(f"--seed {seed}: {e}" if isinstance(e, seeds.SeedError) else f"--clock: {e}")
    why = _port_free(host, port)
    if why:
        fail(why)
    forwarder = None
    if webhook_url is not None:
        from ..webhooks.emulated import Forwarder
        from ..webhooks.errors import WebhookError

        try:
            forwarder = Forwarder(webhook_url)
        except WebhookError as e:
            fail(f"--webhook-url: {e}")
        emu.on_event(forwarder)
    import uvicorn

    from .asgi import create_app
    n = emu.store.counts()
    console(stderr=True).print(f"emulator on http://{host}:{port}  ({len(emu.handlers)} operations emulated; seed "
                               f"{seed}: {n['services']} services, {n['staffMembers']} staff members, "
                               f"{n['bookings']} bookings, {n['multiServiceBookings']} multi-service bookings"
                               + (f"; scenarios {', '.join(scenario)}" if scenario else "")
                               + (f"; webhooks to {webhook_url}" if webhook_url else "") + ")")
    try:
        uvicorn.run(create_app(emu), host=host, port=port, log_level="warning")
    finally:
        if forwarder is not None:
            forwarder.close()
