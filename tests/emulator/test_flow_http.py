"""The flow over HTTP (the ASGI front on uvicorn: query strings, control endpoints) and the benchmark's code
paths (no timing asserted)."""

from __future__ import annotations

import pytest

from tests.serving import serving_app
from wixcontracts.emulator import bench
from wixcontracts.emulator.asgi import create_app
from wixcontracts.emulator.core import Emulator
from wixcontracts.emulator.flow import run_flow


@pytest.fixture(scope="module")
def served():
    with serving_app(create_app(Emulator())) as base:
        yield base


def test_run_flow_over_http(served):
    out = run_flow(served)  # resets the served emulator to the business seed and freezes its clock first
    assert out["status"] == "ok", out["detail"]
    gets = [c for c in out["data"]["calls"] if c["call"].startswith("GET ")]
    assert gets and all(c["status"] == 200 for c in gets)  # GET messages read from the query string


@pytest.mark.slow
def test_the_benchmark_runs():
    out = bench.in_process(seconds=0.06)
    assert set(out) == {"handle createBooking /s", "dispatch createBooking /s",
                        "handle createBooking, availability-checked /s"} and all(v > 0 for v in out.values())
    http = bench.over_http(seconds=0.15, rounds=1, connections=2, warmup=0.05)
    assert http["bare Starlette /s"] > 0 and http["emulator /s"] > 0 and http["ratio"] > 0
