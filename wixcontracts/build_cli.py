"""``wixcontracts build``: compile the docs pages (and the SDK typings) into ``schemas/`` and ``contracts/``."""

from __future__ import annotations

from pathlib import Path

import click

from .cli import app, console, fail, note

_PKG = Path(__file__).resolve().parent


def checkout_root() -> Path | None:
    """The source checkout this package runs from (``pyproject.toml`` and ``contracts/`` beside the package),
    or ``None`` for an installed package: a build must never write into site-packages."""
    root = _PKG.parent
    if (root / "pyproject.toml").is_file() and (root / "contracts").is_dir():
        return root
    return None


def default_out() -> tuple[Path, str | None]:
    """(where ``build`` writes by default, a note to print when that is not the checkout)."""
    root = checkout_root()
    if root is not None:
        return root, None
    cwd = Path.cwd()
    return cwd, (f"not running from a checkout: writing schemas/ and contracts/ under the current directory "
                 f"{cwd} (--out chooses another folder)")


@app.command("build")
@click.option("--docs", type=click.Path(path_type=Path),
              help="docs folder (default ../shared/wix-docs or $WIXCONTRACTS_DOCS)")
@click.option("--out", type=click.Path(path_type=Path),
              help="output root holding schemas/ and contracts/ (default: this checkout; the current directory for "
                   "an installed package)")
@click.option("--strict", is_flag=True, help="fail if any structural decision is unresolved or any page failed")
@click.option("--hints", type=click.Path(path_type=Path), help="hints file (default contracts/hints.json)")
@click.option("--sources", default="docs,sdk", show_default=True,
              help="docs (pages only) or docs,sdk (pages + the pinned SDK typings)")
@click.option("--sdk", help="SDK package: name@version, a .tgz or a folder (default: contracts/sdk-pin.json)")
def build(
    docs: Path = None,
    out: Path = None,
    strict: bool = False,
    hints: Path = None,
    sources: str = "docs,sdk",
    sdk: str = None,
) -> None:
    """Compile docs pages (and the SDK typings) into schemas/ and contracts/."""
    from .build import SourceError, UnsafePath, build as do_build, default_docs_dir, summary, write
    from .paths import data_root

    docs = docs or default_docs_dir()
    chosen = tuple(x.strip() for x in sources.split(",") if x.strip())
    if not chosen or set(chosen) - {"docs", "sdk"}:
        fail("--sources takes docs, sdk or docs,sdk")
    if "docs" in chosen and not docs.is_dir():
        fail(f"docs folder not found: {docs} (use --sources sdk to build from the SDK typings alone)")
    if hints is None:
        hints = data_root() / "contracts" / "hints.json"
    elif not hints.is_file():
        fail(f"hints file not found: {hints}")
    if out is None:
        out, why = default_out()
        if why:
            note(why)
    if out.exists() and not out.is_dir():
        fail(f"--out {out}: not a folder")
    try:
        res = do_build(docs, out, hints, chosen, sdk)
        changed = write(res, out)
    except SourceError as e:
        fail(f"{e} (use --sources docs to build from the pages alone)")
    except UnsafePath as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot write under {out}: {e.strerror or e}")
    con = console()
    s = summary(res.api)
    con.print(f"[bold]{s['services']}[/] service{'' if s['services'] == 1 else 's'}, [bold]{s['operations']}[/] "
              f"operations, [bold]{s['types']}[/] named types, {len(res.files)} files ({len(changed)} changed) → {out}")
    con.print(f"structure: {s['structure_decisions']} decisions with several candidates, resolved by "
              + ", ".join(f"{k} {v}" for k, v in s["resolved_by"].items())
              + f"; [{'red' if s['unresolved'] else 'green'}]{s['unresolved']} unresolved[/]")
    by: dict[str, int] = {}
    for d in res.diagnostics:
        if d.code.startswith("hints."):
            by[d.code.split(".", 1)[1]] = by.get(d.code.split(".", 1)[1], 0) + 1
    if by:
        con.print("hints: " + ", ".join(f"{v} {k}" for k, v in sorted(by.items())))
    from rich.markup import escape

    for d in res.diagnostics:
        if d.severity != "info":
            colour = "red" if d.severity == "error" else "yellow"
            con.print(f"  [{colour}]{d.severity}[/] {escape(d.code)}: {escape(d.message)}  [dim]{escape(str(d.where))}[/]")
    for d in res.unresolved:
        con.print(f"  [yellow]unresolved[/] {escape(str(d['entry']))} placed under {escape(str(d['placed_under']))} "
                  f"[dim]{escape(str(d['where']))}[/]")
    con.print("[dim]full report: contracts/ambiguities.json[/]")
    if strict and (res.unresolved or res.errors):
        raise click.exceptions.Exit(1)
