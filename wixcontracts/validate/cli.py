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
    sarif = "sarif"


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
    fmt: Format = typer.Option(Format.text, "--format", help="text, json, junit or sarif"),
    event: Optional[str] = typer.Option(None, "--event", metavar="FILE", help="a webhook delivery: the raw JWT body, "
                                        "its message, the domain event, or the entity with --event-type"),
    public_key: Optional[str] = typer.Option(None, "--public-key", metavar="PEM", help="verify a JWT delivery"),
    no_verify: bool = typer.Option(False, "--no-verify", help="read a JWT delivery without checking its signature"),
    event_type: Optional[str] = typer.Option(None, "--event-type", metavar="TYPE", help="the event of an entity alone"),
) -> None:
    """Validate a request, response, error or whole exchange (or a webhook delivery) against the contracts."""
    if event is not None or public_key is not None or no_verify or event_type is not None:
        from ..webhooks.cli import validate_event_command

        validate_event_command(event, other_args=any((op, file, request, response, error, exchange)),
                               public_key=public_key, no_verify=no_verify, event_type=event_type, fmt=fmt.value)
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
        _emit_junit(results, kind, name, target)
    elif fmt is Format.sarif:
        _emit_sarif(results, kind, target, contracts)
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


def _payload_file(label: str, target: str) -> tuple[str | None, int | None]:
    """(file, line) a result label stands for: a file, ``FILE:LINE`` of a .jsonl file, or (None, None) for stdin."""
    from pathlib import Path

    if str(target) == "-":
        return None, None
    if Path(target).suffix == ".jsonl" and not Path(target).is_dir():
        path, _, line = label.rpartition(":")
        return path, int(line) if line.isdigit() else None
    return label, None


def _shown(label: str, target: str) -> str:
    """The label with the file relative to the current directory (never a machine's absolute path)."""
    from ..report.sarif import display_path

    path, line = _payload_file(label, target)
    if path is None:
        return label
    return display_path(path, ".") + (f":{line}" if line is not None else "")


def _emit_junit(results, kind: str, name: str | None, target: str = "-") -> None:
    from ..report import junit as J
    from .io import InputError

    suite = J.Suite(f"wixcontracts validate {kind}")
    for label, r in results:
        cls = (r.operation if not isinstance(r, InputError) else None) or name or kind
        case = suite.add(J.Case(_shown(label, target), str(cls)))
        if isinstance(r, InputError):
            msg = _input_error_text(r, label, target)
            case.error(msg, msg, "input-error")
            continue
        if not r.ok:
            first = r.errors[0]
            case.fail(f"{len(r.errors)} error(s); first: {first.rule} {_where(first)}: {first.message}",
                      "\n".join(f"{f.rule} {_where(f)}: {f.message}" + (f" ({f.source})" if f.source else "")
                                for f in r.errors), first.rule)
        if r.warnings:
            case.system_out = "\n".join(f"warning {f.rule} {_where(f)}: {f.message}" for f in r.warnings)
    sys.stdout.write(J.render_suite(suite))


def _input_error_text(e, label: str, target: str) -> str:
    """The error's one line with the file as ``_shown`` spells it."""
    from ..report.sarif import display_path

    path, _ = _payload_file(label, target)
    text = str(e)
    return text.replace(path, display_path(path, "."), 1) if path else text


# short descriptions of the validator's rules (SARIF tool.driver.rules)
_RULES = {
    "undocumented-field": "Field not documented for this object",
    "read-only-field": "Read-only field sent in a request",
    "oneOf-at-most-one": "More than one member of a ONE-OF group is set",
    "oneOf-required": "No member of a required ONE-OF group is set",
    "int64": "Not a valid int64 (decimal digit string)",
    "enum": "Value is not one of the documented values",
    "type": "JSON type differs from the contract",
    "required": "Required field missing",
    "format": "Value does not match the documented format",
    "pattern": "Value does not match the documented pattern",
    "undocumented-error-code": "Error code not documented for this status",
    "undocumented-status": "HTTP status not documented for the operation",
    "envelope": "Error response envelope does not match the contract",
    "header": "Required request header missing or invalid",
    "route": "No documented operation for this method and path",
    "host": "Request host is not the Wix API host",
    "schema": "Payload does not satisfy the contract schema",
    "input-error": "Payload file could not be read as JSON",
}
# where an --exchange file holds what a finding's location refers to
_EXCHANGE_PART = {"request": "/body", "response": "/response_body", "header": "/headers", "route": "/url",
                  "path": "/url"}


def _file_pointer(f, kind: str) -> str:
    if kind != "exchange":
        return f.pointer or ""
    if f.rule == "undocumented-status":
        return "/status"
    part = _EXCHANGE_PART.get(f.location, "")
    return part if f.location in ("route", "path") else part + (f.pointer or "")


def _emit_sarif(results, kind: str, target: str, contracts) -> None:
    """SARIF 2.1.0: one result per finding, located in the payload file (relative to the current
    directory) at the line of its JSON pointer; stdin and files outside the current directory get a
    logical location only."""
    from pathlib import Path

    from ..report.sarif import Log
    from .io import InputError

    log = Log(root=Path.cwd(), category=f"wixcontracts-validate-{kind}/")
    jsonl: dict[str, tuple] = {}

    def line_starts(path: str):
        """The file's text and the offset of each line as ``io.items`` numbers them (str.splitlines)."""
        if path not in jsonl:
            src = log.source(path)
            offsets, at = [], 0
            for piece in (src.text.splitlines(keepends=True) if src else []):
                offsets.append(at)
                at += len(piece)
            jsonl[path] = (src, offsets)
        return jsonl[path]

    def qualified(op: str | None) -> str:
        return op or "?"  # operation ids are qualified already (service.operation)

    for label, r in results:
        path, line = _payload_file(label, target)
        shown = scope = _shown(label, target)
        if isinstance(r, InputError):
            msg = _input_error_text(r, label, target)
            log.rule("input-error", _RULES["input-error"])
            log.result("input-error", "error", msg, identity=("", "input", "", scope),
                       physical=log.physical(path, line=line) if path else None,
                       logical=log.logical(shown, shown, "resource"), properties={"payload": shown})
            continue
        for f in r.findings:
            log.rule(f.rule, _RULES.get(f.rule, f"JSON Schema keyword '{f.rule}' not satisfied"))
            ptr = _file_pointer(f, kind)
            phys = None
            if path is not None and line is not None:  # one payload per line of a .jsonl file
                src, starts = line_starts(path)
                hit = src.locate(ptr, starts[line - 1]) if src and 0 < line <= len(starts) else None
                phys = log.physical(path, line=hit[0] if hit else line, column=hit[1] if hit else None)
            elif path is not None:
                phys = log.physical(path, ptr)
            op = r.operation
            where = f"{qualified(op)} {f.location} {f.pointer or '/'}"
            text = f"{f.message} (at {f.location} {f.pointer or '/'} of {shown})"
            log.result(f.rule, "error" if f.severity == "error" else "warning", text,
                       identity=(op, f.location, f.pointer, scope), physical=phys,
                       logical=log.logical(f.pointer or "/", where),
                       properties={"payload": shown, "operation": op, "location": f.location,
                                   "pointer": f.pointer, "expected": f.expected, "actual": f.actual,
                                   "docs": f.source})
    sys.stdout.write(log.dumps())
