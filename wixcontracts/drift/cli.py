"""``wixcontracts drift|diff|nightly`` (+ registers ``live`` and ``docs`` groups)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from ..cli import _console, _fail, app
from ..docsfetch.cli import docs_app
from ..live.cli import live_app

app.add_typer(live_app, name="live")
app.add_typer(docs_app, name="docs")


class Fmt(str, Enum):
    markdown = "markdown"
    json = "json"
    junit = "junit"
    sarif = "sarif"


class FailOn(str, Enum):
    breaking = "breaking"
    any = "any"
    none = "none"


def _emit(sections, fmt: Fmt, fail_on: FailOn, notes, title, out: Path | None,
          contract_root: Path | None = None) -> None:
    """``contract_root``: where the findings' contract files live (SARIF names them only when they are
    under the current directory)."""
    from .model import fails
    from .report import counts, render, write_all

    text = render(fmt.value, sections, fail_on=fail_on.value, notes=notes, title=title,
                  contract_root=contract_root)
    if out is not None:
        paths = write_all(out, sections, fail_on=fail_on.value, notes=notes, title=title,
                          stem="nightly" if title.startswith("wixcontracts nightly") else "drift",
                          contract_root=contract_root)
        c = counts(sections)
        _console(stderr=True).print(f"{c['breaking']} breaking, {c['informational']} informational → "
                                    + ", ".join(str(p) for p in paths.values()))
    sys.stdout.write(text)
    if fails([f for fs in sections.values() for f in fs], fail_on.value):
        raise typer.Exit(1)


@app.command()
def drift(
    path: Path = typer.Argument(..., help="fixtures dir, live run dir, or recorded webhook deliveries "
                                          "(.jwt bodies, .json messages)"),
    fmt: Fmt = typer.Option(Fmt.markdown, "--format"),
    fail_on: FailOn = typer.Option(FailOn.breaking, "--fail-on"),
    absent: bool = typer.Option(False, "--absent", help="also report documented fields never present"),
    out: Path = typer.Option(None, "--out", help="also write all four formats here"),
) -> None:
    """Observed responses and webhook deliveries vs the contracts, per operation / event."""
    from .response import analyse_path

    if not path.exists():
        _fail(f"not found: {path}")
    a = analyse_path(path, absent=absent)
    _emit({"response drift": a.findings}, fmt, fail_on, a.notes, "wixcontracts response drift", out)


@app.command()
def diff(
    old: str = typer.Argument(..., help="contract root dir or git ref"),
    new: str = typer.Argument(..., help="contract root dir or git ref"),
    fmt: Fmt = typer.Option(Fmt.markdown, "--format"),
    fail_on: FailOn = typer.Option(FailOn.breaking, "--fail-on"),
) -> None:
    """Contract changes between two versions, classified for client impact."""
    import subprocess

    from .diff import diff_specs

    try:
        found = diff_specs(old, new)
    except (subprocess.CalledProcessError, ValueError) as e:
        _fail(f"cannot read contracts: {getattr(e, 'stderr', None) or e}")
        return
    new_dir = Path(new)
    _emit({"contract diff": found}, fmt, fail_on, [], f"wixcontracts diff {old} → {new}", None,
          new_dir if (new_dir / "contracts" / "catalog.json").is_file() else Path.cwd())


@app.command()
def nightly(
    docs_cache: Path = typer.Option(None, "--docs-cache", help="cache filled by `docs fetch`"),
    fixtures: Path = typer.Option(None, "--fixtures", help="fixtures dir or live run dir"),
    out: Path = typer.Option(None, "--out", help="write nightly.{md,json,xml,sarif} here"),
    contracts: Path = typer.Option(None, "--contracts", help="committed contract root (default: this checkout)"),
    fmt: Fmt = typer.Option(Fmt.markdown, "--format"),
    fail_on: FailOn = typer.Option(FailOn.none, "--fail-on"),
    absent: bool = typer.Option(False, "--absent"),
    docs_only: bool = typer.Option(False, "--docs-only", help="rebuild from the docs alone (no SDK typings)"),
) -> None:
    """Docs diff + response drift in one report, counts at the top."""
    from .nightly import nightly as run

    sections, notes = run(docs_cache, fixtures, contracts, absent, ("docs",) if docs_only else None)
    from ..paths import data_root

    _emit(sections, fmt, fail_on, notes, "wixcontracts nightly drift report", out, contracts or data_root())
