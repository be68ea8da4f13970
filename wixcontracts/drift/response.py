"""Response drift: observed responses (fixtures / a live run dir) and recorded webhook deliveries
(``.jwt`` bodies, ``.json`` messages: their payloads, side ``event``) compared with the contracts.

Kinds and severities (``breaking`` = a client written against the contract can break):

| kind                        | severity      | why                                                          |
|-----------------------------|---------------|--------------------------------------------------------------|
| undocumented-field          | informational | responses are open; tolerant readers ignore unknown fields    |
| undocumented-enum-value     | breaking      | enum decoders / exhaustive switches fail on a new value       |
| type-mismatch               | breaking      | e.g. int64 revision sent as a JSON number instead of a string |
| format-mismatch             | breaking      | date-time / uuid / int64 pattern no longer parses             |
| documented-never-present    | informational | documented field never seen (opt-in: ``absent=True``)         |
| undocumented-error-code     | breaking      | error handling keyed on applicationError.code misses it       |
| undocumented-http-status    | breaking      | status not documented for the operation (429/502/503/504:     |
|                             |               | informational, gateway-level)                                 |

Operations whose contract part is incomplete (``x-wix-incomplete`` response schema, or no errors
documented at all) are not walked / are downgraded to informational, so gaps in the docs do not
read as drift; they are listed in ``Analysis.notes``.
Findings are grouped per (operation, kind, pointer); ``count`` says how often, ``example`` shows one value.
"""

from __future__ import annotations

import re
import uuid as _uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from .model import BREAKING, INFORMATIONAL, DriftFinding, short
from ..validate.findings import json_type

_GATEWAY = {429, 502, 503, 504}
_DT = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@dataclass
class Observation:
    operation: str | None
    status: int
    body: Any
    method: str = ""
    url: str = ""
    where: str = ""


@dataclass
class Analysis:
    findings: list[DriftFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    observations: int = 0
    operations: dict[str, int] = field(default_factory=dict)


def _type_ok(v: Any, expected) -> bool:
    types = expected if isinstance(expected, list) else [expected]
    t = json_type(v)
    return t in types or (t == "integer" and "number" in types)


def _format_ok(v: str, fmt: str) -> bool:
    if fmt == "date-time":
        if not _DT.match(v):
            return False
        try:
            datetime.fromisoformat(v.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return False
        return True
    if fmt == "uuid":
        try:
            _uuid.UUID(v)
        except ValueError:
            return False
        return True
    return True  # formats we do not check


class _Walker:
    """Walks one schema document (with its own ``$defs``) along observed values."""

    def __init__(self, op: str, schema: dict, file: str, sink, page: str | None, side: str = "response"):
        self.op, self.root, self.file, self.sink, self.page, self.side = op, schema, file, sink, page, side
        self.objects: dict[str, tuple[dict, int]] = {}  # pointer -> (object schema, times seen)
        self.present: dict[str, set[str]] = {}

    def resolve(self, node: dict) -> dict:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 50:
            ref = node["$ref"]
            extra = {k: v for k, v in node.items() if k != "$ref"}
            if not ref.startswith("#/"):
                break
            target: Any = self.root
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node = {**target, **{k: v for k, v in extra.items() if k == "x-wix-source"}}
            seen += 1
        return node

    def emit(self, kind, severity, ptr, message, value, node):
        self.sink(DriftFinding(self.op, kind, severity, ptr or "/", message, short(value), self.side,
                               self.file, (node or {}).get("x-wix-source") or self.page))

    def walk(self, value: Any, node: dict, ptr: str = "") -> None:
        node = self.resolve(node)
        if not isinstance(node, dict) or not node:
            return
        alts = node.get("anyOf") or node.get("oneOf")
        if alts and "type" not in node and not node.get("x-wix-one-of"):
            alts = [self.resolve(a) for a in alts]
            fit = next((a for a in alts if "type" not in a or _type_ok(value, a["type"])), None)
            if fit is None:
                self.emit("type-mismatch", BREAKING, ptr,
                          f"expected {' or '.join(str(a.get('type')) for a in alts)}, got {json_type(value)}",
                          value, node)
                return
            node = {**fit, **{k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}}
        expected = node.get("type")
        if expected is not None and not _type_ok(value, expected):
            self.emit("type-mismatch", BREAKING, ptr, f"expected {expected}, got {json_type(value)}"
                      + (" (int64 fields are JSON strings)" if node.get("x-wix-int64") else ""), value, node)
            return
        if "enum" in node and value not in node["enum"]:
            self.emit("undocumented-enum-value", BREAKING, ptr,
                      f"value {short(value)} is not one of the documented {len(node['enum'])} values", value, node)
        if isinstance(value, str):
            if node.get("format") and not _format_ok(value, node["format"]):
                self.emit("format-mismatch", BREAKING, ptr, f"not a valid {node['format']}", value, node)
            elif node.get("pattern") and not re.search(node["pattern"], value):
                what = "int64 digit string" if node.get("x-wix-int64") else f"pattern {node['pattern']}"
                self.emit("format-mismatch", BREAKING, ptr, f"not a valid {what}", value, node)
        if isinstance(value, dict):
            props = dict(node.get("properties") or {})
            for sub in node.get("allOf") or []:
                props.update((self.resolve(sub) or {}).get("properties") or {})
            if "properties" not in node and not props:
                return  # free-form object (map / struct): nothing documented to compare
            prev = self.objects.get(ptr, (node, 0))
            self.objects[ptr] = (node, prev[1] + 1)
            seen = self.present.setdefault(ptr, set())
            for k, v in value.items():
                seen.add(k)
                sub_ptr = f"{ptr}/{k}"
                if k in props:
                    self.walk(v, props[k], sub_ptr)
                else:
                    self.emit("undocumented-field", INFORMATIONAL, sub_ptr,
                              f"field '{k}' is not documented here", v, node)
        elif isinstance(value, list):
            items = node.get("items")
            if isinstance(items, dict):
                for v in value:
                    self.walk(v, items, f"{ptr}/*")

    def absent(self) -> Iterable[DriftFinding]:
        for ptr, (node, n) in sorted(self.objects.items()):
            for k, sub in (node.get("properties") or {}).items():
                if k not in self.present.get(ptr, set()):
                    yield DriftFinding(self.op, "documented-never-present", INFORMATIONAL, f"{ptr}/{k}",
                                       f"documented field '{k}' never present in {n} observed object(s)", None,
                                       self.side, self.file, (sub or {}).get("x-wix-source") or self.page)


class ResponseDrift:
    def __init__(self, contracts=None):
        if contracts is None:
            from ..validate import Contracts

            contracts = Contracts.load()
        self.contracts = contracts
        self.catalog = contracts.catalog
        self.walkers: dict[str, _Walker] = {}
        self.result = Analysis()
        self._index: dict[tuple, DriftFinding] = {}
        self._where = ""  # the observation being compared (evidence of new findings)

    def _add(self, f: DriftFinding) -> None:
        k = f.key()
        if k in self._index:
            self._index[k].count += 1
        else:
            f.evidence = f.evidence or self._where or None
            self._index[k] = f
            self.result.findings.append(f)

    def _note(self, text: str) -> None:
        if text not in self.result.notes:
            self.result.notes.append(text)

    def observe(self, obs: Observation) -> None:
        name = obs.operation
        if not name and obs.method and obs.url:
            hit = self.contracts.route(obs.method, obs.url)
            name = hit[0] if hit else None
        if name and name not in self.catalog.operations:  # a bare name (fixtures recorded before ids were qualified)
            try:
                name = self.catalog.resolve(name)
            except KeyError:  # UnknownOperation / AmbiguousOperation
                pass
        if not name or name not in self.catalog.operations:
            self._note(f"{obs.where or obs.url}: no documented operation; not compared")
            return
        op = self.catalog.operations[name]
        self._where = obs.where
        self.result.observations += 1
        self.result.operations[name] = self.result.operations.get(name, 0) + 1
        if 200 <= int(obs.status) < 300:
            self._success(op, obs)
        else:
            self._error(op, obs)

    def observe_delivery(self, d: "DeliveryObservation") -> None:
        """A recorded webhook delivery: its payload against the event's payload schema (response rules)."""
        cat = self.catalog
        entry = next((e for e in cat.events.values() if e["event_type"] == d.event_type), None)
        if entry is None:
            self._note(f"{d.where}: event type {d.event_type!r} is not in the contracts; not compared")
            return
        name = entry["id"]
        self._where = d.where
        self.result.observations += 1
        self.result.operations[name] = self.result.operations.get(name, 0) + 1
        rel = entry["schemas"].get("payload")
        if not rel or d.payload is None:
            return
        w = self.walkers.get(name)
        if w is None:
            w = self.walkers[name] = _Walker(name, cat.event_schema(name, "payload"), rel, self._add,
                                             entry.get("source"), side="event")
        w.walk(d.payload, w.root, "")

    def _success(self, op: dict, obs: Observation) -> None:
        name = op["id"]
        try:
            schema = self.catalog.schema(name, "response", "rest")
        except KeyError:
            self._note(f"{name}: no response schema; responses not compared")
            return
        if schema.get("x-wix-incomplete"):
            self._note(f"{name}: response contract incomplete ({'; '.join(schema['x-wix-incomplete'])}); "
                       "responses not compared")
            return
        w = self.walkers.get(name)
        if w is None:
            w = self.walkers[name] = _Walker(name, schema, op["schemas"]["rest"]["response"], self._add, op.get("page"))
        w.walk(obs.body, schema, "")

    def _error(self, op: dict, obs: Observation) -> None:
        name, status = op["id"], int(obs.status)
        errors = op.get("errors") or []
        file = (op["schemas"].get("rest") or {}).get("error")
        incomplete = not errors
        sev = INFORMATIONAL if incomplete else BREAKING
        if incomplete:
            self._note(f"{name}: no errors documented; error findings are informational")
        body = obs.body if isinstance(obs.body, dict) else {}
        details = body.get("details") if isinstance(body.get("details"), dict) else {}
        app = details.get("applicationError") if isinstance(details.get("applicationError"), dict) else None
        code = app.get("code") if app else None
        statuses = sorted({int(e["http"]) for e in errors})
        by_code = {e["code"]: e for e in errors}
        if status not in statuses and not (status == 400 and "validationError" in details):
            self._add(DriftFinding(name, "undocumented-http-status", INFORMATIONAL if status in _GATEWAY else sev,
                                   f"/status/{status}", f"HTTP {status} is not documented (documented: "
                                   f"{', '.join(map(str, statuses)) or 'none'})", short(code or status), "error",
                                   file, op.get("page")))
        if code is not None:
            if code not in by_code:
                self._add(DriftFinding(name, "undocumented-error-code", sev, "/details/applicationError/code",
                                       f"error code {code} (HTTP {status}) is not documented", short(code), "error",
                                       file, op.get("page")))
            elif int(by_code[code]["http"]) != status and status in statuses:
                self._add(DriftFinding(name, "undocumented-http-status", sev, f"/status/{status}",
                                       f"{code} documented with HTTP {by_code[code]['http']}, observed {status}",
                                       short(code), "error", file, by_code[code].get("source")))

    def finish(self, absent: bool = False) -> Analysis:
        self._where = ""  # an absent field has no observation to point at
        if absent:
            for w in self.walkers.values():
                for f in w.absent():
                    self._add(f)
        self.result.findings.sort(key=lambda f: (f.operation or "", f.severity != BREAKING, f.kind, f.pointer))
        return self.result


@dataclass
class DeliveryObservation:
    """A recorded webhook delivery, decoded (signature not checked: drift is about shapes)."""

    event_type: str | None
    payload: Any
    where: str = ""


DELIVERY_SUFFIXES = (".jwt", ".txt")


def _delivery_message(p: Path) -> dict | None:
    """The message of a delivery file: a ``.jwt`` / ``.txt`` file (the raw body Wix POSTs) or a ``.json``
    file holding the message (``{eventType, data, ...}``); None for anything else (a fixture)."""
    import json

    from ..webhooks.layers import is_message

    try:
        if p.stat().st_size > 16 * 1024 * 1024:
            return None
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if p.suffix == ".json":
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if is_message(value) else None
    from ..webhooks.errors import WebhookError
    from ..webhooks.jwt import decode_unverified

    try:
        _, claims = decode_unverified(text.strip())
        value = json.loads(claims["data"]) if isinstance(claims.get("data"), str) else None
    except (WebhookError, ValueError, KeyError):
        return None
    return value if is_message(value) else None


def deliveries_from(path: Path) -> tuple[list[DeliveryObservation], list[str], set[Path]]:
    """Recorded webhook deliveries under ``path`` (``.jwt`` / ``.txt`` bodies, ``.json`` messages): the
    observations, what could not be read, and the files taken (so they are not read as fixtures)."""
    from ..webhooks.delivery import unwrap_layers
    from ..webhooks.errors import WebhookError

    path = Path(path)
    files = [path] if path.is_file() else sorted(
        p for p in path.rglob("*") if p.is_file() and p.suffix in (".json", *DELIVERY_SUFFIXES))
    out, skipped, taken = [], [], set()
    for p in files:
        message = _delivery_message(p)
        if message is None:
            if p.suffix in DELIVERY_SUFFIXES:
                skipped.append(f"{p}: not a webhook delivery (no JWT with a message)")
                taken.add(p)
            continue
        taken.add(p)
        try:
            d = unwrap_layers(message)
        except WebhookError as exc:
            skipped.append(f"{p}: {exc}")
            continue
        out.append(DeliveryObservation(d.event_type, d.payload, str(p)))
    return out, skipped, taken


def observations_from(path: Path, exclude: set[Path] | None = None) -> tuple[list[Observation], list[str]]:
    """Fixture files under a fixtures dir, or under RUN_DIR/fixtures for a live run dir."""
    from ..fixtures.format import FixtureError, load

    path = Path(path)
    if (path / "fixtures").is_dir():
        path = path / "fixtures"
    files = [path] if path.is_file() else sorted(path.rglob("*.json"))
    files = [p for p in files if p not in (exclude or set())]
    obs, skipped = [], []
    for p in files:
        try:
            fx = load(p)
        except FixtureError as e:
            skipped.append(str(e))
            continue
        for i, it in enumerate(fx.interactions):
            obs.append(Observation(it.operation, int(it.response.get("status", 0)), it.response.get("body"),
                                   it.request.get("method", ""), it.request.get("url", ""), f"{p}#{i}"))
    return obs, skipped


def analyse(observations: Iterable[Observation], contracts=None, absent: bool = False,
            deliveries: Iterable[DeliveryObservation] = ()) -> Analysis:
    d = ResponseDrift(contracts)
    for o in observations:
        d.observe(o)
    for e in deliveries:
        d.observe_delivery(e)
    return d.finish(absent)


def analyse_path(path: Path, contracts=None, absent: bool = False) -> Analysis:
    """Fixtures (responses) and recorded webhook deliveries under ``path``."""
    deliveries, dskipped, taken = deliveries_from(path)
    obs, skipped = observations_from(path, taken)
    res = analyse(obs, contracts, absent, deliveries)
    res.notes.extend(f"skipped: {s}" for s in skipped + dskipped)
    return res
