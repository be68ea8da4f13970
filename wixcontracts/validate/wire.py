"""The request message of an HTTP request, read the way Wix's REST gateway reads it.

The gateway transcodes HTTP into an RPC call of one request message (see ``wixcontracts.emit.wire``):

* **path**: the URL template binds fields of the message (``{bookingId}``, nested ``{service.id}``);
* **body**: POST, PATCH and PUT carry the message as JSON;
* **query**: GET and DELETE carry it as query parameters: a dotted name is a nested field (``paging.limit=5``),
  a repeated key an array (``fields=A&fields=B``), values are converted to the field's type (integers,
  booleans, enums; int64 stays a digit string); ``.r`` carries the whole message as base64url JSON (the
  official client uses it when the message does not fit in plain parameters);
* **names**: proto3 JSON parsers accept a field's original proto name (``create_bookings_info``) as well as
  its lowerCamelCase JSON name (``createBookingsInfo``): both map to one field (``non-canonical-name``
  warning); the same field under both names is an error (``duplicate-name``);
* a field the path binds may be repeated in the body or the query (the official client does both); it must
  equal the path's value (``path-param-mismatch``).

Findings about the query use location ``query`` and a JSON pointer into the message the query spells
(``paging.limit=x`` -> ``/paging/limit``; the second ``fields`` -> ``/fields/1``).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import parse_qsl

from .findings import Finding, pointer, short_repr

QUERY_METHODS = frozenset({"GET", "DELETE"})
R_PARAM = ".r"
_INT = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass
class WireRequest:
    """One request as the gateway reads it."""

    message: Any  # the request message from the body and/or the query (canonical names), without the path
    full: Any  # ``message`` with the path's fields set: what the server acts on
    origin: dict[str, str] = field(default_factory=dict)  # top-level field -> "request" (body) | "query"
    findings: list[Finding] = field(default_factory=list)

    def location(self, ptr: str) -> str:
        """The location of a finding at ``ptr`` of the message: where that top-level field came from."""
        first = ptr.split("/")[1].replace("~1", "/").replace("~0", "~") if ptr.startswith("/") else ""
        return self.origin.get(first, "request")


def to_camel(name: str) -> str:
    """A proto field name's JSON name: ``create_bookings_info`` -> ``createBookingsInfo``."""
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


# ------------------------------------------------------------------ schema navigation

class Shapes:
    """Read-only navigation of a bundled request schema: the properties of an object node (through
    ``$ref`` and ``allOf``), array items, and the scalar kind of a leaf."""

    def __init__(self, root: dict):
        self.root = root

    def resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") \
                and seen < 32:
            target: Any = self.root
            for part in node["$ref"][2:].split("/"):
                target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
            node, seen = target, seen + 1
        return node

    def properties(self, node: Any) -> dict | None:
        node = self.resolve(node)
        if not isinstance(node, dict):
            return None
        props = dict(node.get("properties") or {}) if isinstance(node.get("properties"), dict) else None
        for sub in node.get("allOf") or []:
            more = self.properties(sub)
            if more:
                props = {**(props or {}), **more}
        return props

    def items(self, node: Any) -> Any:
        node = self.resolve(node)
        return node.get("items") if isinstance(node, dict) else None

    def kind(self, node: Any) -> str:
        """``int64`` | ``integer`` | ``number`` | ``boolean`` | ``string`` | ``array`` | ``object`` | ``any``."""
        node = self.resolve(node)
        if not isinstance(node, dict):
            return "any"
        if node.get("x-wix-int64"):
            return "int64"
        t = node.get("type")
        if isinstance(t, str):
            return t
        if "properties" in node:
            return "object"
        for sub in node.get("anyOf") or node.get("allOf") or []:
            k = self.kind(sub)
            if k != "any":
                return k
        return "any"


# ------------------------------------------------------------------ names

def normalize_names(value: Any, node: Any, shapes: Shapes, location: str, ptr: tuple = (),
                    findings: list[Finding] | None = None) -> Any:
    """``value`` with proto (snake_case) names renamed to the JSON names the schema declares, at any depth."""
    findings = [] if findings is None else findings
    if isinstance(value, list):
        items = shapes.items(node)
        return [normalize_names(v, items, shapes, location, ptr + (i,), findings) for i, v in enumerate(value)]
    if not isinstance(value, dict):
        return value
    props = shapes.properties(node)
    if props is None:
        return value
    out: dict = {}
    for k, v in value.items():
        name = k
        if k not in props and "_" in k and not k.startswith("_"):
            camel = to_camel(k)
            if camel in props:
                name = camel
                if camel in value:
                    findings.append(Finding(pointer=pointer(ptr + (k,)), rule="duplicate-name", location=location,
                                            message=f"field '{camel}' is given twice: as '{camel}' and as its proto "
                                                    f"name '{k}'", expected=camel, actual=short_repr(k)))
                    continue
                findings.append(Finding(pointer=pointer(ptr + (camel,)), rule="non-canonical-name",
                                        severity="warning", location=location,
                                        message=f"'{k}' is the proto name of '{camel}': accepted by the gateway, "
                                                "but the JSON name is canonical", expected=camel, actual=short_repr(k)))
        out[name] = normalize_names(v, props.get(name), shapes, location, ptr + (name,), findings)
    return out


# ------------------------------------------------------------------ query strings

def query_pairs(query: str | Mapping | None) -> list[tuple[str, str]]:
    """``a=1&b=2&b=3`` (or a mapping of name -> value | list of values) as (name, value) pairs in order."""
    if query is None or query == "":
        return []
    if isinstance(query, list):
        return query
    if isinstance(query, str):
        return parse_qsl(query.lstrip("?"), keep_blank_values=True)
    out = []
    for k, v in query.items():
        for x in (v if isinstance(v, (list, tuple)) else [v]):
            out.append((str(k), "" if x is None else str(x)))
    return out


def _convert(raw: str, node: Any, shapes: Shapes) -> Any:
    kind = shapes.kind(node)
    if kind == "integer" and _INT.fullmatch(raw):
        return int(raw)
    if kind == "number" and _NUMBER.fullmatch(raw):
        return float(raw) if any(c in raw for c in ".eE") else int(raw)
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw  # strings, enums, int64 digit strings; anything malformed stays a string and fails validation


def _decode_r(raw: str, findings: list[Finding]) -> dict | None:
    try:
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        findings.append(Finding(pointer="/" + R_PARAM, rule="query", location="query", actual=short_repr(raw),
                                message=f"'{R_PARAM}' must be the request message as base64url JSON ({type(e).__name__})",
                                expected="base64url JSON object"))
        return None
    if not isinstance(value, dict):
        findings.append(Finding(pointer="/" + R_PARAM, rule="query", location="query", actual=short_repr(value),
                                message=f"'{R_PARAM}' decodes to JSON that is not an object", expected="object"))
        return None
    return value


def query_message(query: str | Mapping | None, root: dict, findings: list[Finding]) -> dict:
    """The request message a query string spells, typed by the request schema ``root``."""
    shapes = Shapes(root)
    msg: dict = {}
    counts: dict[str, int] = {}
    for name, raw in query_pairs(query):
        if name == R_PARAM:
            decoded = _decode_r(raw, findings)
            if decoded is not None:
                for k, v in decoded.items():
                    msg.setdefault(k, v)
            continue
        parts = name.split(".") if name else [name]
        node: Any = root
        target = msg
        path: list = []
        ok = True
        for i, part in enumerate(parts):
            props = shapes.properties(node) or {}
            if part not in props and "_" in part and to_camel(part) in props:
                findings.append(Finding(pointer=pointer(path + [to_camel(part)]), rule="non-canonical-name",
                                        severity="warning", location="query", expected=to_camel(part),
                                        actual=short_repr(name),
                                        message=f"'{part}' is the proto name of '{to_camel(part)}': accepted by the "
                                                "gateway, but the JSON name is canonical"))
                part = to_camel(part)
            path.append(part)
            node = props.get(part)
            if i < len(parts) - 1:
                nxt = target.setdefault(part, {})
                if not isinstance(nxt, dict):
                    findings.append(Finding(pointer=pointer(path), rule="query", location="query",
                                            actual=short_repr(name), expected="one value per field",
                                            message=f"'{name}' sets a field inside '{'.'.join(path)}', "
                                                    "which another parameter gives a value"))
                    ok = False
                    break
                target = nxt
        if not ok:
            continue
        leaf = path[-1]
        key = ".".join(path)
        if shapes.kind(node) == "array":
            target.setdefault(leaf, [])
            if isinstance(target[leaf], list):
                target[leaf].append(_convert(raw, shapes.items(node), shapes))
            continue
        counts[key] = counts.get(key, 0) + 1
        if counts[key] > 1:
            findings.append(Finding(pointer=pointer(path), rule="query", location="query", actual=short_repr(raw),
                                    expected="one value", message=f"'{name}' is repeated, but the field is not a list"))
            continue
        if leaf in target and isinstance(target[leaf], dict):
            findings.append(Finding(pointer=pointer(path), rule="query", location="query", actual=short_repr(raw),
                                    expected="an object's fields", message=f"'{name}' gives a value to an object field"))
            continue
        target[leaf] = _convert(raw, node, shapes)
    return msg


# ------------------------------------------------------------------ path fields

def _get(message: Any, dotted: str) -> tuple[bool, Any, tuple]:
    node, ptr = message, ()
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None, ()
        node, ptr = node[part], ptr + (part,)
    return True, node, ptr


def _set(message: dict, dotted: str, value: Any) -> None:
    """Set ``dotted`` in ``message`` (a fresh dict), copying the objects on the way instead of changing them:
    the rest is shared with the message read from the request."""
    parts = dotted.split(".")
    node = message
    for part in parts[:-1]:
        nxt = node.get(part)
        nxt = node[part] = dict(nxt) if isinstance(nxt, dict) else {}
        node = nxt
    node[parts[-1]] = value


def _same(sent: Any, path_value: str) -> bool:
    if isinstance(sent, bool) or sent is None:
        return False
    if isinstance(sent, (int, float)):
        return str(sent) == path_value
    return sent == path_value


def bind_path(req: WireRequest, path_params: Mapping[str, Any]) -> None:
    """Compare the path's fields repeated in the message with the path, then set them in ``full``."""
    full = dict(req.message) if isinstance(req.message, dict) else {}
    for name, value in path_params.items():
        value = str(value)
        found, sent, ptr = _get(req.message, name)
        if found and not _same(sent, value):
            where = req.location(pointer(ptr))
            req.findings.append(Finding(
                pointer=pointer(ptr), rule="path-param-mismatch", location=where, expected=value,
                actual=short_repr(sent),
                message=f"'{name}' is {short_repr(sent)} in the {'query' if where == 'query' else 'body'} but "
                        f"{value!r} in the path; the gateway accepts a repeated path field only when it is equal"))
        _set(full, name, value)
    req.full = full


def read(*, root: dict, body: Any = None, query: str | Mapping | None = None,
         path_params: Mapping[str, Any] | None = None, method: str | None = None, message_in: str = "body",
         location: str = "request", body_names_canonical: bool = False) -> WireRequest:
    """The request message of one request to an operation whose request schema is ``root``.

    ``method`` is the HTTP method actually used (None: not an HTTP request, e.g. ``validate --request``,
    where ``body`` is the request message itself).  ``message_in`` is where the operation's message travels
    (``body`` or ``query``).  ``body_names_canonical``: the caller knows that no key of ``body``, at any depth,
    holds a ``_`` (no proto name to look for in it; the emulator tells from the raw JSON)."""
    findings: list[Finding] = []
    origin: dict[str, str] = {}
    message: Any = None
    is_http = method is not None
    if is_http and message_in == "query" and body not in (None, b"", "", {}):
        findings.append(Finding(pointer="", rule="ignored-body", severity="warning", location="request",
                                message=f"{method} carries the request in the query string; the gateway ignores "
                                        "the body", actual=short_repr(body), expected="no body"))
        body = None
    canonical = body_names_canonical
    if body is not None:
        message = body
        if isinstance(body, dict):
            origin = dict.fromkeys(body, location)
    pairs = query_pairs(query)
    if pairs:
        if is_http and message_in == "body":
            for name, raw in pairs:
                findings.append(Finding(pointer="/" + name.replace("~", "~0").replace("/", "~1"), rule="ignored-query",
                                        severity="warning", location="query", actual=short_repr(raw),
                                        message=f"{method} carries the request in the body; the gateway ignores "
                                                f"query parameter '{name}'"))
        else:
            canonical = False  # the query's names: looked at below
            qmsg = query_message(pairs, root, findings)
            if message is None:
                message = {}
            if isinstance(message, dict):
                for k, v in qmsg.items():
                    if k in message:
                        findings.append(Finding(pointer=pointer((k,)), rule="duplicate-name", location="query",
                                                message=f"'{k}' is given in both the body and the query",
                                                actual=short_repr(v)))
                        continue
                    message[k] = v
                    origin[k] = "query"
    if message is None:
        message = {}
    if not (canonical and message is body) and isinstance(message, dict) and _has_underscore_key(message):
        message = normalize_names(message, root, Shapes(root), location, (), findings)
        for k in list(origin):
            if k not in message and to_camel(k) in message:
                origin[to_camel(k)] = origin.pop(k)
    req = WireRequest(message, message, origin)
    # a finding's location follows the field's origin (body or query)
    req.findings = [f.with_(location=req.location(f.pointer)) if f.location == location and f.pointer else f
                    for f in findings] if findings else findings
    if path_params:
        bind_path(req, path_params)
    return req


_CONTAINERS = (dict, list)


def _has_underscore_key(value: Any, depth: int = 0) -> bool:
    """``any("_" in k for k in _keys(value))``, without a generator per container (the request hot path): one
    ``"_" in "".join(keys)`` per object; containers deeper than 64 levels are not looked into."""
    if isinstance(value, dict):
        if "_" in "".join(value):
            return True
        value = value.values()
    if depth < 64:
        depth += 1
        for x in value:
            if isinstance(x, _CONTAINERS) and _has_underscore_key(x, depth):
                return True
    return False


def _keys(value: Any, depth: int = 0):
    """Every dict key of a JSON value (bounded depth), to decide cheaply whether names need normalizing."""
    if depth > 64:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _keys(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v, depth + 1)
