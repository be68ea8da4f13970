"""Emulator throughput (issue 12): ``python -m wixcontracts.emulator.bench [--seconds S]``.

* **in process**: createBooking per second through ``Emulator.handle`` (route, strict JSON read, the request
  read and validated as the gateway reads it, the handler, the event) and through ``Emulator.dispatch`` (an
  already-read message, as the pytest plugin calls it); plus createBooking against the shipped seed, where
  every booking is checked against availability and takes capacity from a class session;
* **over HTTP**: the same createBooking through ``wixcontracts serve``'s ASGI app and, side by side in the same
  run, a bare Starlette app that reads the JSON body and answers a JSON booking -- both on the same uvicorn
  (one process each, same settings), driven by the same keep-alive client; the runs alternate and the ratio is
  emulator / bare.

Prints a table; :func:`run` returns the numbers (``make bench`` / ``wixcontracts.bench`` can call it).  Asserts
nothing: on a shared machine the absolute numbers move with the load, the ratio much less."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from typing import Any

CREATE_PATH = "/_api/bookings-service/v2/bookings"
HEADERS = {"content-type": "application/json", "authorization": "bench"}
YOGA = "9283e2ef-7191-49e6-959c-4be6949ad840"  # seeds/business.json: a class, sessions MON/WED/FRI 08:00


def booking_body(service_id: str | None = None) -> dict:
    return {"booking": {
        "totalParticipants": 1, "selectedPaymentOption": "ONLINE",
        "contactDetails": {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com",
                           "phone": "+353 1 555 0100"},
        "bookedEntity": {"slot": {"serviceId": service_id or str(uuid.uuid4()), "scheduleId": str(uuid.uuid4()),
                                  "startDate": "2030-01-07T09:00:00.000Z", "endDate": "2030-01-07T10:00:00.000Z",
                                  "timezone": "Europe/Dublin", "location": {"locationType": "OWNER_BUSINESS"}}}},
        "participantNotification": {"notifyParticipants": False}}


def _rate(fn, seconds: float, rounds: int = 3) -> float:
    """Calls per second of this process's CPU time (what one core does, whatever else the machine runs): the
    best of ``rounds`` runs of ``seconds / rounds`` each."""
    best = 0.0
    for _ in range(rounds):
        n, start, cpu = 0, time.perf_counter(), time.process_time()
        while True:
            for _ in range(200):
                fn()
            n += 200
            if time.perf_counter() - start >= seconds / rounds:
                break
        best = max(best, n / max(time.process_time() - cpu, 1e-9))
    return best


# ====================================================================== in process

def in_process(seconds: float = 1.5) -> dict[str, float]:
    from .core import Emulator

    body = json.dumps(booking_body()).encode()
    out: dict[str, float] = {}
    emu = Emulator()
    for _ in range(500):  # warm up: schemas compiled, caches filled
        emu.handle("POST", CREATE_PATH, HEADERS, body)
    status = emu.handle("POST", CREATE_PATH, HEADERS, body)[0]
    assert status == 200, status
    out["handle createBooking /s"] = _rate(lambda: emu.handle("POST", CREATE_PATH, HEADERS, body), seconds)
    msg = emu._validate("bookings.createBooking", {}, json.loads(body), "", "POST")
    out["dispatch createBooking /s"] = _rate(lambda: emu.dispatch("bookings.createBooking", {}, msg), seconds)
    # availability-checked: a class session with room for every booking of the run
    seeded = Emulator(seed="business", clock="2030-01-01T00:00:00Z")
    seeded.store.services[YOGA]["defaultCapacity"] = 10 ** 9
    eid = "0e006c14-7ef2-417c-8577-507b727581c1-20300107T0800Z"
    sb = booking_body(YOGA)
    sb["booking"]["bookedEntity"]["slot"] = {"serviceId": YOGA, "eventId": eid}
    sbody = json.dumps(sb).encode()
    status, _, resp = seeded.handle("POST", CREATE_PATH, HEADERS, sbody)
    assert status == 200 and resp["booking"]["bookedEntity"]["slot"]["eventId"] == eid, resp
    out["handle createBooking, availability-checked /s"] = _rate(
        lambda: seeded.handle("POST", CREATE_PATH, HEADERS, sbody), seconds)
    return out


# ====================================================================== over HTTP

def bare_app():
    """The baseline: Starlette on the same uvicorn, reading the JSON body and answering it as a booking (JSON)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse

    async def create(request: Request) -> JSONResponse:
        sent = json.loads(await request.body())
        return JSONResponse({"booking": {**sent["booking"], "id": str(uuid.uuid4()), "revision": "1",
                                         "status": "CREATED", "createdDate": "2030-01-01T00:00:00.000Z"}})

    app = Starlette()
    app.add_route(CREATE_PATH, create, methods=["POST"])
    return app


def emulator_app():
    from .asgi import create_app
    from .core import Emulator

    return create_app(Emulator())


def _serve(kind: str, port: int) -> None:  # pragma: no cover - runs in the server subprocess
    import uvicorn

    app = bare_app() if kind == "bare" else emulator_app()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(kind: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.Popen([sys.executable, "-m", "wixcontracts.emulator.bench", "--serve", kind, "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{kind} server exited: {proc.stderr.read().decode(errors='replace')[-400:]}")
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{kind} server did not start")


async def _load(port: int, body: bytes, seconds: float, connections: int) -> tuple[int, int]:
    """Keep-alive HTTP/1.1 clients sending the same POST back to back: (responses, non-200 responses)."""
    head = (f"POST {CREATE_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: bench\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    request = head + body
    done = bad = 0
    stop = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal done, bad
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < stop:
                writer.write(request)
                status_line = await reader.readline()
                length = 0
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
                done += 1
                if b" 200 " not in status_line:
                    bad += 1
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    return done, bad


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process ``pid`` (Linux ``/proc``), else None."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _reset(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /_wixcontracts/reset HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        while s.recv(65536):
            pass


def over_http(seconds: float = 2.0, rounds: int = 3, connections: int = 8, warmup: float = 0.5) -> dict[str, Any]:
    """Alternating rounds (bare, emulator, bare, emulator ...); the emulator is reset before each of its rounds
    (as a test session resets it between tests).  Per round: responses per wall-clock second, and per CPU second
    of the server process (``/proc``; what a core of the server does, whatever else the machine runs).
    ``ratio``: the median over rounds of emulator / bare, per server CPU second when measured."""
    body = json.dumps(booking_body()).encode()
    servers = {kind: _start(kind) for kind in ("bare", "emulator")}
    wall: dict[str, list[float]] = {"bare": [], "emulator": []}
    cpu: dict[str, list[float]] = {"bare": [], "emulator": []}
    try:
        for kind, (_p, port) in servers.items():  # warm up
            asyncio.run(_load(port, body, warmup, 2))
        for _ in range(rounds):
            for kind, (proc, port) in servers.items():
                if kind == "emulator":
                    _reset(port)
                c0 = _cpu_seconds(proc.pid)
                n, bad = asyncio.run(_load(port, body, seconds, connections))
                c1 = _cpu_seconds(proc.pid)
                if bad:
                    raise RuntimeError(f"{kind}: {bad} of {n} responses were not 200")
                wall[kind].append(n / seconds)
                if c0 is not None and c1 is not None and c1 > c0:
                    cpu[kind].append(n / (c1 - c0))
    finally:
        for proc, _port in servers.values():
            proc.terminate()
            proc.wait(10)
    per = cpu if len(cpu["bare"]) == len(cpu["emulator"]) == rounds else wall
    ratios = sorted(e / b for b, e in zip(per["bare"], per["emulator"]))
    wall_ratios = sorted(e / b for b, e in zip(wall["bare"], wall["emulator"]))
    return {"measure": "per server CPU second" if per is cpu else "per wall-clock second",
            "bare Starlette /s": max(per["bare"]), "emulator /s": max(per["emulator"]),
            "ratio": ratios[len(ratios) // 2], "ratios": ratios,
            "wall": {"bare Starlette /s": max(wall["bare"]), "emulator /s": max(wall["emulator"]),
                     "ratios": wall_ratios}, "rounds": {"wall": wall, "cpu": cpu}}


def run(seconds: float = 1.5, http_seconds: float = 2.0) -> dict[str, Any]:
    return {"in_process": in_process(seconds), "http": over_http(http_seconds)}


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m wixcontracts.emulator.bench")
    ap.add_argument("--seconds", type=float, default=1.5)
    ap.add_argument("--http-seconds", type=float, default=2.0)
    ap.add_argument("--serve", choices=("bare", "emulator"), help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = ap.parse_args(argv)
    if args.serve:
        _serve(args.serve, args.port)
        return
    out = run(args.seconds, args.http_seconds)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title="emulator throughput (createBooking; per CPU second of the process measured)")
    t.add_column("measure")
    t.add_column("result", justify="right")
    t.add_column("target", justify="right")
    for k, v in out["in_process"].items():
        t.add_row(f"in process: {k}", f"{v:,.0f}", "≥ 20,000" if k == "handle createBooking /s" else "—")
    h = out["http"]
    w = h["wall"]
    t.add_row("HTTP: bare Starlette on uvicorn /s", f"{h['bare Starlette /s']:,.0f} (wall {w['bare Starlette /s']:,.0f})",
              "—")
    t.add_row("HTTP: wixcontracts serve /s", f"{h['emulator /s']:,.0f} (wall {w['emulator /s']:,.0f})", "—")
    t.add_row("HTTP: emulator / bare Starlette (median of rounds)",
              f"{h['ratio']:.2f} ({h['ratios'][0]:.2f}–{h['ratios'][-1]:.2f})", "≥ 0.80")
    Console().print(t)


if __name__ == "__main__":
    main()
