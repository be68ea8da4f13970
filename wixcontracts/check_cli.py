"""``wixcontracts check`` (``make check``): rebuild + verify, replay, emulator lifecycle, fuzz (``check.py``)."""

from __future__ import annotations

from pathlib import Path

import typer

from .cli import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_USAGE, FORMAT_HELP, Format, app, console, emit_rows, fail

STEP_COLUMNS = ("step", "status", "detail", "s")


@app.command()
def check(
    docs: Path = typer.Option(None, help="docs folder (default ../shared/wix-docs or $WIXCONTRACTS_DOCS)"),
    fuzz_examples: int = typer.Option(25, min=1, help="schemathesis examples per operation and mode"),
    report_dir: Path = typer.Option(Path("reports"), help="where check.json / check.md go"),
    allow_skip: bool = typer.Option(False, "--allow-skip",
                                    help="exit 0 even when a step was skipped because its input is missing "
                                         "(docs folder, SDK packages); default: exit 2"),
    only: list[str] = typer.Option(None, "--only", metavar="STEP",
                                   help="run only this step (repeatable): rebuild, examples, lifecycle, flow, fuzz"),
    fmt: Format = typer.Option(Format.text, "--format", help=FORMAT_HELP),
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
        typer.echo(f"error: internal error in `wixcontracts check`: step(s) crashed: "
                   + "; ".join(f"{s.name}: {s.detail}" for s in crashed)
                   + " -- this is a bug in wixcontracts; please report it with the command line", err=True)
        raise typer.Exit(EXIT_INTERNAL)
    if skipped and not allow_skip:
        fail("check did not run everything: " + "; ".join(f"{s.name} skipped ({s.detail})" for s in skipped)
             + " -- give the missing input, or pass --allow-skip to accept a partial check", EXIT_USAGE)
    if skipped:
        err.print("skipped (--allow-skip): " + "; ".join(s.name for s in skipped))
    if any(s.status == "failed" for s in steps):
        raise typer.Exit(EXIT_FINDINGS)
