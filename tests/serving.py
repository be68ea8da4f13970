"""``wixcontracts serve`` as a real process on a free loopback port, for tests that drive it over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest

from wixcontracts.build import ROOT


@contextmanager
def serving(*args: str, env: dict | None = None, timeout: float = 30):
    """Start ``wixcontracts serve --port <free> *args``; yield its base URL once it accepts connections."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
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
