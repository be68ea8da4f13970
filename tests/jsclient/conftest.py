"""Fixtures for the JS-client harness tests.

The pinned packages come from the npm registry (the one npm is configured with).  When it
cannot be reached the tests that need the install skip with npm's one-line reason; with
``CI=true`` and ``WIXCONTRACTS_REQUIRE_NPM=1`` they fail instead."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from wixcontracts.sdk import jsclient
from wixcontracts.sdk.jsclient import JsClientError

TIMINGS: dict[str, float] = {}


def npm_required() -> bool:
    return os.environ.get("CI") == "true" and os.environ.get("WIXCONTRACTS_REQUIRE_NPM") == "1"


def skip_or_fail(reason: str):
    if npm_required():
        pytest.fail(f"{reason} (CI=true and WIXCONTRACTS_REQUIRE_NPM=1: not skipping)", pytrace=False)
    pytest.skip(reason)


def install(packages=None) -> Path:
    try:
        return jsclient.ensure_client(packages)
    except JsClientError as exc:
        skip_or_fail(f"the pinned JS client cannot be installed: {exc}")


@pytest.fixture(scope="session")
def js_root() -> Path:
    t0 = time.monotonic()
    root = install()
    TIMINGS["install (or cache hit)"] = time.monotonic() - t0
    return root


@pytest.fixture(scope="session")
def all_plan(js_root) -> dict:
    t0 = time.monotonic()
    plan = jsclient.plan_all_operations(jsclient.package_dirs(js_root))
    TIMINGS["plan 192 operations"] = time.monotonic() - t0
    return plan


@pytest.fixture(scope="session")
def all_capture(js_root, all_plan) -> dict[str, tuple[dict, dict]]:
    """call id -> (plan call, harness result) for every REST operation."""
    t0 = time.monotonic()
    results = jsclient.run_plan(all_plan, root=js_root)
    TIMINGS["capture 192 operations"] = time.monotonic() - t0
    calls = {c["id"]: c for c in all_plan["calls"]}
    assert [r["id"] for r in results] == list(calls)
    return {r["id"]: (calls[r["id"]], r) for r in results}


@pytest.fixture(scope="session")
def operations(js_root) -> dict[str, jsclient.RestOp]:
    return {
        f"{op.package.removeprefix(jsclient.BOOKINGS_PREFIX)}.{op.method}": op
        for d in jsclient.package_dirs(js_root)
        for op in jsclient.rest_operations(d)
    }


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.write_line("jsclient timings: " + json.dumps({k: round(v, 2) for k, v in TIMINGS.items()}))
