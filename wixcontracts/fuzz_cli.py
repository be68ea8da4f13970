"""``wixcontracts fuzz --url URL``: schemathesis against a running target (``fuzz_target.py``)."""

from __future__ import annotations

from pathlib import Path

import click

from .cli import app, console, fail, note


@app.command("fuzz")
@click.option("--url", required=True, help="base URL of the target, e.g. http://127.0.0.1:8787 (wixcontracts serve)")
@click.option("--operations", multiple=True,
              help="operation ids or names (repeat); default: every operation, or the ones the target emulates when "
                   "it is `wixcontracts serve`")
@click.option("--service", multiple=True, help="only the operations of this service (repeat)")
@click.option("--allow-writes", is_flag=True, help="also fuzz operations that write (default: read-only, GET)")
@click.option("--i-own-this-site", is_flag=True, help="allow a target outside the loopback range")
@click.option("--examples", type=click.IntRange(1, None), default=25, show_default=True,
              help="examples per operation and mode")
@click.option("--junit", "junit_path", type=click.Path(path_type=Path), default=Path("reports/fuzz-junit.xml"),
              show_default=True, help="JUnit report path")
def fuzz(
    url: str,
    operations: tuple[str, ...] = (),
    service: tuple[str, ...] = (),
    allow_writes: bool = False,
    i_own_this_site: bool = False,
    examples: int = 25,
    junit_path: Path = Path("reports/fuzz-junit.xml"),
) -> None:
    """schemathesis against a running target (a sandbox site, or `wixcontracts serve`), per service or all."""
    from .catalog import UnknownOperation, UnknownService
    from .fuzz_target import (NothingToFuzz, TargetRefused, auth_headers, check_target, chosen_operations,
                              emulated_by_target, junit, target_schemas)

    try:
        check_target(url, i_own_this_site)
        chosen_operations(operations, service, read_only=not allow_writes)  # names checked before any request
        emulated = emulated_by_target(url)  # None: not our emulator (or it does not say)
        ops = chosen_operations(operations, service, read_only=not allow_writes, emulated=emulated)
    except (TargetRefused, UnknownOperation, UnknownService, NothingToFuzz) as e:
        fail(str(e))
    if emulated is not None and not operations:
        note(f"the target is the wixcontracts emulator: fuzzing the {len(ops)} operation(s) it emulates "
             f"({'' if allow_writes else 'read-only; '}--operations names others)")
    from .emulator.fuzz import run_fuzz

    report: dict = {"operations": 0, "cases": 0, "failures": []}
    names: list[str] = []
    for _slug, schema, ids in target_schemas(ops):
        part = run_fuzz(examples, schema=schema, base_url=url.rstrip("/"), headers=auth_headers())
        for k in ("operations", "cases"):
            report[k] += part[k]
        report["failures"] += part["failures"]
        names += ids
    try:
        junit(report, names, junit_path)
    except OSError as e:
        fail(f"cannot write the JUnit report {junit_path}: {e.strerror or e}")
    from rich.markup import escape

    con = console()
    con.print(f"{len(names)} operations, {report['cases']} cases, [{'red' if report['failures'] else 'green'}]"
              f"{len(report['failures'])} failures[/] → {escape(str(junit_path))}")
    for f in report["failures"]:
        con.print(f"  [red]{escape(f['operation'])}[/] {escape(f['check'])} ({f['mode']}): {escape(f['message'][:200])}")
    if report["failures"]:
        raise click.exceptions.Exit(1)
