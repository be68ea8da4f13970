"""Extract the REST operations from the SDK package's JavaScript (``build/cjs/meta.js``).

The generated module has three layers, all plain functions:

* per-method *meta* functions, exported under the SDK method name, returning
  ``{httpMethod: "POST", path: "/v2/bookings/{bookingId}/cancel", ...}`` and calling
  the request builder (``const getRequestOptions = bookingsCancelBooking(payload)``);
* request builders whose inner function returns ``{method: "POST", methodFqn:
  "...Bookings.CancelBooking", url: resolveXxxUrl({protoPath: "/v2/..."})}``;
* URL resolvers holding ``domainToMappings = {<domain>: [{srcPath, destPath}, ...]}``:
  the SDK runtime (``@wix/sdk-runtime``'s ``resolveUrl``) picks the mappings of the
  request's host (``www.wixapis.com`` for the official client; else its root or wildcard
  domain, else ``_``) and sends ``protoPath`` to ``srcPath + protoPath[len(destPath):]`` of
  the FIRST mapping whose ``destPath`` is a string prefix of it.

The *canonical* path is that resolution: where the official client actually sends.  Every
other mapping that reaches the same proto path is a path alias, except those of wildcard
developer-sandbox domains (keys starting with ``*``).  Paths only: no host is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wixcontracts.ir import (Diagnostic, Field, OneOf, Operation, Source, Surface, TypeDef, clone_member,
                             clone_members, iter_fields)

from .ts import descendants as _descendants
from .ts import line as _line
from .ts import parse
from .ts import text as _text
from .typings import Typings
from .urls import DEFAULT_HOST, resolve_client_path

DEFAULT_DOMAIN = "_"
REQUIRED_PATH_DEPTH = 4


@dataclass
class RestMethod:
    """One REST method as the SDK's JavaScript wires it."""

    sdk_name: str  # exported method name (bookingsCancelBookingAnonymously)
    http_method: str
    proto_path: str  # /v2/bookings/{bookingId}/cancel
    method_fqn: str  # com.wixpress....Bookings.CancelBooking
    path: str  # canonical: /_api/bookings-service/v2/bookings/{bookingId}/cancel
    aliases: list[str] = field(default_factory=list)
    line: int = 0  # 1-based line of the request builder's ``method:``
    # the runtime's value transforms between the SDK's and the wire's shapes (``transformPaths``):
    # (kind, dotted field path) for the request and for the response; kind: field-mask | float | timestamp
    request_transforms: list[tuple[str, str]] = field(default_factory=list)
    response_transforms: list[tuple[str, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        tail = self.method_fqn.rsplit(".", 1)[-1] if self.method_fqn else ""
        return tail or (self.sdk_name[:1].upper() + self.sdk_name[1:])

    @property
    def name(self) -> str:
        t = self.title
        return t[:1].lower() + t[1:]


# ------------------------------------------------------------------ helpers


def _string(node) -> str | None:
    if node is None or node.type not in ("string", "template_string"):
        return None
    frags = [c for c in node.named_children if c.type in ("string_fragment", "escape_sequence")]
    if node.type == "template_string" and any(c.type == "template_substitution" for c in node.named_children):
        return None
    return "".join(_text(c) for c in frags)


def _key(pair) -> str | None:
    k = pair.child_by_field_name("key")
    if k is None:
        return None
    if k.type == "string":
        return _string(k)
    return _text(k)


def _pairs(obj) -> dict:
    out = {}
    if obj is None or obj.type != "object":
        return out
    for c in obj.named_children:
        if c.type == "pair":
            key = _key(c)
            if key is not None:
                out[key] = (c.child_by_field_name("value"), c)
    return out


def _callee_name(call) -> str | None:
    fn = call.child_by_field_name("function")
    return _text(fn) if fn is not None and fn.type == "identifier" else None


# ----------------------------------------------------------------- the three layers


def _exports(root) -> dict[str, str]:
    """Exported name -> local function name (``__export(x, {a: () => a2})`` or ``export {a2 as a}``)."""
    out: dict[str, str] = {}
    for call in _descendants(root, ("call_expression",)):
        if _callee_name(call) != "__export":
            continue
        args = call.child_by_field_name("arguments")
        objs = [a for a in (args.named_children if args is not None else []) if a.type == "object"]
        for key, (value, _pair) in _pairs(objs[-1] if objs else None).items():
            if value is not None and value.type == "arrow_function":
                body = value.child_by_field_name("body")
                if body is not None and body.type == "identifier":
                    out[key] = _text(body)
    for spec in _descendants(root, ("export_specifier",)):
        local = spec.child_by_field_name("name")
        alias = spec.child_by_field_name("alias")
        if local is not None:
            out.setdefault(_text(alias or local), _text(local))
    return out


def _functions(root) -> dict[str, object]:
    out = {}
    for c in root.named_children:
        node = c.named_children[0] if c.type == "export_statement" and c.named_children else c
        if node.type == "function_declaration":
            name = node.child_by_field_name("name")
            if name is not None:
                out[_text(name)] = node
    return out


def _meta_info(fn) -> dict | None:
    """``{httpMethod, path}`` returned by a meta function, plus the request builder it calls."""
    for obj in _descendants(fn, ("object",)):
        pairs = _pairs(obj)
        if "httpMethod" in pairs and "path" in pairs:
            callees = [n for c in _descendants(fn, ("call_expression",)) if (n := _callee_name(c))]
            return {
                "http_method": _string(pairs["httpMethod"][0]),
                "path": _string(pairs["path"][0]),
                "callees": callees,
            }
    return None


TRANSFORM_KINDS = {"FieldMask": "field-mask", "Float": "float", "Timestamp": "timestamp"}


def _transforms(fn) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The ``transformPaths(data, [{transformFn, paths: [{path}]}])`` calls of a request builder: the request's
    (``serializedData``) and the response's (``transformResponse``) value transforms."""
    request: list[tuple[str, str]] = []
    response: list[tuple[str, str]] = []
    for call in _descendants(fn, ("call_expression",)):
        callee = call.child_by_field_name("function")
        if callee is None or not _text(callee).rstrip(")").endswith("transformPaths"):
            continue
        args = call.child_by_field_name("arguments")
        arrays = [a for a in (args.named_children if args is not None else []) if a.type == "array"]
        if not arrays:
            continue
        in_response, node = False, call.parent
        while node is not None and node is not fn:
            if node.type == "pair" and _key(node) == "transformResponse":
                in_response = True
                break
            node = node.parent
        for spec in arrays[0].named_children:
            pairs = _pairs(spec)
            tf = pairs.get("transformFn", (None, None))[0]
            kind = next((k for name, k in TRANSFORM_KINDS.items() if tf is not None and name in _text(tf)), None)
            plist = pairs.get("paths", (None, None))[0]
            if kind is None or plist is None or plist.type != "array":
                continue
            for item in plist.named_children:
                path = _string(_pairs(item).get("path", (None, None))[0])
                if path:
                    (response if in_response else request).append((kind, path))
    return request, response


def _builder_info(fn) -> dict | None:
    """``{method, methodFqn, resolver, protoPath, transforms}`` of a request builder."""
    for obj in _descendants(fn, ("object",)):
        pairs = _pairs(obj)
        if "method" in pairs and "url" in pairs:
            url = pairs["url"][0]
            resolver = _callee_name(url) if url is not None and url.type == "call_expression" else None
            proto = None
            if url is not None and url.type == "call_expression":
                args = url.child_by_field_name("arguments")
                for arg in args.named_children if args is not None else []:
                    if arg.type == "call_expression":  # Object.assign(...) style
                        continue
                    proto = _string(_pairs(arg).get("protoPath", (None, None))[0]) or proto
            request, response = _transforms(fn)
            return {
                "method": _string(pairs["method"][0]),
                "method_fqn": _string(pairs.get("methodFqn", (None, None))[0]) or "",
                "resolver": resolver,
                "proto_path": proto,
                "line": _line(pairs["method"][1]),
                "request_transforms": request,
                "response_transforms": response,
            }
    return None


def _mappings(fn) -> dict[str, list[tuple[str, str]]]:
    for decl in _descendants(fn, ("variable_declarator",)):
        name = decl.child_by_field_name("name")
        if name is None or _text(name) != "domainToMappings":
            continue
        out: dict[str, list[tuple[str, str]]] = {}
        for domain, (value, _pair) in _pairs(decl.child_by_field_name("value")).items():
            entries = []
            for item in value.named_children if value is not None and value.type == "array" else []:
                p = _pairs(item)
                src = _string(p.get("srcPath", (None, None))[0])
                dest = _string(p.get("destPath", (None, None))[0])
                if src is not None and dest is not None:
                    entries.append((src, dest))
            out[domain] = entries
        return out
    return {}


# ------------------------------------------------------------------ path resolution

def _segment_prefix(dest: str, path: str) -> bool:
    if dest in ("", "/"):
        return True
    return path == dest or path.startswith(dest.rstrip("/") + "/") or path.startswith(dest + ":")


def _join(src: str, rest: str) -> str:
    if not rest:
        return src or "/"
    return src.rstrip("/") + rest if rest.startswith(("/", ":")) else src.rstrip("/") + "/" + rest


def client_path(proto_path: str, mappings: dict[str, list[tuple[str, str]]], host: str = DEFAULT_HOST) -> str:
    """Where the official client sends a request for ``proto_path`` (:func:`wixcontracts.sdk.urls.resolve_client_path`:
    the FIRST mapping of the host's domain whose ``destPath`` is a plain string prefix)."""
    return resolve_client_path(proto_path, mappings, host)


def _gateway_proto(path: str, entries: list[tuple[str, str]]) -> str | None:
    """What the gateway makes of an incoming ``path``: the longest ``srcPath`` that prefixes it, mapped back."""
    best = None
    for src, dest in entries:
        if _segment_prefix(src, path) and (best is None or len(src) > len(best[0])):
            best = (src, dest)
    if best is None:
        return None
    rest = path[len(best[0].rstrip("/")):] if best[0] not in ("", "/") else path
    return _join(best[1], rest) if best[1] not in ("", "/") else (rest or "/")


def resolve_paths(proto_path: str, mappings: dict[str, list[tuple[str, str]]]) -> dict[str, list[str]]:
    """Per domain: every public path that reaches ``proto_path`` — each mapping whose ``destPath`` prefixes
    it gives one, kept when the gateway maps that path back to the same proto path."""
    out: dict[str, list[str]] = {}
    for domain, entries in mappings.items():
        paths = []
        for src, dest in entries:
            if not proto_path.startswith(dest):
                continue
            p = src + proto_path[len(dest):]
            if p not in paths and _gateway_proto(p, entries) == proto_path:
                paths.append(p)
        if paths:
            out[domain] = paths
    return out


def canonical_and_aliases(proto_path: str, mappings: dict[str, list[tuple[str, str]]]) -> tuple[str, list[str]]:
    """The canonical path is the official client's (:func:`client_path`); every other public path
    (all domains but wildcard developer-sandbox ones) is an alias."""
    canonical = client_path(proto_path, mappings) if mappings else proto_path
    aliases: list[str] = []
    for domain, paths in resolve_paths(proto_path, mappings).items():
        if domain.startswith("*"):
            continue
        for p in paths:
            if p != canonical and p not in aliases:
                aliases.append(p)
    return canonical, aliases


# ------------------------------------------------------------------- extraction


def extract_rest_methods(js_text: str | bytes, path: str = "<memory>") -> tuple[list[RestMethod], list[Diagnostic]]:
    """Every exported REST method of a generated SDK module, in export order."""
    data = js_text.encode("utf-8") if isinstance(js_text, str) else js_text
    tree = parse(data)
    diags: list[Diagnostic] = []
    if tree.root_node.has_error:
        bad = next(
            (n for n in _descendants(tree.root_node, ("ERROR",))),
            None,
        )
        line = _line(bad) if bad is not None else 1
        diags.append(Diagnostic("warning", "sdk.js-syntax", "JavaScript has a syntax error; extraction may be partial", f"{path}:{line}"))
    functions = _functions(tree.root_node)
    exports = _exports(tree.root_node)
    mapping_cache: dict[str, dict] = {}
    methods: list[RestMethod] = []
    for exported, local in exports.items():
        fn = functions.get(local)
        if fn is None:
            continue
        meta = _meta_info(fn)
        if meta is None:
            continue  # an enum or helper, not a method
        where = f"{path}:{_line(fn)}"
        info = next(
            (i for c in meta["callees"] if c in functions and c != local and (i := _builder_info(functions[c]))),
            None,
        )
        if info is None:
            diags.append(Diagnostic("warning", "sdk.no-builder", f"{exported}: request builder not found", where))
            continue
        http = (meta["http_method"] or info["method"] or "").upper()
        if meta["http_method"] and info["method"] and meta["http_method"].upper() != info["method"].upper():
            diags.append(
                Diagnostic("warning", "sdk.method-mismatch", f"{exported}: meta says {meta['http_method']}, builder says {info['method']}", where)
            )
        proto = info["proto_path"] or meta["path"]
        if not proto:
            diags.append(Diagnostic("warning", "sdk.no-path", f"{exported}: no protoPath", where))
            continue
        if info["resolver"] not in mapping_cache:
            resolver_fn = functions.get(info["resolver"] or "")
            mapping_cache[info["resolver"]] = _mappings(resolver_fn) if resolver_fn is not None else {}
        mappings = mapping_cache[info["resolver"]]
        if not mappings:
            diags.append(Diagnostic("warning", "sdk.no-mapping", f"{exported}: no URL mapping for {proto}", where))
        canonical, aliases = canonical_and_aliases(proto, mappings)
        methods.append(RestMethod(exported, http, proto, info["method_fqn"], canonical, aliases, info["line"],
                                  info["request_transforms"], info["response_transforms"]))
    return methods, diags


# ----------------------------------------------------------------- IR operations


def _required_paths(members: list, types: dict[str, TypeDef], prefix: str = "", depth: int = 0, seen: frozenset = frozenset()) -> list[str]:
    out: list[str] = []
    for m in members:
        if isinstance(m, OneOf) or not m.required:
            continue
        path = f"{prefix}{m.name}"
        out.append(path)
        if depth + 1 >= REQUIRED_PATH_DEPTH:
            continue
        ref = m.type.items if m.type.kind == "array" and m.type.items else m.type
        if m.members:
            out += _required_paths(m.members, types, path + ".", depth + 1, seen)
        elif ref.kind == "named" and ref.name in types and ref.name not in seen:
            out += _required_paths(types[ref.name].members, types, path + ".", depth + 1, seen | {ref.name})
    return out


def _mark_transforms(members: list, types: dict[str, TypeDef], transforms: list[tuple[str, str]],
                     where: str, diags: list[Diagnostic]) -> None:
    """Mark the fields the runtime re-encodes on the wire (``Field.wire``): a FieldMask travels as one
    comma-separated string, a float may travel as ``"NaN"``/``"Infinity"``.  Timestamps are strings on the
    wire already (``Date`` only in the SDK's own typings)."""
    for kind, path in transforms:
        if kind == "timestamp":
            continue
        scope, f = members, None
        for part in path.split("."):
            if part == "*" and f is not None and f.type.kind == "map":  # the values of a map
                t = f.type.items
                scope = types[t.name].members if t is not None and t.kind == "named" and t.name in types else []
                continue
            f = next((x for x in iter_fields(scope) if x.name == part), None)
            if f is None:
                break
            t = f.type.items if f.type.kind == "array" and f.type.items else f.type
            scope = f.members or (types[t.name].members if t.kind == "named" and t.name in types else [])
        if f is None:
            diags.append(Diagnostic("info", "sdk.transform-path", f"{kind} transform of '{path}': no such field",
                                    where))
            continue
        f.wire = kind


def build_operations(
    methods: list[RestMethod],
    typings: Typings,
    *,
    js_url: str,
) -> tuple[dict[str, Operation], list[Diagnostic]]:
    """IR operations (one REST surface each) from the JS wiring plus the typings."""
    ops: dict[str, Operation] = {}
    diags: list[Diagnostic] = []
    for m in methods:
        src = Source(url=js_url, line=m.line, origin="sdk")
        meta = typings.methods.get(m.sdk_name)
        req_name = (meta.request_type if meta else None) or f"{m.title}Request"
        resp_name = (meta.response_type if meta else None) or f"{m.title}Response"
        if meta and meta.http_method and meta.http_method != m.http_method:
            diags.append(Diagnostic("warning", "sdk.method-mismatch", f"{m.sdk_name}: typings say {meta.http_method}, JS says {m.http_method}", src.ref()))
        req = typings.types.get(req_name)
        resp = typings.types.get(resp_name)
        if req is None:
            diags.append(Diagnostic("warning", "sdk.no-request-type", f"{m.name}: request type {req_name} not found", src.ref()))
        if resp is None:
            diags.append(Diagnostic("warning", "sdk.no-response-type", f"{m.name}: response type {resp_name} not found", src.ref()))
        params: list[Field] = [clone_member(f) for f in iter_fields(req.members)] if req else []
        _mark_transforms(params, typings.types, m.request_transforms, src.ref(), diags)
        if resp is not None:
            _mark_transforms(resp.members, typings.types, m.response_transforms, src.ref(), diags)
        surface = Surface(
            kind="rest",
            source=src,
            http_method=m.http_method,
            url=m.path,
            params=params,
            required_paths=_required_paths(req.members, typings.types, seen=frozenset({req_name})) if req else [],
            response_type=resp_name if resp else None,
            response=clone_members(resp.members) if resp else [],
        )
        if m.name in ops:
            diags.append(Diagnostic("warning", "sdk.duplicate-operation", f"{m.name} appears twice; keeping the first", src.ref()))
            continue
        ops[m.name] = Operation(
            name=m.name,
            title=m.title,
            page_url="",
            source=src,
            surfaces={"rest": surface},
            origins={"sdk"},
            path_aliases=list(m.aliases),
            rpc=m.method_fqn,
        )
    return ops, diags

