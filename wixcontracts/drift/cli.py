"""``wixcontracts drift|diff|nightly``: response drift, contract diffs and the combined nightly report."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import click

from ..cli import Arg, EnumChoice, app, console, fail, plain_rows, tsv_rows


class Fmt(str, Enum):
    markdown = "markdown"
    text = "text"
    json = "json"
    tsv = "tsv"
    junit = "junit"
    sarif = "sarif"


FMT_HELP = "markdown (paste into an issue), text (one row per finding), json, tsv, junit or sarif"


class FailOn(str, Enum):
    breaking = "breaking"
    any = "any"
    none = "none"


ROW_COLUMNS = ("section", "severity", "kind", "operation", "side", "pointer", "message", "example", "evidence")


def _rows(sections) -> list[list]:
    return [[name, f.severity, f.kind, f.operation or "", f.side, f.pointer, f.message, f.example or "",
             f.evidence or ""] for name, fs in sections.items() for f in fs]


def _emit(sections, fmt: Fmt, fail_on: FailOn, notes, title, out: Path | None,
          contract_root: Path | None = None) -> None:
    """``contract_root``: where the findings' contract files live (SARIF names them only when they are
    under the current directory)."""
    from .model import fails
    from .report import counts, render, write_all

    if fmt in (Fmt.text, Fmt.tsv):
        rows = _rows(sections)
        if fmt is Fmt.tsv:
            text = tsv_rows(ROW_COLUMNS, rows)
        else:
            text = plain_rows(ROW_COLUMNS, rows) if rows else ""
            c = counts(sections)
            text += f"{c['breaking']} breaking, {c['informational']} informational\n"
            text += "".join(f"note: {n}\n" for n in notes)
    else:
        text = render(fmt.value, sections, fail_on=fail_on.value, notes=notes, title=title,
                      contract_root=contract_root)
    if out is not None:
        if out.exists() and not out.is_dir():
            fail(f"--out {out}: not a folder")
        paths = write_all(out, sections, fail_on=fail_on.value, notes=notes, title=title,
                          stem="nightly" if title.startswith("wixcontracts nightly") else "drift",
                          contract_root=contract_root)
        c = counts(sections)
        console(stderr=True).print(f"{c['breaking']} breaking, {c['informational']} informational → "
                                   + ", ".join(str(p) for p in paths.values()))
    sys.stdout.write(text)
    if fails([f for fs in sections.values() for f in fs], fail_on.value):
        raise click.exceptions.Exit(1)


@app.command("drift")
@click.argument("path", type=click.Path(path_type=Path),
                help="fixtures dir, live run dir, or recorded webhook deliveries (.jwt bodies, .json messages)",
                cls=Arg)
@click.option("--format", "fmt", type=EnumChoice(Fmt), default=Fmt.markdown.value, show_default=True, help=FMT_HELP)
@click.option("--fail-on", type=EnumChoice(FailOn), default=FailOn.breaking.value, show_default=True)
@click.option("--absent", is_flag=True, help="also report documented fields never present")
@click.option("--out", type=click.Path(path_type=Path), help="also write all four formats here")
@click.option("--allow-skip", is_flag=True, help="exit 0 when PATH holds no recorded interaction (default: exit 2)")
def drift(
    path: Path,
    fmt: Fmt = Fmt.markdown,
    fail_on: FailOn = FailOn.breaking,
    absent: bool = False,
    out: Path = None,
    allow_skip: bool = False,
) -> None:
    """Observed responses and webhook deliveries vs the contracts, per operation / event."""
    from .response import analyse_path

    if not path.exists():
        fail(f"not found: {path}")
    a = analyse_path(path, absent=absent)
    if not a.observations:  # nothing compared: no fixture, or none of a documented operation
        msg = f"{path}: no recorded interaction of a documented operation to compare"
        if not allow_skip:
            fail(msg + (f" ({'; '.join(a.notes[:3])})" if a.notes else "") + " -- --allow-skip accepts that")
        console(stderr=True).print(f"skipped: {msg} (--allow-skip)")
    _emit({"response drift": a.findings}, fmt, fail_on, a.notes, "wixcontracts response drift", out)


@app.command("diff")
@click.argument("old", help="contract root dir or git ref", cls=Arg)
@click.argument("new", help="contract root dir or git ref", cls=Arg)
@click.option("--format", "fmt", type=EnumChoice(Fmt), default=Fmt.markdown.value, show_default=True, help=FMT_HELP)
@click.option("--fail-on", type=EnumChoice(FailOn), default=FailOn.breaking.value, show_default=True)
def diff(
    old: str,
    new: str,
    fmt: Fmt = Fmt.markdown,
    fail_on: FailOn = FailOn.breaking,
) -> None:
    """Contract changes between two versions, classified for client impact."""
    import subprocess

    from .diff import diff_specs

    try:
        found = diff_specs(old, new)
    except subprocess.CalledProcessError as e:
        fail(f"cannot read contracts at {old!r} / {new!r}: {' '.join(str(e.stderr or e).split())}")
    except (ValueError, OSError) as e:
        fail(f"cannot read contracts: {e}")
    new_dir = Path(new)
    _emit({"contract diff": found}, fmt, fail_on, [], f"wixcontracts diff {old} → {new}", None,
          new_dir if (new_dir / "contracts" / "catalog.json").is_file() else Path.cwd())


@app.command("nightly")
@click.option("--docs-cache", type=click.Path(path_type=Path), help="cache filled by `docs fetch`")
@click.option("--fixtures", type=click.Path(path_type=Path), help="fixtures dir or live run dir")
@click.option("--out", type=click.Path(path_type=Path), help="write nightly.{md,json,xml,sarif} here")
@click.option("--contracts", type=click.Path(path_type=Path), help="committed contract root (default: this checkout)")
@click.option("--format", "fmt", type=EnumChoice(Fmt), default=Fmt.markdown.value, show_default=True, help=FMT_HELP)
@click.option("--fail-on", type=EnumChoice(FailOn), default=FailOn.none.value, show_default=True)
@click.option("--absent", is_flag=True)
@click.option("--docs-only", is_flag=True, help="rebuild from the docs alone (no SDK typings)")
@click.option("--allow-skip", is_flag=True,
              help="report what can be done when the docs cache or the fixtures are missing (default: exit 2)")
def nightly(
    docs_cache: Path = None,
    fixtures: Path = None,
    out: Path = None,
    contracts: Path = None,
    fmt: Fmt = Fmt.markdown,
    fail_on: FailOn = FailOn.none,
    absent: bool = False,
    docs_only: bool = False,
    allow_skip: bool = False,
) -> None:
    """Docs diff + response drift in one report, counts at the top."""
    from ..paths import data_root
    from .nightly import missing_inputs, nightly as run

    if contracts is not None and not (contracts / "contracts" / "catalog.json").is_file():
        fail(f"--contracts {contracts}: no contracts/catalog.json there")
    missing = missing_inputs(docs_cache, fixtures)
    if missing and not allow_skip:
        fail("nightly is missing its inputs: " + "; ".join(missing) + " -- --allow-skip reports the rest")
    if missing:
        console(stderr=True).print("skipped (--allow-skip): " + "; ".join(missing))
    sections, notes = run(docs_cache, fixtures, contracts, absent, ("docs",) if docs_only else None)
    _emit(sections, fmt, fail_on, notes, "wixcontracts nightly drift report", out, contracts or data_root())
