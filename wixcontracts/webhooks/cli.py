"""Commands for the Wix -> integrator direction.

* ``wixcontracts validate --event FILE`` (the ``--event`` options live on ``validate``; the work is
  :func:`validate_event_command`): a delivery -- the raw JWT body, the message, the domain event,
  or the entity alone with ``--event-type`` -- unwrapped layer by layer and checked against the
  committed event schemas.
* ``wixcontracts webhook list|key|build|send``: the catalog's events, the test key pair, a signed
  delivery on stdout, a delivery POSTed to a handler with its status and latency checked.
* ``wixcontracts spi test SERVICE --url URL``: Wix-shaped calls to a service-plugin implementation,
  its answers checked against the response schemas.

Exit codes: 0 ok, 1 invalid / failed, 2 usage error or unreadable input (one line, no traceback).
Imports are lazy: PyJWT and cryptography load only when a token is signed or verified.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import click

from ..cli import Arg, EnumChoice, _console, plain_rows, stdout_is_tty, sub_app

webhook_app = sub_app("webhook", "Webhook events Wix delivers: list them, sign and send test deliveries.")
spi_app = sub_app("spi", "Service plugins Wix calls: test an implementation against the contracts.")

EVENT_SUFFIXES = (".json", ".jwt", ".txt")


def _fail(msg: str, code: int = 2):
    from rich.markup import escape

    _console(stderr=True).print(f"[red]error:[/] {escape(msg)}", soft_wrap=True)
    raise click.exceptions.Exit(code)


class Fmt(str, Enum):
    text = "text"
    json = "json"


class ValidateFmt(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    sarif = "sarif"


# ------------------------------------------------------------------ validate --event


class InputProblem(Exception):
    """One file that cannot be checked (unreadable, bad key, malformed token ...)."""


def _read_key(spec: str) -> str:
    """PEM text from ``--public-key``: a file path, or the PEM itself."""
    text = spec.strip()
    if text.startswith("-----BEGIN"):
        return text
    p = Path(spec).expanduser()
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputProblem(f"--public-key {spec}: no such file (give a PEM file or the PEM text)") from None
    except OSError as exc:
        raise InputProblem(f"--public-key {spec}: cannot read ({exc.strerror or exc})") from None
    if len(data) > 64 * 1024 or b"\x00" in data[:1024]:
        raise InputProblem(f"--public-key {spec}: not a PEM file")
    return data.decode("utf-8", errors="replace")


def event_inputs(target: str) -> list[tuple[str, Any]]:
    """(label, text or InputProblem) for a file, ``-`` or a folder of ``.json`` / ``.jwt`` / ``.txt`` files."""
    from ..validate import io

    p = Path(target)
    if target != "-" and p.is_dir():
        files = sorted(q for q in p.iterdir() if q.is_file() and q.suffix in EVENT_SUFFIXES)
        if not files:
            raise InputProblem(f"{p}: folder holds no {', '.join(EVENT_SUFFIXES)} files")
        return [(str(q), _read_one(str(q), io)) for q in files]
    return [("<stdin>" if target == "-" else target, _read_one(target, io, single=True))]


def _read_one(path: str, io, single: bool = False):
    name = "<stdin>" if path == "-" else path
    try:
        text = io.decode(io.read_bytes(path), name, "a webhook delivery")
    except io.InputError as exc:
        if single:
            raise InputProblem(str(exc)) from None
        return InputProblem(str(exc))
    if not text.strip():
        problem = InputProblem(f"{name}: empty input, expected a webhook delivery (JWT text or JSON)")
        if single:
            raise problem
        return problem
    return text


def check_event_text(text: str, label: str, *, lookup, public_key: str | None, verify: bool,
                     event_type: str | None):
    """The validation Result of one delivery text; an InputProblem for what is not a delivery at all."""
    from ..validate.findings import Result
    from .errors import WebhookError
    from .validate import validate_event

    stripped = text.strip()
    is_json = stripped[:1] in ("{", "[")
    if not is_json and verify and public_key is None:
        raise InputProblem(f"{label}: a raw JWT delivery needs --public-key PEM (your app's public key) "
                           "or --no-verify")
    try:
        raw: Any = stripped
        if is_json:
            try:
                raw = json.loads(stripped)
            except ValueError as exc:
                raise InputProblem(f"{label}: not valid JSON ({exc})") from None
        result: Result = validate_event(lookup, raw, public_key=public_key, verify=verify and not is_json,
                                        event_type=event_type, check_expiry=False)
    except WebhookError as exc:
        raise InputProblem(f"{label}: {exc}") from None
    return result


def validate_event_command(target: Optional[str], *, other_args: bool, public_key: Optional[str], no_verify: bool,
                           event_type: Optional[str], fmt: str) -> None:
    """``wixcontracts validate --event FILE``; raises click.exceptions.Exit with 0 / 1 / 2."""
    if target is None:
        _fail("--public-key, --no-verify and --event-type go with --event FILE")
    if other_args:
        _fail("--event FILE takes no OP/FILE argument and no --request/--response/--error/--exchange")
    if public_key and no_verify:
        _fail("choose one of --public-key PEM and --no-verify")
    from ..catalog import Catalog, UnknownOperation

    cat = Catalog()
    full_type = None
    if event_type:
        try:
            full_type = cat.event(event_type)["event_type"]
        except UnknownOperation as exc:
            _fail(str(exc))
    try:
        pem = _read_key(public_key) if public_key else None
        inputs = event_inputs(target)
    except InputProblem as exc:
        _fail(str(exc))
    from .validate import EventContracts

    contracts = EventContracts(cat.event_schema_by_type)
    results: list[tuple[str, Any]] = []
    for label, text in inputs:
        if isinstance(text, InputProblem):
            results.append((label, text))
            continue
        try:
            results.append((label, check_event_text(text, label, lookup=contracts, public_key=pem,
                                                    verify=not no_verify, event_type=full_type)))
        except InputProblem as exc:
            if len(inputs) == 1:
                _fail(str(exc))
            results.append((label, exc))
    batch = len(inputs) > 1 or (target != "-" and Path(target).is_dir())
    if fmt == "json":
        _json(results, batch)
    elif fmt == "junit":
        _junit(results)
    elif fmt == "sarif":
        _sarif(results, target)
    else:
        _text(results, batch)
    if any(isinstance(r, InputProblem) for _, r in results):
        raise click.exceptions.Exit(2)
    raise click.exceptions.Exit(0 if all(r.ok for _, r in results) else 1)


def _shown(label: str) -> str:
    from ..report.sarif import display_path

    return label if label == "<stdin>" else display_path(label, ".")


def _text(results, batch: bool) -> None:
    from ..validate.render import emit_text

    emit_text(results, batch, unreadable=(InputProblem,), subject="delivery", title="webhook deliveries",
              operation_column="event", place=lambda f: f.pointer or "/", label=_shown)


def _json(results, batch: bool) -> None:
    out = []
    for label, r in results:
        if isinstance(r, InputProblem):
            out.append({"delivery": _shown(label), "ok": False, "input_error": str(r)})
        else:
            d = r.to_dict()
            d["event_type"] = d.pop("operation")
            out.append({"delivery": _shown(label), **d})
    sys.stdout.write(json.dumps(out if batch else out[0], indent=2, ensure_ascii=False, default=str) + "\n")


def _junit(results) -> None:
    from ..validate.render import emit_junit

    emit_junit(results, "wixcontracts validate event", unreadable=(InputProblem,), label=_shown,
               classname=lambda r: "webhook" if isinstance(r, InputProblem) else r.operation or "webhook",
               place=lambda f: f.pointer or "/")


def _sarif(results, target: str) -> None:
    """Findings inside a JWT or a JSON-text layer have no line in the file: the file plus a logical
    location (the layered pointer); a JSON file's own top-level fields get their line."""
    from ..report.sarif import Log

    log = Log(root=Path.cwd(), category="wixcontracts-validate-event/")
    for label, r in results:
        shown = _shown(label)
        path = None if label == "<stdin>" else label
        if isinstance(r, InputProblem):
            log.rule("input-error", "Delivery could not be read")
            log.result("input-error", "error", str(r), identity=("", "input", "", shown),
                       physical=log.physical(path) if path else None, logical=log.logical(shown, shown, "resource"))
            continue
        for f in r.findings:
            log.rule(f.rule, f"Webhook delivery: {f.rule}")
            phys = None
            if path is not None:
                src = log.source(path)
                hit = src.locate(f.pointer) if src is not None and f.pointer else None
                phys = log.physical(path, f.pointer) if hit else log.physical(path)
            log.result(f.rule, "error" if f.severity == "error" else "warning",
                       f"{f.message} (at {f.pointer or '/'} of {shown})",
                       identity=(r.operation, "webhook", f.pointer, shown), physical=phys,
                       logical=log.logical(f.pointer or "/", f"{r.operation or '?'} {f.pointer or '/'}"),
                       properties={"delivery": shown, "eventType": r.operation, "pointer": f.pointer,
                                   "expected": f.expected, "actual": f.actual, "docs": f.source})
    sys.stdout.write(log.dumps())


# ------------------------------------------------------------------ webhook list / key / build / send


@webhook_app.command("list")
@click.option("--service", help="only this service (e.g. bookings)")
@click.option("--format", "fmt", type=EnumChoice(Fmt), default=Fmt.text.value, show_default=True, help="text or json")
def list_events(
    service: Optional[str] = None,
    fmt: Fmt = Fmt.text,
) -> None:
    """Every webhook event of the pinned packages: name, event type, kind, payload type, service."""
    from ..catalog import Catalog, UnknownService

    cat = Catalog()
    try:
        rows = cat.events_of(service) if service else list(cat.events.values())
    except UnknownService as exc:
        _fail(str(exc))
    if fmt is Fmt.json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    cols = ("event", "event type", "kind", "payload", "service")
    table = [[e["name"], e["event_type"], e["kind"] + (" (deprecated)" if e.get("deprecated") else ""),
              e["payload_type"] or "-", e["service"]] for e in rows]
    if not stdout_is_tty():  # whole rows for grep and cut, never wrapped
        sys.stdout.write(plain_rows(cols, table))
        return
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=f"{len(rows)} webhook events", show_lines=False)
    for c in cols:
        t.add_column(c, overflow="fold")
    for row in table:
        t.add_row(*map(escape, row))
    _console().print(t)


@webhook_app.command("key")
@click.option("--path", is_flag=True, help="print the public key file's path instead of the PEM")
def key(
    path: bool = False,
) -> None:
    """The test key pair deliveries are signed with (kept in the user cache, never in a repository):
    the public PEM on stdout (give it to the handler under test), the file paths on stderr."""
    from .errors import WebhookError
    from .keys import cached_key_pair

    try:
        pair = cached_key_pair()
    except WebhookError as exc:
        _fail(str(exc))
    except ImportError as exc:
        _fail(f"{exc.name or 'cryptography'} is not installed: pip install 'wixcontracts[webhooks]'")
    if path:
        print(pair.public_path or "")
        return
    _console(stderr=True).print(f"[dim]public key: {pair.public_path}  (private key, mode 0600: {pair.private_path})[/]",
                                soft_wrap=True)
    sys.stdout.write(pair.public_pem)


def _entity(entity: Optional[Path]):
    if entity is None:
        return None
    from ..validate import io

    try:
        return io.load(str(entity), want_object=False)
    except io.InputError as exc:
        _fail(f"--entity: {exc}")


def _make(event: str, entity: Optional[Path], instance_id: str, form: str, seed: int):
    from .deliver import make_delivery
    from .errors import WebhookError

    try:
        return make_delivery(event, _entity(entity), instance_id=instance_id, form=form, seed=seed)
    except WebhookError as exc:
        _fail(str(exc))
    except ImportError as exc:
        _fail(f"{exc.name or 'PyJWT'} is not installed: pip install 'wixcontracts[webhooks]'")


class Form(str, Enum):
    json_string = "json-string"
    object = "object"


def _delivery_params(command):
    """The event and the options that make its delivery, shared by ``webhook build`` and ``webhook send``."""
    params = (
        click.argument("event", help="event name or type: booking_created, wix.bookings.v2.booking_created", cls=Arg),
        click.option("--entity", type=click.Path(path_type=Path),
                     help="the entity / action body as JSON (default: generated)"),
        click.option("--instance-id", help="app instance ID (default: a fixed test ID)"),
        click.option("--form", type=EnumChoice(Form), default=Form.json_string.value, show_default=True,
                     help="body as JSON text (entityAsJson ...) or as an object"),
        click.option("--seed", type=int, default=0, show_default=True, help="seed of the generated entity"),
    )
    for param in reversed(params):  # the first one listed first
        command = param(command)
    return command


@webhook_app.command("build")
@_delivery_params
@click.option("--layers", is_flag=True, help="print the decoded layers (JSON) instead of the JWT")
def build_cmd(
    event: str,
    entity: Optional[Path] = None,
    instance_id: Optional[str] = None,
    form: Form = Form.json_string,
    seed: int = 0,
    layers: bool = False,
) -> None:
    """A signed delivery (the JWT text Wix POSTs) on stdout, nothing sent."""
    from .deliver import DEFAULT_INSTANCE_ID

    token, delivery = _make(event, entity, instance_id or DEFAULT_INSTANCE_ID, form.value, seed)
    if layers:
        sys.stdout.write(json.dumps(delivery.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(token + "\n")


@webhook_app.command("send")
@_delivery_params
@click.option("--to", required=True, help="the handler's URL, e.g. http://127.0.0.1:8000/webhooks")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="seconds to wait for the answer")
@click.option("--save", type=click.Path(path_type=Path), help="also write the JWT sent to this file")
@click.option("--i-own-this-endpoint", is_flag=True, help="allow a target outside the loopback range")
def send(
    event: str,
    to: str,
    entity: Optional[Path] = None,
    instance_id: Optional[str] = None,
    form: Form = Form.json_string,
    seed: int = 0,
    timeout: float = 10.0,
    save: Optional[Path] = None,
    i_own_this_endpoint: bool = False,
) -> None:
    """POST a signed delivery to a handler; exit 0 when it answers 2xx within the deadline (1250 ms)."""
    from ..fuzz_target import is_loopback
    from .deliver import DEFAULT_INSTANCE_ID, DeliveryResult, post

    _check_url(to, i_own_this_endpoint, is_loopback, "--i-own-this-endpoint")
    token, delivery = _make(event, entity, instance_id or DEFAULT_INSTANCE_ID, form.value, seed)
    if save is not None:
        try:
            save.write_text(token + "\n", encoding="ascii")
        except OSError as exc:
            _fail(f"--save {save}: cannot write ({exc.strerror or exc})")
    status, ms, body, headers, error, label = post(to, token, timeout=timeout, kind="url")
    result = DeliveryResult(status=status, elapsed_ms=ms, body=body, delivery=delivery, target=label, error=error,
                            headers=headers)
    from rich.markup import escape

    colour = "green" if result.ok else "red"
    _console().print(f"[{colour}]{escape(result.summary())}[/]", soft_wrap=True)
    raise click.exceptions.Exit(0 if result.ok else 1)


def _check_url(url: str, allowed: bool, is_loopback, flag: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        _fail(f"not an http(s) URL: {url}")
    if not is_loopback(url) and not allowed:
        _fail(f"{parts.hostname} is not a loopback address; pass {flag} for an endpoint you own")


# ------------------------------------------------------------------ spi test


@spi_app.command("test")
@click.argument("service", help="service-plugin service, e.g. pricing-provider, bookings-validation", cls=Arg)
@click.option("--url", required=True, help="base URL of the implementation; each method's path is appended")
@click.option("--method", multiple=True, help="only this method (repeat)")
@click.option("--examples", type=click.IntRange(1, 1000), default=5, show_default=True, help="requests per method")
@click.option("--app-id", help="the JWT audience (your app ID; default: a test ID)")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="seconds to wait for each answer")
@click.option("--format", "fmt", type=EnumChoice(Fmt), default=Fmt.text.value, show_default=True, help="text or json")
@click.option("--i-own-this-endpoint", is_flag=True, help="allow a target outside the loopback range")
def spi_test(
    service: str,
    url: str,
    method: tuple[str, ...] = (),
    examples: int = 5,
    app_id: Optional[str] = None,
    timeout: float = 10.0,
    fmt: Fmt = Fmt.text,
    i_own_this_endpoint: bool = False,
) -> None:
    """Send Wix-shaped, signed calls to a service-plugin implementation and check every answer against
    the method's response schema; exit 1 on any finding."""
    from ..catalog import Catalog, UnknownOperation, UnknownService
    from ..fuzz_target import is_loopback
    from .errors import WebhookError
    from .spi import SpiError, run_spi

    _check_url(url, i_own_this_endpoint, is_loopback, "--i-own-this-endpoint")
    cat = Catalog()
    try:
        report = run_spi(url, service, methods=method, examples=examples, app_id=app_id, timeout=timeout, catalog=cat)
    except (SpiError, WebhookError, UnknownService, UnknownOperation) as exc:
        _fail(str(exc))
    except ImportError as exc:
        _fail(f"{exc.name or 'PyJWT'} is not installed: pip install 'wixcontracts[webhooks]'")
    if fmt is Fmt.json:
        sys.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        _spi_text(report)
    raise click.exceptions.Exit(0 if report.ok else 1)


def _spi_text(report) -> None:
    from rich.markup import escape

    con = _console()
    con.soft_wrap = True
    for call in report.calls:
        colour = "green" if call.ok else "red"
        got = f"status {call.status}" if call.status is not None else "no answer"
        con.print(f"[{colour}]{'ok' if call.ok else 'FAILED'}[/] {escape(call.method_id)} #{call.example} "
                  f"{escape(call.url)}: {got} in {call.elapsed_ms:.0f} ms")
        for f in call.findings:
            c = "red" if f.severity == "error" else "yellow"
            con.print(f"    [{c}]{f.severity}[/] [{c}]{f.rule}[/] {escape(f.pointer or '/')}: {escape(f.message)}")
    n_bad = sum(1 for c in report.calls if not c.ok)
    con.print(f"{len(report.calls) - n_bad}/{len(report.calls)} calls ok, "
              f"{sum(len(c.errors) for c in report.calls)} error(s) across {len(report.methods)} method(s)")

