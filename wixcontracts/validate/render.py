"""Validation results for people (``validate`` and ``validate --event``): a summary of a batch -- a table
on a terminal, plain unwrapped rows in a pipe -- or the findings of one payload grouped by where they are."""

from __future__ import annotations

import sys
from typing import Any, Callable

from ..cli import console, plain_rows, stdout_is_tty


def where(f) -> str:
    """A finding's place: its location (request, response, ...) and JSON pointer."""
    return f"{f.location} {f.pointer or '/'}"


def fmt_expected(v: Any) -> str:
    s = ", ".join(map(str, v)) if isinstance(v, list) else str(v)
    return s if len(s) <= 120 else s[:119] + "…"


def emit_text(results, batch: bool, *, unreadable: tuple[type, ...], subject: str = "payload",
              title: str = "validation summary", operation_column: str | None = None,
              place: Callable[[Any], str] = where, label: Callable[[str], str] = lambda s: s) -> None:
    """``results``: (label, Result or an ``unreadable`` exception).  ``operation_column`` names a column
    showing each result's operation (the event type for deliveries); ``place`` says where a finding is."""
    from rich.markup import escape

    con = console()
    if batch:
        rows = []
        for name, r in results:
            op = [] if operation_column is None else [getattr(r, "operation", None) or ""]
            if isinstance(r, unreadable):
                rows.append([label(name), *op, "unreadable", "-", "-", str(r)])
                continue
            first = (r.errors or r.warnings or [None])[0]
            rows.append([label(name), *op, "valid" if r.ok else "invalid", len(r.errors), len(r.warnings),
                         f"{place(first)}: {first.message}" if first else ""])
        cols = (subject, *([operation_column] if operation_column else []), "result", "errors", "warnings",
                "first problem")
        if stdout_is_tty():
            from rich.table import Table

            t = Table(title=title)
            for c in cols:
                t.add_column(c, overflow="fold")
            colour = {"valid": "green", "invalid": "red", "unreadable": "red"}
            at = cols.index("result")
            for row in rows:
                cells = [escape(str(x)) for x in row]
                cells[at] = f"[{colour[row[at]]}]{row[at]}[/]"
                t.add_row(*cells)
            con.print(t)
        else:
            sys.stdout.write(plain_rows(cols, rows))
        n_bad = sum(1 for _, r in results if isinstance(r, unreadable) or not r.ok)
        con.print(f"{len(results) - n_bad}/{len(results)} valid")
        return
    name, r = results[0]
    head = f"{escape(label(name))}: {escape(r.operation or '?')}"
    if r.ok:
        con.print(f"[green]valid[/] {head}" + (f" ({len(r.warnings)} warning(s))" if r.warnings else ""))
    else:
        con.print(f"[red]invalid[/] {head}: {len(r.errors)} error(s), {len(r.warnings)} warning(s)")
    groups: dict[str, list] = {}
    for f in r.findings:
        groups.setdefault(place(f), []).append(f)
    for at, fs in groups.items():
        con.print(f"  [bold]{escape(at)}[/]")
        for f in fs:
            colour = "red" if f.severity == "error" else "yellow"
            exp = f"  expected: {escape(fmt_expected(f.expected))}" if f.expected not in (None, "", []) else ""
            con.print(f"    [{colour}]{f.severity}[/] [{colour}]{f.rule}[/]: {escape(f.message)}{exp}")
            if f.source:
                con.print(f"      [dim]{escape(f.source)}[/]")


def emit_junit(results, suite_name: str, *, unreadable: tuple[type, ...], label: Callable[[str], str],
               classname: Callable[[Any], str], error_text: Callable[[Exception, str], str] = lambda e, _l: str(e),
               place: Callable[[Any], str] = where) -> None:
    """One JUnit test case per payload: a failure naming the first error (all of them in its text), warnings
    in system-out, an ``unreadable`` input an error (``error_text(exception, label)``)."""
    from ..report import junit as J

    suite = J.Suite(suite_name)
    for name, r in results:
        case = suite.add(J.Case(label(name), classname(r)))
        if isinstance(r, unreadable):
            msg = error_text(r, name)
            case.error(msg, msg, "input-error")
            continue
        if not r.ok:
            first = r.errors[0]
            case.fail(f"{len(r.errors)} error(s); first: {first.rule} {place(first)}: {first.message}",
                      "\n".join(f"{f.rule} {place(f)}: {f.message}" + (f" ({f.source})" if f.source else "")
                                for f in r.errors), first.rule)
        if r.warnings:
            case.system_out = "\n".join(f"warning {f.rule} {place(f)}: {f.message}" for f in r.warnings)
    sys.stdout.write(J.render_suite(suite))
