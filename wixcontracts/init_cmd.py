"""``wixcontracts init [DIR]``: scaffold an integrator repository for contract-tested Wix Bookings code.

Writes ``tests/conftest.py`` (an example client fixture next to ``wix_api``), ``tests/test_wix_bookings.py``
(create → cancel through the emulator, a documented error, a timeout) and
``.github/workflows/wix-contracts.yml`` (runs the tests with the plugin and uploads the JUnit, violations
and coverage reports).  Existing files are never overwritten without ``--force``: the command then
writes nothing and names them."""

from __future__ import annotations

from pathlib import Path

import click

from .cli import Arg, app

CONFTEST = '''"""Fixtures for the Wix Bookings tests.

`wix_api` comes from the wixcontracts pytest plugin (installed with `pip install wixcontracts`; nothing
to import): every request your code sends to https://www.wixapis.com through httpx or requests is
contract-checked and answered by the emulator, a recorded fixture or a generated response.
"""

import httpx
import pytest


@pytest.fixture
def wix_client():
    """Replace with your own client.  wix_api intercepts it: no request leaves the machine."""
    with httpx.Client(base_url="https://www.wixapis.com",
                      headers={"Authorization": "test-api-key", "wix-site-id": "test-site"}) as client:
        yield client
'''

TEST = '''"""Example contract tests (wixcontracts init).  Run: pytest tests/

Useful: --wix-record-mode once --wix-base-url URL (record real answers), --wix-cov-fail-under N,
--wix-report wix-report.json.  See wix_api.fail / timeout / disconnect for faults.
"""

import httpx
import pytest

SERVICE = "8ee826a3-64c4-416d-a22c-e01d39f56931"
SCHEDULE = "844772a6-ad31-49fb-b3d9-7aef1e559b7e"
SLOT = {"serviceId": SERVICE, "scheduleId": SCHEDULE,
        "startDate": "2030-01-07T10:00:00.000Z", "endDate": "2030-01-07T11:00:00.000Z"}


def test_create_then_cancel(wix_api, wix_client):
    r = wix_client.post("/bookings/v2/bookings", json={"booking": {"bookedEntity": {"slot": SLOT},
                                                                   "totalParticipants": 1}})
    booking = r.json()["booking"]
    assert booking["status"] == "CREATED"
    r = wix_client.post(f"/bookings/v2/bookings/{booking['id']}/cancel", json={"revision": booking["revision"]})
    assert r.json()["booking"]["status"] == "CANCELED"
    assert [c.operation for c in wix_api.calls] == ["bookings.createBooking", "bookings.cancelBooking"]


def test_a_documented_error(wix_api, wix_client):
    wix_api.fail("bookings.createBooking", code="SLOT_NOT_AVAILABLE")
    r = wix_client.post("/bookings/v2/bookings", json={"booking": {"bookedEntity": {"slot": SLOT},
                                                                   "totalParticipants": 1}})
    assert r.status_code == 428
    assert r.json()["details"]["applicationError"]["code"] == "SLOT_NOT_AVAILABLE"


def test_a_timeout(wix_api, wix_client):
    wix_api.timeout("bookings.createBooking")
    with pytest.raises(httpx.ReadTimeout):
        wix_client.post("/bookings/v2/bookings", json={"booking": {"bookedEntity": {"slot": SLOT},
                                                                   "totalParticipants": 1}})
'''

WORKFLOW = '''name: Wix contracts

on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read

jobs:
  contracts:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install
        run: |
          python -m pip install --upgrade pip
          if [ -f requirements.txt ]; then pip install -r requirements.txt; fi
          if [ -f pyproject.toml ]; then pip install -e .; fi
          pip install wixcontracts httpx
      - name: Contract tests
        run: >-
          pytest tests
          --junitxml=reports/wix-junit.xml
          --wix-report=reports/wix-violations.json
          --wix-cov-json=reports/wix-coverage.json
      - name: Upload the reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: wix-contracts
          path: reports/
          if-no-files-found: warn
'''

FILES = {
    Path("tests") / "conftest.py": CONFTEST,
    Path("tests") / "test_wix_bookings.py": TEST,
    Path(".github") / "workflows" / "wix-contracts.yml": WORKFLOW,
}


def scaffold(root: Path, *, force: bool = False) -> tuple[list[Path], list[Path]]:
    """(written, refused).  With existing files and no ``force`` nothing is written."""
    root = Path(root)
    targets = [root / rel for rel in FILES]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        return [], existing
    for rel, text in FILES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return targets, []


@app.command("init")
@click.argument("directory", type=click.Path(path_type=Path), required=False, default=Path("."),
                help="the integrator repository (created if missing)", cls=Arg)
@click.option("--force", is_flag=True, help="overwrite files that already exist")
def init(
    directory: Path = Path("."),
    force: bool = False,
) -> None:
    """Scaffold contract tests for an integrator repository: conftest, an example test, a CI workflow."""
    if directory.exists() and not directory.is_dir():
        click.echo(f"error: {directory} exists and is not a folder", err=True)
        raise click.exceptions.Exit(2)
    try:
        written, refused = scaffold(directory, force=force)
    except OSError as e:
        click.echo(f"error: cannot write into {directory}: {e.strerror or e}", err=True)
        raise click.exceptions.Exit(2) from None
    if refused:
        click.echo("error: these files exist (nothing written; --force overwrites them):", err=True)
        for p in refused:
            click.echo(f"  {p}", err=True)
        raise click.exceptions.Exit(1)
    for p in written:
        click.echo(f"wrote {p}")
    click.echo("next: pip install wixcontracts httpx && pytest tests")
