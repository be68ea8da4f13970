"""``examples/webhooks``: the integrator's handler and its tests, run as an integrator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from wixcontracts.build import ROOT


@pytest.mark.slow
def test_examples_webhooks_suite(tmp_path, test_cache):
    report = tmp_path / "junit.xml"
    env = {**os.environ, "WIXCONTRACTS_CACHE": str(test_cache), "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "examples" / "webhooks"), "-q",
                        "-p", "no:cacheprovider", "-p", "no:xdist", f"--junitxml={report}"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-2000:]
    suite = ET.parse(report).getroot().find("testsuite")
    counts = {k: int(suite.get(k)) for k in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": 7, "failures": 0, "errors": 0, "skipped": 0}



def test_examples_pricing_provider_passes_spi_test(test_cache, monkeypatch):
    from wixcontracts.webhooks import cached_key_pair, generate
    from wixcontracts.webhooks.spi import DEFAULT_APP_ID, run_spi

    monkeypatch.syspath_prepend(str(ROOT / "examples" / "service_plugins"))
    from pricing_provider import create_app

    key = cached_key_pair()
    report = run_spi(create_app(key.public_pem, DEFAULT_APP_ID), "pricing-provider", examples=5)
    assert report.ok and {c.status for c in report.calls} == {200}
    assert all(c.body["calculatedPrice"] >= 25 for c in report.calls)
    wrong = run_spi(create_app(generate().public_pem), "pricing-provider", examples=1)  # another app's key
    assert [f.rule for f in wrong.calls[0].findings] == ["status"]
