"""``wixcontracts check`` (``make check``): rebuild + verify, replay, emulator lifecycle, fuzz (``check.py``)."""

from __future__ import annotations

from pathlib import Path

import click

from .cli import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_USAGE, Format, app, console, emit_rows, fail, format_option

STEP_COLUMNS = ("step", "status", "detail", "s")


@app.command("check")
@click.option("--docs", type=click.Path(path_type=Path),
              help="docs folder (default ../shared/wix-docs or $WIXCONTRACTS_DOCS)")
@click.option("--fuzz-examples", type=click.IntRange(1, None), default=25, show_default=True,
              help="schemathesis examples per operation and mode")
@click.option("--report-dir", type=click.Path(path_type=Path), default=Path("reports"), show_default=True,
              help="where check.json / check.md go")
@click.option("--allow-skip", is_flag=True,
              help="exit 0 even when a step was skipped because its input is missing (docs folder, SDK packages); "
                   "default: exit 2")
@click.option("--only", multiple=True, metavar="STEP",
              help="run only this step (repeatable): rebuild, examples, lifecycle, flow, fuzz")
@format_option
def check(
    docs: Path = None,
    fuzz_examples: int = 25,
    report_dir: Path = Path("reports"),
    allow_skip: bool = False,
    only: tuple[str, ...] = (),
    fmt: Format = Format.text,
) -> None:
    """The main job, offline: rebuild + verify, replay examples, emulator lifecycle, fuzz, report.

    Exit 0 when every step passed, 1 when a step failed, 2 when a step was skipped for a missing input
    (unless --allow-skip), 3 when a step crashed."""
    from .build import default_docs_dir
    from .check import STEP_KEYS, run

    unknown = sorted(set(only or ()) - set(STEP_KEYS))
    if unknown:
        fail(f"--only {unknown[0]}: not a step of check (one of: {', '.join(STEP_KEYS)})")
    if report_dir.exists() and not report_dir.is_dir():
        fail(f"--report-dir {report_dir}: not a folder")
    try:
        steps = run(docs or default_docs_dir(), fuzz_examples, report_dir, set(only or ()))
    except OSError as e:  # the report could not be written (the steps catch their own errors)
        fail(f"cannot write the report under {report_dir}: {e.strerror or e}")
    rows = [[s.name, s.status, s.detail, f"{s.seconds:.1f}"] for s in steps]
    emit_rows(STEP_COLUMNS, rows, fmt, title="wixcontracts check",
              records=[{"step": s.name, "status": s.status, "detail": s.detail, "seconds": round(s.seconds, 2)}
                       for s in steps],
              styles={"status": {"ok": "green", "failed": "red", "error": "red", "skipped": "yellow"}})
    err = console(stderr=True)
    if fmt is Format.text:
        from rich.markup import escape

        out = console()
        ex = next((s for s in steps if s.name == "replay docs examples"), None)
        for r in (ex.data.get("examples", []) if ex else []):
            if r["errors"]:
                out.print(f"  [yellow]docs example breaks the contract[/] {escape(r['operation'])} / "
                          f"{escape(r['example'])}: " + escape("; ".join(r["errors"])))
    err.print(f"[dim]report: {report_dir}/check.md, {report_dir}/check.json[/]")
    crashed = [s for s in steps if s.status == "error"]
    skipped = [s for s in steps if s.status == "skipped"]
    if crashed:
        click.echo(f"error: internal error in `wixcontracts check`: step(s) crashed: "
                   + "; ".join(f"{s.name}: {s.detail}" for s in crashed)
                   + " -- this is a bug in wixcontracts; please report it with the command line", err=True)
        raise click.exceptions.Exit(EXIT_INTERNAL)
    if skipped and not allow_skip:
        fail("check did not run everything: " + "; ".join(f"{s.name} skipped ({s.detail})" for s in skipped)
             + " -- give the missing input, or pass --allow-skip to accept a partial check", EXIT_USAGE)
    if skipped:
        err.print("skipped (--allow-skip): " + "; ".join(s.name for s in skipped))
    if any(s.status == "failed" for s in steps):
        raise click.exceptions.Exit(EXIT_FINDINGS)
