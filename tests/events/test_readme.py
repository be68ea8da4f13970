"""The README's "Webhooks and service plugins" console block runs as written (bash, from the checkout)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from wixcontracts.build import ROOT

SECTION = "## Webhooks and service plugins"


def console_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.index("\n## ", start + len(SECTION))
    block = re.search(r"```console\n(.*?)```", text[start:end], re.S)
    assert block, "the section has a console block"
    return [ln[2:] for ln in block.group(1).splitlines() if ln.startswith("$ ")]


def _busy(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_console_block_runs(tmp_path):
    pytest.importorskip("jwt", reason="PyJWT is not installed (pip install 'wixcontracts[webhooks]')")
    lines = console_lines()
    ports = sorted({int(p) for ln in lines for p in re.findall(r"127\.0\.0\.1:(\d+)", ln)})
    if any(_busy(p) for p in ports):
        pytest.skip(f"a port the README uses is taken here: {ports}")
    script = "set -e\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
    for ln in lines:  # the README's convention: a command ending in '&' is a server on its --port
        script += ln + "\n"
        port = re.search(r"--port[ =](\d+)", ln)
        if ln.rstrip().endswith("&") and port:
            script += (f"for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/{port.group(1)}) 2>/dev/null && break; "
                       "sleep 0.1; done\n")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PYTHONPATH": str(ROOT),
           "WIXCONTRACTS_CACHE": str(tmp_path / "cache"), "COLUMNS": "200"}
    p = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    out = " ".join(p.stdout.split())
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    assert "valid delivery.jwt: wix.bookings.v2.booking_created" in out
    assert "ok wix.bookings.v2.booking_created -> http://127.0.0.1:8790/webhooks: status 200" in out
    assert "3/3 calls ok, 0 error(s) across 1 method(s)" in out
    assert "**0 breaking**, 0 informational" in out
