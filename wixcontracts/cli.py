"""Command line: ``wixcontracts build|ops|schema|explain|validate|check``.

Imports are done inside commands so ``wixcontracts validate`` starts fast."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Contracts for the Wix Bookings REST API, compiled from the Wix docs.")


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _fail(msg: str, code: int = 2) -> None:
    _console(stderr=True).print(f"[red]error:[/] {msg}")
    raise typer.Exit(code)


def _catalog():
    from .catalog import Catalog

    return Catalog()


def _op(catalog, name: str) -> dict:
    from .catalog import UnknownOperation

    try:
        return catalog.operation(name)
    except UnknownOperation as e:
        _fail(str(e))
        raise  # unreachable


class Surface(str, Enum):
    rest = "rest"
    sdk = "sdk"


@app.command()
def build(
    docs: Path = typer.Option(None, help="docs folder (default ../shared/wix-docs or $WIXCONTRACTS_DOCS)"),
    out: Path = typer.Option(None, help="output root holding schemas/ and contracts/ (default: this checkout)"),
    strict: bool = typer.Option(False, help="fail if any structural decision is unresolved or any page failed"),
    hints: Path = typer.Option(None, help="hints file (default contracts/hints.json)"),
    sources: str = typer.Option("docs,sdk", help="docs (pages only) or docs,sdk (pages + the pinned SDK typings)"),
    sdk: str = typer.Option(None, help="SDK package: name@version, a .tgz or a folder (default: contracts/sdk-pin.json)"),
) -> None:
    """Compile docs pages (and the SDK typings) into schemas/ and contracts/."""
    from .build import ROOT, SourceError, UnsafePath, build as do_build, default_docs_dir, summary, write

    docs = docs or default_docs_dir()
    chosen = tuple(x.strip() for x in sources.split(",") if x.strip())
    if not chosen or set(chosen) - {"docs", "sdk"}:
        _fail("--sources takes docs, sdk or docs,sdk")
    if "docs" in chosen and not docs.is_dir():
        _fail(f"docs folder not found: {docs} (use --sources sdk to build from the SDK typings alone)")
    out = out or ROOT
    try:
        res = do_build(docs, out, hints, chosen, sdk)
        changed = write(res, out)
    except (SourceError, UnsafePath) as e:
        _fail(f"{e} (use --sources docs to build from the pages alone)" if isinstance(e, SourceError) else str(e))
    con = _console()
    s = summary(res.api)
    con.print(f"[bold]{s['services']}[/] service{'' if s['services'] == 1 else 's'}, [bold]{s['operations']}[/] operations, "
              f"[bold]{s['types']}[/] named types, "
              f"{len(res.files)} files ({len(changed)} changed) → {out}")
    con.print(f"structure: {s['structure_decisions']} decisions with several candidates, resolved by "
              + ", ".join(f"{k} {v}" for k, v in s["resolved_by"].items())
              + f"; [{'red' if s['unresolved'] else 'green'}]{s['unresolved']} unresolved[/]")
    hints = [d for d in res.diagnostics if d.code.startswith("hints.")]
    if hints:
        by = {}
        for d in hints:
            by[d.code.split(".", 1)[1]] = by.get(d.code.split(".", 1)[1], 0) + 1
        con.print("hints: " + ", ".join(f"{v} {k}" for k, v in sorted(by.items())))
    for d in res.diagnostics:
        if d.severity != "info":
            colour = "red" if d.severity == "error" else "yellow"
            con.print(f"  [{colour}]{d.severity}[/] {d.code}: {d.message}  [dim]{d.where}[/]")
    for d in res.unresolved:
        con.print(f"  [yellow]unresolved[/] {d['entry']} placed under {d['placed_under']} [dim]{d['where']}[/]")
    con.print("[dim]full report: contracts/ambiguities.json[/]")
    if strict and (res.unresolved or res.errors):
        raise typer.Exit(1)


OPS_COLUMNS = ("id", "method", "path", "surfaces", "complete", "source", "page")


def ops_rows(cat, service: str | None = None) -> list[dict]:
    """One row per operation (``ops --json``): id, service, name, method, canonical path, aliases, rpc,
    surfaces, completeness, source, docs page."""
    ops = cat.of_service(service) if service else list(cat.operations.values())
    return [{"id": o["id"], "service": o["service"], "name": o["name"], "method": o["method"], "path": o["path"],
             "aliases": o["aliases"], "rpc": o["rpc"], "surfaces": o["surfaces"], "complete": o["complete"],
             "source": o["source"], "page": o["page"]} for o in ops]


@app.command()
def ops(as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
        service: Optional[str] = typer.Option(None, "--service", help="only this service (e.g. bookings, services)")) -> None:
    """List operations: id (service.operation), method, path, surfaces, completeness, source page."""
    from .catalog import UnknownService

    cat = _catalog()
    try:
        rows = ops_rows(cat, service)
    except UnknownService as e:
        _fail(str(e))
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    t = Table(show_lines=False)
    for c in OPS_COLUMNS:
        t.add_column(c, overflow="fold")
    for o in rows:
        t.add_row(o["id"], o["method"] or "", o["path"] or "", ",".join(o["surfaces"]),
                  "yes" if o["complete"] else "[yellow]no[/]", ",".join(o["source"]), o["page"])
    _console().print(t)


@app.command()
def schema(
    op: str = typer.Argument(..., help="operation name, e.g. createBooking"),
    request: bool = typer.Option(False, "--request"),
    response: bool = typer.Option(False, "--response"),
    error: bool = typer.Option(False, "--error"),
    path: bool = typer.Option(False, "--path", help="path parameters"),
    surface: Surface = typer.Option(Surface.rest, "--surface"),
) -> None:
    """Print one standalone, bundled JSON Schema on stdout."""
    kinds = [k for k, on in (("request", request), ("response", response), ("error", error), ("path", path)) if on]
    if len(kinds) != 1:
        _fail("choose exactly one of --request, --response, --error, --path")
    cat = _catalog()
    o = _op(cat, op)
    try:
        s = cat.schema(o["id"], kinds[0], surface.value)
    except KeyError as e:
        _fail(str(e.args[0]))
    sys.stdout.write(json.dumps(s, indent=2, ensure_ascii=False) + "\n")


@app.command()
def explain(op: str = typer.Argument(...), surface: Surface = typer.Option(Surface.rest, "--surface")) -> None:
    """A readable tree of an operation."""
    from .explain import explain_tree

    cat = _catalog()
    o = _op(cat, op)
    _console().print(explain_tree(cat, o["id"], surface.value))


@app.command()
def fuzz(
    url: str = typer.Option(..., help="base URL of the target, e.g. http://127.0.0.1:8787 (wixcontracts serve)"),
    operations: Optional[list[str]] = typer.Option(None, "--operations", help="operation ids or names (repeat); default all"),
    service: Optional[list[str]] = typer.Option(None, "--service", help="only the operations of this service (repeat)"),
    allow_writes: bool = typer.Option(False, "--allow-writes", help="also fuzz operations that write (default: read-only, GET)"),
    i_own_this_site: bool = typer.Option(False, "--i-own-this-site", help="allow a target outside the loopback range"),
    examples: int = typer.Option(25, help="examples per operation and mode"),
    junit_path: Path = typer.Option(Path("reports/fuzz-junit.xml"), "--junit", help="JUnit report path"),
) -> None:
    """schemathesis against a running target (a sandbox site, or `wixcontracts serve`), per service or all."""
    from .catalog import UnknownOperation, UnknownService
    from .fuzz_target import NothingToFuzz, TargetRefused, auth_headers, check_target, chosen_operations, junit, target_schemas

    try:
        check_target(url, i_own_this_site)
        ops = chosen_operations(operations, service, read_only=not allow_writes)
    except (TargetRefused, UnknownOperation, UnknownService, NothingToFuzz) as e:
        _fail(str(e))
    from .emulator.fuzz import run_fuzz

    report: dict = {"operations": 0, "cases": 0, "failures": []}
    names: list[str] = []
    for _slug, schema, ids in target_schemas(ops):
        part = run_fuzz(examples, schema=schema, base_url=url.rstrip("/"), headers=auth_headers())
        for k in ("operations", "cases"):
            report[k] += part[k]
        report["failures"] += part["failures"]
        names += ids
    junit(report, names, junit_path)
    con = _console()
    con.print(f"{len(names)} operations, {report['cases']} cases, [{'red' if report['failures'] else 'green'}]"
              f"{len(report['failures'])} failures[/] → {junit_path}")
    for f in report["failures"]:
        con.print(f"  [red]{f['operation']}[/] {f['check']} ({f['mode']}): {f['message'][:200]}")
    if report["failures"]:
        raise typer.Exit(1)


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    none = "none"


class LintFormat(str, Enum):
    markdown = "markdown"
    json = "json"


@app.command("lint-docs")
def lint_docs(
    docs: Path = typer.Option(None, help="docs folder (default ../shared/wix-docs or $WIXCONTRACTS_DOCS)"),
    sdk: str = typer.Option(None, help="SDK package: name@version, a .tgz or a folder (default: the pin)"),
    no_sdk: bool = typer.Option(False, "--no-sdk", help="skip the docs-vs-SDK check"),
    fmt: LintFormat = typer.Option(LintFormat.markdown, "--format"),
    out: Path = typer.Option(None, help="write the report here instead of stdout"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="exit 1 on findings of this severity or worse"),
) -> None:
    """Docs consistency report: docs vs SDK typings, examples vs contract, REST vs SDK section."""
    from . import lint
    from .build import ROOT, SourceError, compile_docs, default_docs_dir, load_hints, load_sdk
    from .validate import Contracts

    docs = docs or default_docs_dir()
    if not docs.is_dir():
        _fail(f"docs folder not found: {docs}")
    hints_path = ROOT / "contracts" / "hints.json"
    model, _ = compile_docs(docs, hints_path)
    services = None
    if not no_sdk:
        try:
            services = load_sdk(sdk)
        except SourceError as e:
            _fail(f"{e} (use --no-sdk to lint without it)")
    findings = lint.run_api(model, load_hints(hints_path), services, Contracts.load())
    text = lint.to_json(findings) if fmt is LintFormat.json else lint.to_markdown(findings)
    if out:
        out.write_text(text, encoding="utf-8")
        c = lint.counts(findings)
        _console().print(" · ".join(f"{k}: {v['error']} errors, {v['warning']} warnings" for k, v in c.items()) + f" → {out}")
    else:
        sys.stdout.write(text)
    if lint.fails(findings, fail_on.value):
        raise typer.Exit(1)


@app.command()
def check(
    docs: Path = typer.Option(None, help="docs folder (default ../shared/wix-docs or $WIXCONTRACTS_DOCS)"),
    fuzz_examples: int = typer.Option(25, help="schemathesis examples per operation and mode"),
    report_dir: Path = typer.Option(Path("reports"), help="where check.json / check.md go"),
) -> None:
    """The main job, offline: rebuild + verify, replay examples, emulator lifecycle, fuzz, report."""
    from rich.table import Table

    from .build import default_docs_dir
    from .check import run

    steps = run(docs or default_docs_dir(), fuzz_examples, report_dir)
    t = Table(title="wixcontracts check")
    for c in ("step", "status", "detail", "s"):
        t.add_column(c, overflow="fold")
    colour = {"ok": "green", "failed": "red", "skipped": "yellow"}
    for s in steps:
        t.add_row(s.name, f"[{colour[s.status]}]{s.status}[/]", s.detail, f"{s.seconds:.1f}")
    con = _console()
    con.print(t)
    ex = next((s for s in steps if s.name == "replay docs examples"), None)
    for r in (ex.data.get("examples", []) if ex else []):
        if r["errors"]:
            con.print(f"  [yellow]docs example breaks the contract[/] {r['operation']} / {r['example']}: "
                      + "; ".join(r["errors"]))
    con.print(f"[dim]report: {report_dir}/check.md, {report_dir}/check.json[/]")
    if any(s.status == "failed" for s in steps):
        raise typer.Exit(1)


def main() -> None:
    from . import commands  # noqa: F401  (registers the consumer commands)

    try:
        app()
    except ModuleNotFoundError as e:  # an optional dependency: say which extra brings it
        from .extras import extra_for

        extra = extra_for(e)
        if extra is None:
            raise
        sys.stderr.write(f"error: {e.name} is not installed: this command needs the [{extra}] extra "
                         f"(pip install 'wixcontracts[{extra}]')\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
