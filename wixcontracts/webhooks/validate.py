"""Validate a webhook delivery against its event's schema, layer by layer.

:func:`validate_event` takes a raw delivery (the JWT text Wix POSTs, verified with a public
key unless ``verify=False``), a decoded message, a domain event, or the payload alone; it
decodes every JSON-text layer the schema marks (``contentMediaType: application/json``) and
validates each against its ``contentSchema``.  Findings (:class:`~wixcontracts.validate.findings.Finding`)
point through the layers from the message down: ``/data/createdEvent/entityAsJson/status``;
a layer that is not JSON is one finding (rule ``json-string``) naming it.

Where schemas come from is the caller's business: pass a mapping or a function from event
type to the event's schema document (as :func:`wixcontracts.emit.events.event_schemas`
makes them; its ``message`` document has every layer), or an :class:`EventContracts`, which
also caches the compiled validators.  The policy is the response one: Wix sends the event,
so a field the contract does not document is drift (a warning), a contradiction an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..validate.engine import Compiled, explain
from ..validate.findings import Finding, Result, pointer, short_repr
from . import jwt as wjwt
from .errors import WebhookError
from .layers import detect_layer, event_type_of, json_kind, parse_json

JSON_MEDIA_TYPE = "application/json"
LOCATION = "webhook"
Lookup = Callable[[str], "dict | None"] | Mapping[str, dict]
_MAX_LAYERS = 8


class EventContracts:
    """Event schemas by event type (from a mapping or a function), compiled once per layer."""

    def __init__(self, schemas: Lookup, *, max_cached: int = 512):
        if isinstance(schemas, EventContracts):
            schemas = schemas._lookup
        if not (callable(schemas) or isinstance(schemas, Mapping)):
            raise WebhookError(f"schemas: expected a mapping or a function of the event type, got {type(schemas).__name__}")
        self._lookup = schemas
        self._compiled: dict[tuple[int, str], tuple[dict, Compiled]] = {}
        self._content: dict[int, bool] = {}
        self._max = max_cached

    def schema(self, event_type: str) -> dict | None:
        try:
            doc = self._lookup.get(event_type) if isinstance(self._lookup, Mapping) else self._lookup(event_type)
        except (KeyError, LookupError):
            return None
        if doc is not None and not isinstance(doc, dict):
            raise WebhookError(f"the schema for {event_type} is a {type(doc).__name__}, expected a JSON object")
        return doc

    def compiled(self, doc: dict, ref: str) -> Compiled:
        """The validator of the schema at ``ref`` (``#`` or ``#/$defs/X``) of ``doc``."""
        key = (id(doc), ref)
        hit = self._compiled.get(key)
        if hit is not None and hit[0] is doc:
            return hit[1]
        if ref == "#":
            schema = doc
        else:
            # the layer's own node at the root (not a "$ref" to it): error paths then start at the layer,
            # so each finding finds the x-wix-source of its own field
            target = _resolve(doc, {"$ref": ref})
            schema = dict(target) if isinstance(target, dict) else {"$ref": ref}
            schema.update({k: doc[k] for k in ("$schema", "$defs") if k in doc})
            for k in ("x-wix-source", "x-wix-event-type"):
                if k in doc:
                    schema.setdefault(k, doc[k])
        if len(self._compiled) >= self._max:
            self._compiled.clear()
        c = Compiled(schema, request=False)
        self._compiled[key] = (doc, c)  # holding doc keeps id(doc) from being reused
        return c


# ------------------------------------------------------------------ schema walking


def _resolve(doc: dict, node: Any, depth: int = 0) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 32:
        ref = node["$ref"]
        if not ref.startswith("#"):
            return node
        target: Any = doc
        for part in ref[1:].split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        node, depth = target, depth + 1
    return node


def _is_json_text(node: Any) -> bool:
    return isinstance(node, dict) and node.get("contentMediaType") == JSON_MEDIA_TYPE


def _content_ref(node: dict) -> str | None:
    cs = node.get("contentSchema")
    if isinstance(cs, dict) and isinstance(cs.get("$ref"), str) and cs["$ref"].startswith("#"):
        return cs["$ref"]
    return None


def _has_content(doc: dict, node: Any, memo: dict[int, bool], stack: set[int] | None = None) -> bool:
    """Whether a JSON-text field is reachable from ``node`` through properties / items."""
    node = _resolve(doc, node)
    if not isinstance(node, dict):
        return False
    key = id(node)
    if key in memo:
        return memo[key]
    stack = stack if stack is not None else set()
    if key in stack:
        return False
    stack.add(key)
    found = _is_json_text(node)
    if not found:
        subs = list((node.get("properties") or {}).values()) if isinstance(node.get("properties"), dict) else []
        if isinstance(node.get("items"), dict):
            subs.append(node["items"])
        found = any(_has_content(doc, s, memo, stack) for s in subs)
    stack.discard(key)
    memo[key] = found
    return found


def _json_text_fields(doc: dict, node: Any, value: Any, path: list, memo: dict[int, bool]):
    """(path, field schema) of every JSON-text field present in ``value``."""
    node = _resolve(doc, node)
    if not isinstance(node, dict):
        return
    if _is_json_text(node):
        if isinstance(value, str):
            yield path, node
        return
    if isinstance(value, dict) and isinstance(node.get("properties"), dict):
        for k, v in value.items():
            sub = node["properties"].get(k)
            if sub is not None and _has_content(doc, sub, memo):
                yield from _json_text_fields(doc, sub, v, path + [k], memo)
    elif isinstance(value, list) and isinstance(node.get("items"), dict) and _has_content(doc, node["items"], memo):
        for i, v in enumerate(value):
            yield from _json_text_fields(doc, node["items"], v, path + [i], memo)


# ------------------------------------------------------------------ validation


def _prefixed(f: Finding, prefix: str) -> Finding:
    return f.with_(pointer=prefix + f.pointer) if prefix else f


def _layer_findings(contracts: EventContracts, doc: dict, ref: str, value: Any, prefix: str, result: Result,
                    depth: int = 0) -> None:
    compiled = contracts.compiled(doc, ref)
    try:
        valid = compiled.rs.is_valid(value) and compiled.rs_strict.is_valid(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise WebhookError(f"{prefix or 'the input'} is not JSON data ({exc.__class__.__name__}: {exc})") from None
    if not valid:
        layer_node = _resolve(doc, {"$ref": ref}) if ref != "#" else doc
        for f in explain(compiled, value, location=LOCATION, default_source=doc.get("x-wix-source"),
                         undocumented="warning", closed_by_us="warning"):
            src = source_at(doc, layer_node, f.pointer)
            result.add(_prefixed(f.with_(source=src) if src else f, prefix))
    if depth >= _MAX_LAYERS:
        return
    memo = contracts._content
    node = _resolve(doc, {"$ref": ref}) if ref != "#" else doc
    for path, field_schema in list(_json_text_fields(doc, node, value, [], memo)):
        where = prefix + pointer(path)
        name = str(path[-1]) if path else "value"
        target = field_schema.get("x-wix-json-string")
        try:
            inner = parse_json(value_at(value, path), f"'{name}' ({where})")
        except WebhookError as exc:
            result.add(Finding(pointer=where, rule="json-string",
                               message=f"{exc}; it should hold JSON text" + (f" of a {target}" if target else ""),
                               expected=f"JSON text of {target}" if target else "JSON text",
                               actual=short_repr(value_at(value, path)), source=field_schema.get("x-wix-source"),
                               location=LOCATION))
            continue
        inner_ref = _content_ref(field_schema)
        if inner_ref is not None:
            _layer_findings(contracts, doc, inner_ref, inner, where, result, depth + 1)


def source_at(doc: dict, node: Any, ptr: str) -> str | None:
    """The ``x-wix-source`` of the deepest schema node the instance pointer ``ptr`` reaches from
    ``node`` (through properties, items, additionalProperties and $refs): the field's own declaration.
    (Python jsonschema's error paths leave $refs out, so they cannot be walked.)"""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in ptr.split("/")[1:]] if ptr else []
    found = None

    def note(n):
        nonlocal found
        if isinstance(n, dict) and isinstance(n.get("x-wix-source"), str):
            found = n["x-wix-source"]

    note(node)
    for part in parts:
        if isinstance(node, dict) and "$ref" in node:
            note(node)
            node = _resolve(doc, node)
        if not isinstance(node, dict):
            break
        props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
        if part in props:
            node = props[part]
        elif isinstance(node.get("items"), dict) and part.isdigit():
            node = node["items"]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            break
        note(node)
    return found


def value_at(value: Any, path: list) -> Any:
    for p in path:
        value = value[p]
    return value


def _input(raw: Any, *, public_key: Any, verify: bool, check_expiry: bool, audience: str | None,
           issuer: str | None, result: Result) -> tuple[Any, str | None]:
    """(decoded value, layer) of the raw input; (None, None) once a finding says why not."""
    if isinstance(raw, (bytes, bytearray, memoryview)):
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WebhookError(f"the delivery is not UTF-8 text (byte {exc.start})") from None
    if isinstance(raw, str):
        text = raw.strip()
        if text[:1] in ("{", "["):
            try:
                return parse_json(text, "the input"), None
            except WebhookError as exc:
                result.add(Finding(pointer="", rule="json-string", message=str(exc), expected="JSON text",
                                   actual=short_repr(text), location=LOCATION))
                return None, None
        if verify:
            if public_key is None:
                raise WebhookError("verifying a delivery needs public_key= (or verify=False)")
            claims = wjwt.verify(text, public_key, audience=audience, issuer=issuer, check_expiry=check_expiry)
        else:
            _, claims = wjwt.decode_unverified(text)
        data = claims.get("data")
        if not isinstance(data, str):
            what = "has no 'data' claim" if "data" not in claims else f"'data' claim is a {json_kind(data)}, not JSON text"
            result.add(Finding(pointer="", rule="layer", message=f"layer 'message': the JWT payload {what}",
                               expected="JSON text of the message", actual=short_repr(data), location=LOCATION))
            return None, None
        try:
            return parse_json(data, "layer 'message' (the JWT's data claim)"), "message"
        except WebhookError as exc:
            result.add(Finding(pointer="", rule="json-string", message=str(exc), expected="JSON text of the message",
                               actual=short_repr(data), location=LOCATION))
            return None, None
    return raw, None


def validate_event(schemas: Lookup | EventContracts, raw: Any, *, public_key: Any = None, verify: bool = True,
                   event_type: str | None = None, layer: str | None = None, check_expiry: bool = True,
                   audience: str | None = None, issuer: str | None = None) -> Result:
    """Findings for one delivery, or a layer of one.

    ``raw``: JWT text (str/bytes; ``public_key`` verifies it unless ``verify=False``), JSON
    text, or a decoded value: a message ``{eventType, data, ...}``, a domain event
    ``{id, entityFqdn, slug, createdEvent, ...}`` or a payload (needs ``event_type``).
    ``layer`` (``message`` / ``event`` / ``payload``) overrides the detection.
    JWT problems (malformed, bad signature, wrong alg) raise WebhookError."""
    contracts = schemas if isinstance(schemas, EventContracts) else EventContracts(schemas)
    result = Result(operation=event_type)
    value, detected = _input(raw, public_key=public_key, verify=verify, check_expiry=check_expiry,
                             audience=audience, issuer=issuer, result=result)
    if not result.ok:
        return result
    if layer is not None and layer not in ("message", "event", "payload"):
        raise WebhookError(f"layer {layer!r}: expected message, event or payload")
    layer = detected or layer or detect_layer(value)  # a JWT always holds a message
    if event_type is None:
        if layer == "message":
            event_type = value.get("eventType") if isinstance(value, dict) else None
            if not isinstance(event_type, str) or not event_type:
                result.add(Finding(pointer="/eventType", rule="event-type", location=LOCATION,
                                   message="the message has no eventType: no contract to check it against",
                                   expected="an event type string", actual=short_repr(event_type)))
                return result
        elif layer == "event":
            event_type = event_type_of(value)
            if event_type is None:
                raise WebhookError("a domain event without entityFqdn and slug needs event_type=")
        else:
            raise WebhookError("a payload alone needs event_type= (it does not name its event)")
    result.operation = event_type
    doc = contracts.schema(event_type)
    if doc is None:
        result.add(Finding(pointer="/eventType" if layer == "message" else "", rule="event-type", location=LOCATION,
                           message=f"no contract for event type {event_type!r}", actual=short_repr(event_type)))
        return result
    layers = doc.get("x-wix-layers") or {"message": "#"}
    ref = layers.get(layer)
    if not isinstance(ref, str):
        raise WebhookError(f"the schema for {event_type} has no {layer} layer (it has {', '.join(layers)})")
    _layer_findings(contracts, doc, ref, value, "", result)
    return result


__all__ = ["EventContracts", "validate_event", "Lookup"]
