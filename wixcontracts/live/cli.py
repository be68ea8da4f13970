"""``wixcontracts live run``: scenarios against a Wix sandbox site (``runner.py``), behind the refusals of
``safety.py``."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import click

from ..cli import Format, console, emit_rows, fail, format_option, sub_app

live_app = sub_app("live", "Live runs against a Wix sandbox site.")

NO_CREDENTIALS = "no credentials (WIX_API_KEY and WIX_SITE_ID or WIX_ACCOUNT_ID)"
STEP_COLUMNS = ("scenario", "operation", "status", "note")


@live_app.command("run")
@click.option("--dry-run", is_flag=True, help="print the plan; make no call")
@click.option("--out", type=click.Path(path_type=Path),
              help="run dir (fixtures/ + summary.json); default runs/<timestamp>")
@click.option("--config", type=click.Path(path_type=Path), default=Path("wixcontracts.toml"), show_default=True,
              help="allow-list config (see the README)")
@click.option("--allow-skip", is_flag=True, help="without credentials, say 'skipped' and exit 0 (default: exit 2)")
@format_option
def run(
    dry_run: bool = False,
    out: Path = None,
    config: Path = Path("wixcontracts.toml"),
    allow_skip: bool = False,
    fmt: Format = Format.text,
) -> None:
    """Scenarios against a sandbox site; records scrubbed fixtures for `wixcontracts drift`.

    Refuses (exit 2) without credentials (unless --allow-skip), without WIX_SANDBOX=1, or when the site
    is not on the allow-list of the config file."""
    from ..validate import Contracts
    from .safety import ConfigError, LiveConfig, Refused, check

    if dry_run:
        if config.exists():
            try:
                LiveConfig.load(config)
            except ConfigError as e:
                fail(str(e))
        from .runner import Runner

        plan = Runner(client=None, contracts=Contracts.load()).plan()
        emit_rows(STEP_COLUMNS, [[s.scenario, s.operation, s.status, s.note] for s in plan], fmt,
                  title="live run plan (dry run: no calls)")
        return
    try:
        creds, cfg = check(os.environ, config)
    except LookupError:
        if allow_skip:
            console(stderr=True).print(f"skipped: {NO_CREDENTIALS} (--allow-skip)")
            return
        fail(f"{NO_CREDENTIALS}: a live run needs them (--allow-skip makes this a skip with exit 0)")
    except ConfigError as e:
        fail(str(e))
    except Refused as e:
        fail(f"refused: {e}")
    body = None
    if cfg.create_booking_body:
        from ..validate import io

        try:
            body = io.load(cfg.create_booking_body)
        except io.InputError as e:
            fail(f"live.create_booking_body: {e}")
    run_dir = out or Path("runs") / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    if run_dir.exists() and not run_dir.is_dir():
        fail(f"--out {run_dir}: not a folder")
    try:
        _live(creds, cfg, body, run_dir, fmt)
    except PermissionError as e:
        fail(f"cannot write the run under {run_dir}: {e.strerror or e}")


def _live(creds, cfg, body, run_dir: Path, fmt: Format) -> None:
    from rich.progress import Progress

    from ..validate import Contracts
    from .client import DEFAULT_BASE_URL, WixClient
    from .recorder import Recorder
    from .runner import Runner, write_summary

    contracts = Contracts.load()
    catalog = contracts.catalog
    rec = Recorder(run_dir / "fixtures", [creds.api_key, creds.site_id or "", creds.account_id or ""],
                   contract_version=str(catalog.data.get("version", "")))
    err = console(stderr=True)
    with WixClient(creds, base_url=cfg.base_url or DEFAULT_BASE_URL, catalog=catalog) as client, \
            Progress(console=err, transient=True, disable=not err.is_terminal) as prog:
        task = prog.add_task("live run", total=None)
        runner = Runner(client, contracts, rec, create_body=body,
                        progress=lambda s: prog.update(task, description=f"{s.scenario}: {s.operation} {s.status}"))
        summary = runner.run()
    write_summary(summary, run_dir)
    emit_rows(STEP_COLUMNS, [[s.scenario, s.operation, s.status, s.note] for s in summary.steps], fmt,
              title=f"live run → {run_dir}", styles={"status": {"ok": "green", "failed": "red"}})
    err.print(f"{summary.calls} calls, {len(summary.created)} bookings created, {len(summary.cleaned)} cleaned up, "
              f"{len(summary.validation)} validation errors, {len(summary.fixtures)} fixture files → {run_dir}")
    if any(s.status == "failed" for s in summary.steps):
        raise click.exceptions.Exit(1)
