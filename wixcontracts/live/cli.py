"""``wixcontracts live run``."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import typer

from ..cli import _console, _fail

live_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Live runs against a Wix sandbox site.")


@live_app.command("run")
def run(
    dry_run: bool = typer.Option(False, "--dry-run", help="print the plan; make no call"),
    out: Path = typer.Option(None, "--out", help="run dir (fixtures/ + summary.json); default runs/<timestamp>"),
    config: Path = typer.Option(Path("wixcontracts.toml"), "--config", help="allow-list config"),
) -> None:
    """Scenarios against a sandbox site; records scrubbed fixtures for `wixcontracts drift`."""
    from rich.table import Table

    from ..catalog import Catalog
    from ..validate import Contracts
    from .client import DEFAULT_BASE_URL, WixClient
    from .recorder import Recorder
    from .runner import Runner, write_summary
    from .safety import LiveConfig, Refused, check

    con = _console()
    contracts = Contracts.load()
    if dry_run:
        t = Table(title="live run plan (dry run: no calls)")
        for c in ("scenario", "operation", "plan", "note"):
            t.add_column(c)
        for s in Runner(client=None, contracts=contracts).plan():
            t.add_row(s.scenario, s.operation, s.status, s.note)
        con.print(t)
        return
    try:
        creds, cfg = check(os.environ, config)
    except LookupError:
        con.print("skipped: no credentials (WIX_API_KEY and WIX_SITE_ID or WIX_ACCOUNT_ID)")
        return
    except Refused as e:
        _fail(f"refused: {e}")
        return
    run_dir = out or Path("runs") / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    body = None
    if cfg.create_booking_body:
        import json

        body = json.loads(Path(cfg.create_booking_body).read_text(encoding="utf-8"))
    catalog: Catalog = contracts.catalog
    rec = Recorder(run_dir / "fixtures", [creds.api_key, creds.site_id or "", creds.account_id or ""],
                   contract_version=str(catalog.data.get("version", "")))
    from rich.progress import Progress

    with WixClient(creds, base_url=cfg.base_url or DEFAULT_BASE_URL, catalog=catalog) as client, \
            Progress(console=con, transient=True) as prog:
        task = prog.add_task("live run", total=None)
        runner = Runner(client, contracts, rec, create_body=body,
                        progress=lambda s: prog.update(task, description=f"{s.scenario}: {s.operation} {s.status}"))
        summary = runner.run()
    write_summary(summary, run_dir)
    t = Table(title=f"live run → {run_dir}")
    for c in ("scenario", "operation", "status", "note"):
        t.add_column(c)
    for s in summary.steps:
        t.add_row(s.scenario, s.operation, s.status, s.note)
    con.print(t)
    con.print(f"{summary.calls} calls, {len(summary.created)} bookings created, {len(summary.cleaned)} cleaned up, "
              f"{len(summary.validation)} validation errors, {len(summary.fixtures)} fixture files")
    if any(s.status == "failed" for s in summary.steps):
        raise typer.Exit(1)


