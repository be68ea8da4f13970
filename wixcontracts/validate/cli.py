"""``wixcontracts validate``: check payload files against the committed contracts.

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error / unknown operation /
unreadable input (one line naming the file, and the line and column where the text has them),
3 internal error.  Heavy modules (Python jsonschema) load only when a payload fails."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Any, Optional

import click

from ..cli import Arg, EnumChoice, Surface, app, console, fail, tsv_rows
from .render import emit_junit, emit_text
from .render import fmt_expected as _fmt_expected


class Format(str, Enum):
    text = "text"
    json = "json"
    tsv = "tsv"
    junit = "junit"
    sarif = "sarif"


EXCHANGE_FIELDS = ("method", "url", "headers", "body", "status", "response_body")


def _path_params(values: list[str] | None) -> dict[str, str] | None:
    if not values:
        return None
    out: dict[str, str] = {}
    for v in values:
        name, eq, value = v.partition("=")
        if not eq or not name.strip():
            fail(f"--path-param {v!r}: expected NAME=VALUE, e.g. --path-param bookingId=<id>")
        out[name.strip()] = value
    return out


def _accepts(fn, name: str) -> bool:
    import inspect

    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return False


@app.command("validate")
@click.argument("op", required=False,
                help="operation id or unique name, e.g. bookings.createBooking or createBooking", cls=Arg)
@click.argument("file", required=False,
                help="payload: a .json file, '-' for stdin, a directory of .json files or a .jsonl file", cls=Arg)
@click.option("--request", is_flag=True, help="FILE is a request body")
@click.option("--response", is_flag=True, help="FILE is a success response body")
@click.option("--error", is_flag=True, help="FILE is an error response body")
@click.option("--exchange", metavar="FILE", help="JSON {method, url, headers, body, status, response_body}")
@click.option("--status", type=click.IntRange(100, 599), help="HTTP status of the response")
@click.option("--path-param", multiple=True, metavar="NAME=VALUE",
              help="a path parameter of the request (repeat); checked against the path schema and the body")
@click.option("--surface", type=EnumChoice(Surface), default=Surface.rest.value, show_default=True)
@click.option("--strict", is_flag=True, help="undocumented response fields are errors")
@click.option("--allow-unknown", is_flag=True, help="undocumented request fields are warnings")
@click.option("--max-findings", type=click.IntRange(1, None), metavar="N",
              help="report at most N findings per payload")
@click.option("--format", "fmt", type=EnumChoice(Format), default=Format.text.value, show_default=True,
              help="text, json, tsv, junit or sarif")
@click.option("--event", metavar="FILE",
              help="a webhook delivery: the raw JWT body, its message, the domain event, or the entity with "
                   "--event-type")
@click.option("--public-key", metavar="PEM", help="verify a JWT delivery")
@click.option("--no-verify", is_flag=True, help="read a JWT delivery without checking its signature")
@click.option("--event-type", metavar="TYPE", help="the event of an entity alone")
def validate(
    op: Optional[str] = None,
    file: Optional[str] = None,
    request: bool = False,
    response: bool = False,
    error: bool = False,
    exchange: Optional[str] = None,
    status: Optional[int] = None,
    path_param: tuple[str, ...] = (),
    surface: Surface = Surface.rest,
    strict: bool = False,
    allow_unknown: bool = False,
    max_findings: Optional[int] = None,
    fmt: Format = Format.text,
    event: Optional[str] = None,
    public_key: Optional[str] = None,
    no_verify: bool = False,
    event_type: Optional[str] = None,
) -> None:
    """Validate a request, response, error or whole exchange (or a webhook delivery) against the contracts.

    Repeated keys in a payload are reported as duplicate-key warnings (the last value is the one checked)."""
    if event is not None or public_key is not None or no_verify or event_type is not None:
        from ..webhooks.cli import validate_event_command

        validate_event_command(event, other_args=any((op, file, request, response, error, exchange)),
                               public_key=public_key, no_verify=no_verify, event_type=event_type, fmt=fmt.value)
    from ..catalog import UnknownOperation
    from . import io
    from .engine import UsageError

    params = _path_params(path_param)
    if exchange is not None:
        if op is not None or file is not None:
            fail("--exchange FILE takes no OP or FILE argument")
        if request or response or error:
            fail("--exchange cannot be combined with --request/--response/--error")
        if params is not None:
            fail("--path-param applies to --request (an exchange's URL holds its path parameters)")
        target, kind = exchange, "exchange"
    else:
        kinds = [k for k, on in (("request", request), ("response", response), ("error", error)) if on]
        if len(kinds) != 1:
            fail("choose exactly one of --request, --response, --error (or use --exchange FILE)")
        if not op or not file:
            fail("usage: wixcontracts validate OP (--request|--response|--error) FILE|-")
        target, kind = file, kinds[0]
        if kind == "request" and status is not None:
            fail("--status applies to --response/--error")
        if kind != "request" and params is not None:
            fail("--path-param applies to --request")

    from .contracts import Contracts

    contracts = Contracts.load()
    name = None
    if kind != "exchange":
        try:
            name = contracts.operation(op)["id"]
        except UnknownOperation as e:
            fail(str(e))
    # TODO(lead): pass max_findings= once Contracts.validate_* accept it; until then the CLI trims the report
    limit = {"max_findings": max_findings} if max_findings and _accepts(contracts.validate_request, "max_findings") \
        else {}

    def run(payload: Any):
        if kind == "exchange":
            return _run_exchange(contracts, payload, strict, allow_unknown, limit)
        if kind == "request":
            return contracts.validate_request(name, payload, surface=surface.value, allow_unknown=allow_unknown,
                                              path_params=params, **limit)
        if kind == "response":
            return contracts.validate_response(name, payload, 200 if status is None else status,
                                               strict=strict, surface=surface.value, **limit)
        return contracts.validate_error(name, payload, status, strict=strict, surface=surface.value, **limit)

    def one(p) -> Any:
        if isinstance(p.value, io.InputError):
            return p.value
        if kind == "exchange":
            _check_exchange(p.value, p.label, target)
        try:
            r = run(p.value)
        except UnicodeEncodeError:  # the schema engine takes UTF-8 text only
            raise io.InputError(f"{p.label}: string at {io.surrogate_pointer(p.value) or '/'} is not valid Unicode "
                                "(an unpaired surrogate escape); the validator cannot check it") from None
        _add_duplicates(r, p.duplicates, kind)
        if max_findings and not limit:
            _trim(r, max_findings)
        return r

    results: list[tuple[str, Any]] = []  # (label, Result | InputError)
    batch = io.is_batch(target)
    try:
        if batch:
            from rich.progress import Progress

            entries = list(io.payloads(target))
            with Progress(console=console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as prog:
                task = prog.add_task("validating", total=len(entries))
                for p in entries:
                    try:
                        results.append((p.label, one(p)))
                    except io.InputError as e:  # this entry only; the batch goes on
                        results.append((p.label, e))
                    prog.advance(task)
        else:
            p = next(io.payloads(target))
            results.append((p.label, one(p)))
    except (io.InputError, UsageError, UnknownOperation) as e:
        fail(str(e))

    if fmt is Format.json:
        _emit_json(results, batch)
    elif fmt is Format.tsv:
        _emit_tsv(results)
    elif fmt is Format.junit:
        _emit_junit(results, kind, name, target)
    elif fmt is Format.sarif:
        _emit_sarif(results, kind, target, contracts)
    else:
        _emit_text(results, batch)
    if any(isinstance(r, io.InputError) for _, r in results):
        raise click.exceptions.Exit(2)
    raise click.exceptions.Exit(0 if all(r.ok for _, r in results) else 1)


def _trim(r, n: int) -> None:
    """At most ``n`` findings, errors first (the CLI's stand-in for ``max_findings=``)."""
    r.errors[:] = r.errors[:n]
    r.warnings[:] = r.warnings[:max(0, n - len(r.errors))]


# where a duplicate key of an --exchange file belongs: (finding location, pointer prefix to drop)
_EXCHANGE_DUP = {"body": ("request", "/body"), "response_body": ("response", "/response_body"),
                 "headers": ("header", "/headers")}


def _add_duplicates(r, pointers: list[str], kind: str) -> None:
    from .findings import Finding

    for ptr in pointers:
        location, inner = {"request": "request", "response": "response", "error": "response"}.get(kind), ptr
        if kind == "exchange":
            top = ptr.split("/")[1] if ptr.count("/") >= 2 else ""  # a repeated top-level field: the file itself
            location, prefix = _EXCHANGE_DUP.get(top, ("exchange", ""))
            inner = ptr[len(prefix):] if prefix and ptr != prefix else ptr
        r.add(Finding(pointer=inner, rule="duplicate-key", severity="warning", location=location,
                      message=f"key {ptr.rsplit('/', 1)[-1]!r} appears more than once in this object; "
                              "the last value is the one checked",
                      expected="unique keys", actual=None))


def _check_exchange(ex: dict, label: str, target: str) -> None:
    """The exchange file's own shape: each problem is an ``InputError`` naming the file, the field
    (a JSON pointer) and its line and column."""
    from urllib.parse import urlsplit

    from .io import InputError, read_bytes

    def bad(ptr: str, msg: str):
        where = ""
        if target != "-":
            try:
                from ..report.sarif import locate

                hit = locate(read_bytes(target).decode("utf-8-sig"), ptr)
                where = f" (line {hit[0]} column {hit[1]})" if hit else ""
            except Exception:  # noqa: BLE001 - locating is best effort
                where = ""
        raise InputError(f"{label}: {ptr}{where}: {msg}")

    def kind_of(v) -> str:
        return {list: "an array", dict: "an object", str: "a string", bool: "a boolean",
                type(None): "null", int: "a number", float: "a number"}.get(type(v), type(v).__name__)

    unknown = [k for k in ex if k not in EXCHANGE_FIELDS]
    if unknown:
        bad(f"/{unknown[0]}", f"unknown field {unknown[0]!r} (an exchange has {', '.join(EXCHANGE_FIELDS)})")
    for k in ("method", "url"):
        if k not in ex:
            raise InputError(f"{label}: exchange needs a {k!r} field (a string)")
        if not isinstance(ex[k], str) or not ex[k].strip():
            bad(f"/{k}", f"expected a non-empty string, got {kind_of(ex[k])}")
    import re

    if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", ex["method"]):
        bad("/method", f"not an HTTP method: {ex['method'][:40]!r}")
    url = ex["url"]
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as e:
        bad("/url", f"malformed URL {url[:80]!r}: {e}")
    if any(c.isspace() or ord(c) < 0x20 for c in url):
        bad("/url", f"malformed URL {url[:80]!r}: contains whitespace or control characters")
    if parts.scheme:
        if parts.scheme not in ("http", "https") or not parts.hostname:
            bad("/url", f"malformed URL {url[:80]!r}: expected http(s)://host/path or a path starting with /")
    elif not url.startswith("/"):
        bad("/url", f"malformed URL {url[:80]!r}: expected http(s)://host/path or a path starting with /")
    headers = ex.get("headers")
    if isinstance(headers, list):
        for i, pair in enumerate(headers):
            if not (isinstance(pair, list) and len(pair) == 2):
                bad(f"/headers/{i}", f"expected a [name, value] pair of strings, got {kind_of(pair)}")
            if not isinstance(pair[0], str) or not pair[0]:
                bad(f"/headers/{i}/0", f"header name must be a non-empty string, got {kind_of(pair[0])}")
            if not isinstance(pair[1], str):
                bad(f"/headers/{i}/1", f"header {pair[0]!r}: value must be a string, got {kind_of(pair[1])}")
    elif isinstance(headers, dict):
        for k, v in headers.items():
            if not isinstance(v, str):
                bad("/headers/" + k.replace("~", "~0").replace("/", "~1"),
                    f"header {k!r}: value must be a string, got {kind_of(v)}")
    elif headers is not None:
        bad("/headers", f"expected an object {{name: value}} or a list of [name, value] pairs, got {kind_of(headers)}")
    body = ex.get("body")
    if body is not None and not isinstance(body, dict):
        bad("/body", f"the request body must be a JSON object (or null for none), got {kind_of(body)}")
    status = ex.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
        bad("/status", f"expected an HTTP status (an integer 100-599), got {json.dumps(status)[:40]}")
    if "response_body" in ex and ex["response_body"] is not None and status is None:
        bad("/response_body", "a response body needs its 'status'")


def _run_exchange(contracts, ex: dict, strict: bool, allow_unknown: bool, limit: dict):
    headers = ex.get("headers") or {}
    if isinstance(headers, list):
        headers = {k: v for k, v in headers}
    return contracts.validate_exchange(ex["method"], ex["url"], headers, ex.get("body"), ex.get("status"),
                                       ex.get("response_body"), strict=strict, allow_unknown=allow_unknown, **limit)


# ---------------------------------------------------------------- output

def _emit_text(results, batch: bool) -> None:
    from .io import InputError

    emit_text(results, batch, unreadable=(InputError,))


TSV_COLUMNS = ("payload", "operation", "severity", "rule", "location", "pointer", "message", "expected", "actual",
               "source")


def _emit_tsv(results) -> None:
    """One row per finding (an unreadable payload is one ``input-error`` row)."""
    from .io import InputError

    rows = []
    for label, r in results:
        if isinstance(r, InputError):
            rows.append([label, "", "error", "input-error", "", "", str(r), "", "", ""])
            continue
        for f in r.findings:
            rows.append([label, r.operation or "", f.severity, f.rule, f.location, f.pointer or "/", f.message,
                         _fmt_expected(f.expected) if f.expected not in (None, "", []) else "", f.actual or "",
                         f.source or ""])
    sys.stdout.write(tsv_rows(TSV_COLUMNS, rows))


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
    from .io import InputError

    emit_junit(results, f"wixcontracts validate {kind}", unreadable=(InputError,),
               label=lambda lb: _shown(lb, target),
               classname=lambda r: str((r.operation if not isinstance(r, InputError) else None) or name or kind),
               error_text=lambda e, lb: _input_error_text(e, lb, target))


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
    "duplicate-key": "A key appears more than once in one JSON object",
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
