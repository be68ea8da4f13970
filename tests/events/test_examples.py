"""``examples/webhooks``: the integrator's handler and its tests, run as an integrator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from wixcontracts.build import ROOT


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

