"""One OpenAPI 3.1 document from several services' committed contracts, with OpenAPI links across them, for
schemathesis stateful runs that span services (service -> time slots -> booking).

``merged_schema(["services", "availability-time-slots", "bookings"])`` -> an in-memory document:

* every component is prefixed by its service (``bookings.Booking``) and every ``$ref`` rewritten;
* paths are merged (the same method on the same path, up to path-parameter names, in two services fails);
* operationIds are the catalog ids (``bookings.createBooking``; ``x-wix-id`` is kept) and the in-document
  links point at them;
* security schemes are merged (one ``wixAuth`` when the services agree, prefixed when they do not);
* cross-service links are derived from the contract's structure (``x-wix-derived: "cross-service"``), see
  ``cross_links``.

Cross-service links.  A success response *carries entities*: a top-level object with an ``id`` (``service``,
``booking``) or the first item of a top-level array of objects that have an ``id`` or ``<x>Id`` fields
(``timeSlots/0``, ``services/0``).  The document's *entity kinds* are the names of the entities with an ``id``
(``booking``, ``service``, ``category`` ...).  An entity provides its own id (``service`` -> ``service.id``) and the
``<x>Id`` references in it (``booking.bookedEntity.slot.serviceId`` -> ``service``), and feeds every operation of
*another* service whose request takes one of them:

1. an ``<x>Id`` field, ``x`` an entity kind: a path parameter (or one binding ``x.id``), an un-dotted query
   parameter, a request-body field at any depth through objects, or an ``<x>Ids`` array of strings;
2. a request object with two ``<x>Id`` fields or more that the entity has by the same name is that entity's
   *record* (``booking.bookedEntity.slot`` <- a time slot: ``serviceId``, ``scheduleId``): those ids and its other
   fields are copied from the entity by name (case-insensitive; ``localStartDate`` is also ``startDate``; an array
   ``resources`` is also its first item ``resource``, one level of arrays deep) or from the response's own
   top-level scalars (``timeZone`` -> ``slot.timezone``), objects field by field.  Left out, and listed in the
   link's ``x-wix-skipped``: a field whose values disagree (an enum the target does not accept, e.g.
   ``location.locationType``: Time Slots return ``BUSINESS``, Create Booking requires ``OWNER_BUSINESS``, see
   ``lint.enum_disagreements``), whose types differ, or a boolean / number (the wire leaves it out at its default).

Read-only, non-public and deprecated request fields are never fed.  A request object with alternatives
(``x-wix-one-of``: ``bookedEntity`` is a ``slot`` or a ``schedule``) gets one link per alternative.  Link bodies
are nested objects of runtime expressions that schemathesis (4.32) evaluates as a whole (one unresolvable
expression drops the body) and merges into the generated body (each top-level field, deeply, generated fields it
does not name kept); a record's nested objects (``location``, ``resource``) make the body fail on a slot without
them, so such a link comes with a sibling of the ids and strings only (``...~ids``).  Link names:
``<target id><-<response property>[/<alternative>][~ids]``."""

from __future__ import annotations

import copy
import re
from typing import Any, Iterator

COMPONENTS = "#/components/schemas/"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_DEPTH = 6


class MergeError(ValueError):
    """The chosen services cannot be merged into one document (a route two services share, an unknown service,
    different servers)."""


# ---------------------------------------------------------------------------------------------- merge

def _rewrite_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                if not v.startswith(COMPONENTS):
                    raise MergeError(f"unsupported $ref {v!r}: only {COMPONENTS}… is merged")
                out[k] = COMPONENTS + prefix + v[len(COMPONENTS):]
            else:
                out[k] = _rewrite_refs(v, prefix)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, prefix) for v in node]
    return node


def _template(path: str) -> str:
    """The path with its parameter names blanked (``/a/{x}`` and ``/a/{y}`` are the same path to a router)."""
    return re.sub(r"\{[^{}]*\}", "{}", path)


def merged_schema(services: list[str], *, catalog=None, links: bool = True) -> dict:
    """The committed OpenAPI documents of ``services`` merged into one (see the module doc); ``links=False``
    leaves out the cross-service links."""
    from ..catalog import Catalog

    cat = catalog if catalog is not None else Catalog()
    if not services:
        raise MergeError("no services to merge")
    if len(set(services)) != len(services):
        raise MergeError(f"a service is listed twice: {services}")
    out: dict = {"openapi": "3.1.0",
                 "info": {"title": "Wix Bookings API: " + " + ".join(services), "version": "",
                          "x-wix-services": list(services)},
                 "paths": {}, "components": {"schemas": {}, "securitySchemes": {}}}
    versions, servers = [], None
    owner: dict[tuple[str, str], tuple[str, str]] = {}  # (template, method) -> (service, path)
    for slug in services:
        try:
            doc = cat.openapi(slug)
        except (KeyError, OSError) as e:
            raise MergeError(f"cannot merge service {slug!r}: {e}") from None
        doc = _rewrite_refs(copy.deepcopy(doc), slug + ".")
        versions.append(f"{slug}@{doc.get('info', {}).get('version', '')}")
        if servers is None:
            servers = doc.get("servers")
        elif doc.get("servers") != servers:
            raise MergeError(f"{slug} has other servers than {services[0]}: {doc.get('servers')} vs {servers}")
        for name, s in doc.get("components", {}).get("schemas", {}).items():
            out["components"]["schemas"][f"{slug}.{name}"] = s
        renamed_schemes = {}
        for name, scheme in doc.get("components", {}).get("securitySchemes", {}).items():
            have = out["components"]["securitySchemes"].get(name)
            if have is None or have == scheme:
                out["components"]["securitySchemes"][name] = scheme
            else:
                renamed_schemes[name] = f"{slug}.{name}"
                out["components"]["securitySchemes"][renamed_schemes[name]] = scheme
        ids = {o["operationId"]: o.get("x-wix-id") or f"{slug}.{o['operationId']}"
               for item in doc.get("paths", {}).values() for m, o in item.items() if m in METHODS}
        for path, item in doc.get("paths", {}).items():
            merged_item = out["paths"].setdefault(path, {})
            for key, op in item.items():
                if key not in METHODS:
                    if key in merged_item and merged_item[key] != op:
                        raise MergeError(f"path {path}: {key} differs between services")
                    merged_item[key] = op
                    continue
                where = (_template(path), key)
                if where in owner:
                    other, other_path = owner[where]
                    raise MergeError(f"path collision: {key.upper()} {path} ({slug}) and {key.upper()} {other_path} "
                                     f"({other}) are the same route")
                owner[where] = (slug, path)
                op["operationId"] = ids[op["operationId"]]
                op.setdefault("x-wix-id", op["operationId"])
                if renamed_schemes:
                    op["security"] = [{renamed_schemes.get(k, k): v for k, v in req.items()}
                                      for req in op.get("security", [])]
                for resp in op.get("responses", {}).values():
                    if "links" in resp:
                        resp["links"] = {ids.get(n, n): {**link, "operationId": ids.get(link.get("operationId"),
                                                                                         link.get("operationId"))}
                                         for n, link in resp["links"].items()}
                merged_item[key] = op
    out["info"]["version"] = " ".join(versions)
    if servers:
        out["servers"] = servers
    out["paths"] = dict(sorted(out["paths"].items()))
    out["components"]["schemas"] = dict(sorted(out["components"]["schemas"].items()))
    if links:
        add_cross_links(out)
    return out


# ---------------------------------------------------------------------------------------------- schema walking

def _deref(doc: dict, s: Any) -> dict:
    """``s`` with its ``$ref`` chain resolved; keywords next to a ``$ref`` (``readOnly``) win."""
    if not isinstance(s, dict):
        return {}
    seen = set()
    while "$ref" in s:
        ref = s["$ref"]
        if ref in seen or not ref.startswith(COMPONENTS):
            break
        seen.add(ref)
        target = doc["components"]["schemas"].get(ref[len(COMPONENTS):], {})
        s = {**target, **{k: v for k, v in s.items() if k != "$ref"}}
    return s


def _props(s: dict) -> dict:
    return s.get("properties") or {}


def _kind(s: dict) -> str | None:
    t = s.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if t is None and "properties" in s:
        return "object"
    if t is None and s.get("anyOf"):  # int64: a digit string or an integer
        kinds = {_kind(a) for a in s["anyOf"] if isinstance(a, dict)}
        return "int64" if kinds <= {"string", "integer"} and len(kinds) == 2 else None
    return t


def _id_name(field: str) -> str | None:
    """``serviceId`` -> ``service``."""
    return field[:-2] if field.endswith("Id") and len(field) > 2 else None


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _skipped_field(s: dict) -> bool:
    return bool(s.get("readOnly") or s.get("x-wix-non-public") or s.get("deprecated"))


def _operations(doc: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, op


def _service_of(op: dict) -> str:
    return (op.get("x-wix-id") or op["operationId"]).split(".", 1)[0]


def _json_body(doc: dict, holder: dict | None) -> dict:
    content = (holder or {}).get("content") or {}
    media = content.get("application/json") or {}
    return _deref(doc, media.get("schema"))


# ---------------------------------------------------------------------------------------------- sources

class Entity:
    """An entity a response carries, at ``pointer`` (``/service``, ``/timeSlots/0``)."""

    def __init__(self, doc: dict, response: dict, prop: str, pointer: str, name: str, schema: dict):
        self.prop, self.pointer, self.name, self.schema = prop, pointer, name, schema
        # the ids it provides: its own, and the <x>Id references in it (breadth first: the shallowest wins)
        self.ids: dict[str, str] = {}
        if "id" in _props(schema):
            self.ids[name] = pointer + "/id"
        queue = [(schema, pointer, 0)]
        while queue:
            s, ptr, depth = queue.pop(0)
            for k, sub in _props(s).items():
                d = _deref(doc, sub)
                x = _id_name(k)
                if x and _kind(d) == "string":
                    self.ids.setdefault(x, f"{ptr}/{k}")
                elif _kind(d) == "object" and depth < 4:
                    queue.append((d, f"{ptr}/{k}", depth + 1))
        self.direct = {k: _deref(doc, sub) for k, sub in _props(schema).items()}
        # the fields a record copies: by lower-cased name -> (pointer, schema)
        self.fields: dict[str, tuple[str, dict]] = {}

        def add(name: str, ptr: str, s: dict) -> None:
            self.fields.setdefault(name.lower(), (ptr, s))

        for k, d in self.direct.items():
            add(k, f"{pointer}/{k}", d)
            if k.startswith("local") and len(k) > 5:
                add(k[5:], f"{pointer}/{k}", d)
        for k, d in self.direct.items():  # arrays of objects: their first item, one level deep
            if _kind(d) != "array":
                continue
            item = _deref(doc, d.get("items"))
            if _kind(item) != "object":
                continue
            add(_singular(k), f"{pointer}/{k}/0", item)
            for q, qsub in _props(item).items():
                qd = _deref(doc, qsub)
                qitem = _deref(doc, qd.get("items")) if _kind(qd) == "array" else {}
                if _kind(qitem) == "object":
                    add(_singular(q), f"{pointer}/{k}/0/{q}/0", qitem)
        for k, sub in _props(response).items():  # the response's own scalars (timeZone)
            d = _deref(doc, sub)
            if k != prop and _kind(d) in ("string", "number", "integer", "boolean"):
                add(k, f"/{k}", d)


def entities(doc: dict, op: dict) -> list[Entity]:
    """The entities ``op``'s 200 response carries."""
    resp = _json_body(doc, op.get("responses", {}).get("200"))
    out = []
    for prop, sub in _props(resp).items():
        d = _deref(doc, sub)
        if _kind(d) == "object" and "id" in _props(d):
            out.append(Entity(doc, resp, prop, f"/{prop}", prop, d))
        elif _kind(d) == "array":
            item = _deref(doc, d.get("items"))
            if _kind(item) == "object" and ("id" in _props(item) or any(_id_name(k) for k in _props(item))):
                out.append(Entity(doc, resp, prop, f"/{prop}/0", _singular(prop), item))
    return out


def kinds(doc: dict) -> set[str]:
    """The entity kinds of a document: what its success responses carry with an ``id`` (``booking``,
    ``service``); only their ids are fed by name (an ``appId`` names no entity of the document)."""
    return {e.name for _p, _m, op in _operations(doc) for e in entities(doc, op) if "id" in _props(e.schema)}


# ---------------------------------------------------------------------------------------------- targets

def _expr(pointer: str) -> str:
    return "$response.body#" + pointer


def _compatible(target: dict, source: dict, path: str, skipped: list[str]) -> str | None:
    """How a source field feeds a target field: ``"scalar"``, ``"object"`` (field by field), or None (incompatible:
    recorded in ``skipped``)."""
    tk, sk = _kind(target), _kind(source)
    if tk == "object" or sk == "object":
        if tk != sk:
            skipped.append(f"{path}: {sk} -> {tk}")
            return None
        return "object"
    t_enum, s_enum = target.get("enum"), source.get("enum")
    if t_enum is not None:
        if s_enum is None or not set(s_enum) <= set(t_enum):
            skipped.append(f"{path}: values {sorted(set(s_enum or []) - set(t_enum)) or 'any string'} are not "
                           f"among {sorted(t_enum)} (lint.enum_disagreements)")
            return None
    numeric = {"number", "integer"}
    if tk == sk or (tk in numeric and sk in numeric) or (tk == "int64" and sk in ("string", "integer")) \
            or (tk == "string" and sk == "int64"):
        return "scalar"
    skipped.append(f"{path}: {sk} -> {tk}")
    return None


def _copy(doc: dict, target: dict, source_ptr: str, source: dict, path: str, skipped: list[str]) -> Any:
    """A record field copied from the source: an expression, or a nested object of expressions."""
    how = _compatible(target, source, path, skipped)
    if how == "scalar" and _kind(source) in ("boolean", "number", "integer"):
        # proto3 JSON leaves a false / 0 out: the expression would be unresolvable, and the whole body with it
        skipped.append(f"{path}: a {_kind(source)}, left out of the wire at its default")
        return None
    if how == "scalar":
        return _expr(source_ptr)
    if how != "object":
        return None
    out = {}
    s_props = {k.lower(): (k, _deref(doc, v)) for k, v in _props(source).items()}
    for k, sub in _props(target).items():
        d = _deref(doc, sub)
        if _skipped_field(d) or k.lower() not in s_props:
            continue
        sk, sd = s_props[k.lower()]
        v = _copy(doc, d, f"{source_ptr}/{sk}", sd, f"{path}.{k}", skipped)
        if v is not None:
            out[k] = v
    return out or None


def _body_leaves(doc: dict, body: dict) -> list[tuple[tuple, dict, frozenset, dict]]:
    """(path, schema, one-of choices, parent schema) of every request-body field reachable through objects."""
    out = []

    def walk(s: dict, path: tuple, choices: frozenset, depth: int) -> None:
        groups = [tuple(a["x-wix-one-of"]) for a in s.get("allOf") or [] if isinstance(a, dict) and "x-wix-one-of" in a]
        for name, sub in _props(s).items():
            d = _deref(doc, sub)
            if _skipped_field(d):
                continue
            ch = choices | {(path, g, name) for g in groups if name in g}
            out.append((path + (name,), d, ch, s))
            if _kind(d) == "object" and depth < MAX_DEPTH:
                walk(d, path + (name,), ch, depth + 1)

    walk(body, (), frozenset(), 0)
    return out


def _set(tree: dict, path: tuple, value: Any) -> None:
    for k in path[:-1]:
        tree = tree.setdefault(k, {})
    tree[path[-1]] = value


def _has_object(tree: Any) -> bool:
    return isinstance(tree, dict) and any(isinstance(v, dict) for v in tree.values())


def _links_for(doc: dict, ent: Entity, target: dict, known: set[str]) -> list[tuple[str, dict]]:
    """The links from ``ent`` to ``target`` (name suffix, link definition without operationId); ``known``: the
    document's entity kinds."""
    def fed_id(x: str | None) -> str | None:
        return _expr(ent.ids[x]) if x and x in known and x in ent.ids else None

    params = {}
    for p in target.get("parameters") or []:
        name, where = p.get("name", ""), p.get("in")
        field = p.get("x-wix-field", name)
        if where not in ("path", "query") or "." in name:
            continue
        value = fed_id(_id_name(name))
        if value is None and where == "path" and field.endswith(".id") and field.count(".") == 1:
            value = fed_id(field[:-3])  # updateService's {service_id} binds service.id
        if value is not None:
            params[f"{where}.{name}"] = value
    feeds: list[tuple[tuple, Any, frozenset]] = []  # (body path, value, one-of choices)
    body = _json_body(doc, target.get("requestBody")) if target.get("x-wix-message-in", "body") == "body" else {}
    leaves = _body_leaves(doc, body)
    for path, d, ch, _parent in leaves:
        name = path[-1]
        value = None
        if _kind(d) == "string":
            value = fed_id(_id_name(name))
        elif name.endswith("Ids") and _kind(d) == "array" and _kind(_deref(doc, d.get("items"))) == "string":
            one = fed_id(name[:-3])
            value = [one] if one else None
        if value is not None:
            feeds.append((path, value, ch))
    # records: a request object with two <x>Id fields or more that the entity has by the same name
    skipped: list[str] = []
    by_parent: dict[tuple, list] = {}
    for leaf in leaves:
        by_parent.setdefault(leaf[0][:-1], []).append(leaf)
    for record, kids in sorted(by_parent.items()):
        same = [(path, d, ch) for path, d, ch, _p in kids if _id_name(path[-1]) and _kind(d) == "string"
                and _kind(ent.direct.get(path[-1], {})) == "string"]
        if len(same) < 2:
            continue
        fed = {p for p, _v, _c in feeds}
        for path, _d, ch in same:
            if path not in fed:
                feeds.append((path, _expr(f"{ent.pointer}/{path[-1]}"), ch))
                fed.add(path)
        for path, d, ch, _parent in kids:
            if path in fed or path[-1].lower() not in ent.fields:
                continue
            ptr, src = ent.fields[path[-1].lower()]
            v = _copy(doc, d, ptr, src, ".".join(path), skipped)
            if v is not None:
                feeds.append((path, v, ch))
    if not params and not feeds:
        return []
    # one link per consistent choice of the alternatives the fed fields go through
    groups: dict[tuple, set] = {}
    for _p, _v, ch in feeds:
        for where, g, member in ch:
            groups.setdefault((where, g), set()).add(member)
    combos: list[dict] = [{}]
    for key, members in sorted(groups.items()):
        combos = [{**c, key: m} for c in combos for m in sorted(members)]
    out, seen = [], set()
    for combo in combos:
        chosen = [(p, v) for p, v, ch in feeds if all(combo.get((w, g)) == m for w, g, m in ch)]
        sig = tuple(p for p, _v in chosen)
        if sig in seen or (not chosen and not params):
            continue
        seen.add(sig)
        suffix = "/".join(sorted(combo.values())) if len(combos) > 1 else ""
        tree: dict = {}
        for p, v in chosen:
            _set(tree, p, v)
        link: dict = {"x-wix-derived": "cross-service"}
        if params:
            link["parameters"] = params
        if tree:
            link["requestBody"] = tree
        mine = sorted({s for s in skipped for p, _v in chosen if s.startswith(".".join(p) + ".")
                       or s.startswith(".".join(p) + ":")})
        if mine:
            link["x-wix-skipped"] = mine
        out.append((suffix, link))
        if any(isinstance(v, dict) for _p, v in chosen):  # a sibling without the record's nested objects
            lean: dict = {}
            for p, v in chosen:
                if not isinstance(v, dict):
                    _set(lean, p, v)
            lean_link = {k: v for k, v in link.items() if k not in ("requestBody", "x-wix-skipped")}
            if lean:
                lean_link["requestBody"] = lean
            out.append((suffix + "~ids" if suffix else "~ids", lean_link))
    return out


def cross_links(doc: dict) -> dict[tuple[str, str], dict[str, dict]]:
    """(source operation id, status) -> link name -> link: the cross-service links of a merged document."""
    ops = list(_operations(doc))
    known = kinds(doc)
    out: dict[tuple[str, str], dict[str, dict]] = {}
    for _path, _method, op in ops:
        if "200" not in op.get("responses", {}):
            continue
        for ent in entities(doc, op):
            for _tp, _tm, target in ops:
                if _service_of(target) == _service_of(op):
                    continue
                for suffix, link in _links_for(doc, ent, target, known):
                    name = f"{target['operationId']}<-{ent.prop}" + (f"/{suffix}" if suffix else "")
                    out.setdefault((op["operationId"], "200"), {})[name] = {"operationId": target["operationId"],
                                                                            **link}
    return out


def add_cross_links(doc: dict) -> int:
    """Adds the cross-service links to a merged document; returns how many."""
    by_id = {op["operationId"]: op for _p, _m, op in _operations(doc)}
    n = 0
    for (source, status), links in cross_links(doc).items():
        resp = by_id[source]["responses"][status]
        resp.setdefault("links", {}).update(links)
        n += len(links)
    return n
