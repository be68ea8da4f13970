"""Servers on a free loopback port for tests that talk HTTP: ``wixcontracts serve`` as a real process
(``serving``), or any ASGI app on uvicorn in a thread (``serving_app``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest

from wixcontracts.build import ROOT


@contextmanager
def serving(*args: str, env: dict | None = None, timeout: float = 30):
    """Start ``wixcontracts serve --port <free> *args``; yield its base URL once it accepts connections."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "wixcontracts", "serve", "--port", str(port), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"wixcontracts serve exited: {proc.stdout.read()}")
                if time.monotonic() > deadline:
                    pytest.fail("wixcontracts serve did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving_app(asgi_app, *, lifespan: str = "auto"):
    """Run ``asgi_app`` with uvicorn on a free loopback port, in a thread; yield its base URL once started."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(asgi_app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan=lifespan))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        t.join(5)
