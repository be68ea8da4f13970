"""``wixcontracts validate``: check payload files against the committed contracts.

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error / unknown operation /
unreadable input.  Heavy modules (Python jsonschema) load only when a payload fails."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Any, Optional

import typer

from ..cli import Surface, _console, app


def _fail(msg: str, code: int = 2) -> None:
    """One unwrapped line on stderr, then exit ``code`` (2: usage / unreadable input)."""
    from rich.markup import escape

    _console(stderr=True).print(f"[red]error:[/] {escape(msg)}", soft_wrap=True)
    raise typer.Exit(code)


class Format(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"


@app.command()
def validate(
    op: Optional[str] = typer.Argument(None, help="operation name, e.g. createBooking"),
    file: Optional[str] = typer.Argument(None, help="payload: a .json file, '-' for stdin, a directory of "
                                                   ".json files or a .jsonl file"),
    request: bool = typer.Option(False, "--request", help="FILE is a request body"),
    response: bool = typer.Option(False, "--response", help="FILE is a success response body"),
    error: bool = typer.Option(False, "--error", help="FILE is an error response body"),
    exchange: Optional[str] = typer.Option(None, "--exchange", metavar="FILE",
                                           help="JSON {method, url, headers, body, status, response_body}"),
    status: Optional[int] = typer.Option(None, "--status", help="HTTP status of the response"),
    surface: Surface = typer.Option(Surface.rest, "--surface"),
    strict: bool = typer.Option(False, "--strict", help="undocumented response fields are errors"),
    allow_unknown: bool = typer.Option(False, "--allow-unknown", help="undocumented request fields are warnings"),
    fmt: Format = typer.Option(Format.text, "--format", help="text, json or junit"),
) -> None:
    """Validate a request, response, error or whole exchange against the contracts."""
    from ..catalog import UnknownOperation
    from . import io
    from .engine import UsageError

    if exchange is not None:
        if op is not None or file is not None:
            _fail("--exchange FILE takes no OP or FILE argument")
        if request or response or error:
            _fail("--exchange cannot be combined with --request/--response/--error")
        target, kind = exchange, "exchange"
    else:
        kinds = [k for k, on in (("request", request), ("response", response), ("error", error)) if on]
        if len(kinds) != 1:
            _fail("choose exactly one of --request, --response, --error (or use --exchange FILE)")
        if not op or not file:
            _fail("usage: wixcontracts validate OP (--request|--response|--error) FILE|-")
        target, kind = file, kinds[0]
        if kind == "request" and status is not None:
            _fail("--status applies to --response/--error")

    from .contracts import Contracts

    contracts = Contracts.load()
    name = None
    if kind != "exchange":
        try:
            name = contracts.operation(op)["id"]
        except UnknownOperation as e:
            _fail(str(e))

    def run(payload: Any):
        if kind == "exchange":
            return _run_exchange(contracts, payload, strict, allow_unknown)
        if kind == "request":
            return contracts.validate_request(name, payload, surface=surface.value, allow_unknown=allow_unknown)
        if kind == "response":
            return contracts.validate_response(name, payload, 200 if status is None else status,
                                               strict=strict, surface=surface.value)
        return contracts.validate_error(name, payload, status, strict=strict, surface=surface.value)

    results: list[tuple[str, Any]] = []  # (label, Result | InputError)
    try:
        if io.is_batch(target):
            from rich.progress import Progress

            entries = list(io.items(target))
            with Progress(console=_console(stderr=True), transient=True) as prog:
                task = prog.add_task("validating", total=len(entries))
                for label, payload in entries:
                    results.append((label, payload if isinstance(payload, io.InputError) else run(payload)))
                    prog.advance(task)
        else:
            label, payload = next(io.items(target))
            results.append((label, run(payload)))
    except io.InputError as e:
        _fail(str(e))
    except UsageError as e:
        _fail(str(e))
    except UnknownOperation as e:
        _fail(str(e))

    batch = io.is_batch(target)
    if fmt is Format.json:
        _emit_json(results, batch)
    elif fmt is Format.junit:
        _emit_junit(results, kind, name)
    else:
        _emit_text(results, batch)
    if any(isinstance(r, io.InputError) for _, r in results):
        raise typer.Exit(2)
    raise typer.Exit(0 if all(r.ok for _, r in results) else 1)


def _run_exchange(contracts, ex: dict, strict: bool, allow_unknown: bool):
    from .io import InputError

    missing = [k for k in ("method", "url") if not isinstance(ex.get(k), str)]
    if missing:
        raise InputError(f"exchange needs string field(s): {', '.join(missing)}")
    headers = ex.get("headers") or {}
    if isinstance(headers, list):
        headers = {str(k): v for k, v in headers}
    if not isinstance(headers, dict):
        raise InputError("exchange 'headers' must be an object or a list of [name, value] pairs")
    status = ex.get("status")
    if status is not None and not isinstance(status, int):
        raise InputError("exchange 'status' must be an integer")
    return contracts.validate_exchange(ex["method"], ex["url"], headers, ex.get("body"), status,
                                       ex.get("response_body"), strict=strict, allow_unknown=allow_unknown)


# ---------------------------------------------------------------- output

def _where(f) -> str:
    return f"{f.location} {f.pointer or '/'}"


def _emit_text(results, batch: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    from .io import InputError

    con = _console()
    con.soft_wrap = True
    if batch:
        t = Table(title="validation summary")
        for c in ("payload", "result", "errors", "warnings", "first problem"):
            t.add_column(c, overflow="fold")
        for label, r in results:
            if isinstance(r, InputError):
                t.add_row(escape(label), "[red]unreadable[/]", "-", "-", escape(str(r)))
                continue
            first = (r.errors or r.warnings or [None])[0]
            t.add_row(escape(label), "[green]valid[/]" if r.ok else "[red]invalid[/]", str(len(r.errors)),
                      str(len(r.warnings)), escape(f"{_where(first)}: {first.message}") if first else "")
        con.print(t)
        n_bad = sum(1 for _, r in results if isinstance(r, InputError) or not r.ok)
        con.print(f"{len(results) - n_bad}/{len(results)} valid")
        return
    label, r = results[0]
    head = f"{escape(label)}: {r.operation or '?'}"
    if r.ok:
        con.print(f"[green]valid[/] {head}" + (f" ({len(r.warnings)} warning(s))" if r.warnings else ""))
    else:
        con.print(f"[red]invalid[/] {head}: {len(r.errors)} error(s), {len(r.warnings)} warning(s)")
    groups: dict[str, list] = {}
    for f in r.findings:
        groups.setdefault(_where(f), []).append(f)
    for where, fs in groups.items():
        con.print(f"  [bold]{escape(where)}[/]")
        for f in fs:
            colour = "red" if f.severity == "error" else "yellow"
            exp = f"  expected: {escape(_fmt_expected(f.expected))}" if f.expected not in (None, "", []) else ""
            con.print(f"    [{colour}]{f.severity}[/] [{colour}]{f.rule}[/]: {escape(f.message)}{exp}")
            if f.source:
                con.print(f"      [dim]{escape(f.source)}[/]")


def _fmt_expected(v) -> str:
    s = ", ".join(map(str, v)) if isinstance(v, list) else str(v)
    return s if len(s) <= 120 else s[:119] + "…"


def _emit_json(results, batch: bool) -> None:
    from .io import InputError

    out = []
    for label, r in results:
        if isinstance(r, InputError):
            out.append({"payload": label, "ok": False, "input_error": str(r)})
        else:
            out.append({"payload": label, **r.to_dict()})
    sys.stdout.write(json.dumps(out if batch else out[0], indent=2, ensure_ascii=False, default=str) + "\n")


def _emit_junit(results, kind: str, name: str | None) -> None:
    from xml.sax.saxutils import quoteattr, escape as xesc

    from .io import InputError

    failures = sum(1 for _, r in results if not isinstance(r, InputError) and not r.ok)
    errs = sum(1 for _, r in results if isinstance(r, InputError))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuite name={quoteattr(f"wixcontracts validate {kind}")} tests="{len(results)}" '
             f'failures="{failures}" errors="{errs}">']
    for label, r in results:
        cls = (r.operation if not isinstance(r, InputError) else None) or name or kind
        lines.append(f"  <testcase classname={quoteattr(str(cls))} name={quoteattr(label)}>")
        if isinstance(r, InputError):
            lines.append(f"    <error message={quoteattr(str(r))}/>")
        elif not r.ok:
            body = "\n".join(f"{f.rule} {_where(f)}: {f.message} ({f.source or ''})" for f in r.errors)
            lines.append(f"    <failure message={quoteattr(f'{len(r.errors)} error(s)')}>{xesc(body)}</failure>")
        if not isinstance(r, InputError) and r.warnings:
            body = "\n".join(f"warning {f.rule} {_where(f)}: {f.message}" for f in r.warnings)
            lines.append(f"    <system-out>{xesc(body)}</system-out>")
        lines.append("  </testcase>")
    lines.append("</testsuite>")
    sys.stdout.write("\n".join(lines) + "\n")
