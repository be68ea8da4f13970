"""Merge two sources' IR into one: the docs pages and the SDK typings.

Who contributes what:

* **pages**: operations, surfaces, URLs, HTTP methods, errors (HTTP + application codes),
  preconditions, permission scopes, examples, and provenance (page + line);
* **SDK typings**: exact structure (fields, nesting, ONE-OF groups, enums) and constraints
  (formats, lengths, ranges, read-only, deprecated) of the REST request and response;
* **hints**: only what neither settles (int64 fields: the typings say ``string``).

Where both speak about a field, ``Field.source`` is the page and ``Field.also`` the
declaration, so every schema node says which source(s) it came from.  Disagreements are
not resolved here: ``lint.py`` reports them.  Operations the typings have and no page
documents are kept with ``origins == {"sdk"}``.
"""

from __future__ import annotations

import copy

from .ir import (WIX_API, ApiModel, Field, OneOf, Operation, Surface, TypeDef, TypeRef, clone_members, clone_typedef,
                 iter_fields, path_params)

def _norm(name: str) -> str:
    return name[1:] if name.startswith("_") else name


def _index(members: list, prefix: str = "") -> dict[str, Field]:
    out: dict[str, Field] = {}
    for f in iter_fields(members):
        p = f"{prefix}.{_norm(f.name)}" if prefix else _norm(f.name)
        out[p] = f
        out.update(_index(f.members, p))
    return out


def _int64(members: list, names: set[str]) -> None:
    for f in iter_fields(members):
        if f.name in names and f.type.kind == "string":
            f.type.format = "int64"
        _int64(f.members, names)


def _retype_int64(types: dict[str, TypeDef], names: set[str]) -> None:
    for td in types.values():
        _int64(td.members, names)


def merge(docs: ApiModel, sdk: ApiModel, hints: dict | None = None) -> ApiModel:
    hints = hints or {}
    int64 = set(hints.get("int64", []))
    out = ApiModel()
    out.types = {name: clone_typedef(td) for name, td in sdk.types.items()}
    _retype_int64(out.types, int64)
    for td in out.types.values():
        td.origins = {"sdk"}
    out.sdk_types = docs.sdk_types
    out.diagnostics = list(docs.diagnostics) + list(sdk.diagnostics)
    out.decisions = docs.decisions
    out.sources = {**docs.sources, **sdk.sources}
    aliases: dict[str, str] = {}  # docs type name -> SDK type name, learned by path

    for name in sorted(set(docs.operations) | set(sdk.operations)):
        d, s = docs.operations.get(name), sdk.operations.get(name)
        if s is None:
            out.operations[name] = d  # type: ignore[assignment]
            continue
        srest = copy.copy(s.surfaces["rest"])  # only its members are changed (int64) and kept
        srest.params, srest.response = clone_members(srest.params), clone_members(srest.response)
        _int64(srest.params, int64)
        _int64(srest.response, int64)
        url = srest.url if (srest.url or "").startswith("http") else WIX_API + (srest.url or "")
        bound = set(path_params(url))
        body = [f for f in srest.params if f.name not in bound]
        path_fields = [f for f in srest.params if f.name in bound]
        if d is None:
            op = copy.copy(s)
            rest = Surface("rest", srest.source, http_method=srest.http_method, url=url, params=body,
                           path_fields=path_fields, response_type=srest.response_type, response=srest.response)
            op.surfaces = {"rest": rest}
            op.origins = {"sdk"}
            op.page_url = ""
            op.notes = ["no docs page: structure from the SDK typings; no documented errors"]
            out.operations[name] = op
            continue
        op = copy.copy(d)
        op.surfaces = dict(d.surfaces)
        drest = d.surfaces.get("rest")
        # the wire: the path the official client sends to is canonical; the page's URL is reported
        # when the SDK does not map it at all
        rest = Surface("rest", drest.source if drest else srest.source,
                       http_method=srest.http_method, url=url, params=body, path_fields=path_fields,
                       response_type=srest.response_type, response=srest.response,
                       errors=drest.errors if drest else [], examples=drest.examples if drest else [],
                       required_paths=drest.required_paths if drest else [])
        known = {url, *(WIX_API + a for a in s.path_aliases)}
        if drest and drest.url and drest.url not in known:
            out.diagnostics.append(_diag("merge.url", f"{name}: the page gives {drest.url}, which the SDK's URL "
                                         f"mappings do not reach; the official client sends to {url}", op))
        if drest and drest.http_method and drest.http_method != srest.http_method:
            out.diagnostics.append(_diag("merge.method", f"{name}: the page says {drest.http_method}, the SDK "
                                         f"{srest.http_method}", op))
        if drest is not None:
            rest.required_paths = sorted(set(docs_required(drest.params)) | set(drest.required_paths))
            _provenance(drest.params, rest.params, aliases)
            _provenance(drest.response, rest.response, aliases)
        op.surfaces["rest"] = rest
        op.origins = {"docs", "sdk"}
        op.path_aliases = list(s.path_aliases)
        op.rpc = s.rpc
        op.service = s.service or op.service
        if not op.complete:
            op.notes = [r for r in op.incomplete_reasons if "error" in r] + \
                ["structure completed from the SDK typings"]
            op.complete = True
            op.incomplete_reasons = []
        out.operations[name] = op

    done: set[str] = set()
    todo = list(aliases.items())
    while todo:  # named types: docs provenance on the SDK shapes, nested types included
        dname, sname = todo.pop()
        if dname in done:
            continue
        done.add(dname)
        dt, st = docs.types.get(dname), out.types.get(sname)
        if dt is None or st is None:
            continue
        st.origins.add("docs")
        st.also = [dt.source]
        found: dict[str, str] = {}
        _provenance(dt.members, st.members, found)
        for k, v in found.items():
            aliases.setdefault(k, v)
            todo.append((k, v))
    out.sources["type_aliases"] = {k: v for k, v in sorted(aliases.items()) if k != v}
    if docs.operations:  # the hints are about pages: check them where pages were merged
        out.diagnostics += check_hints(hints, sdk, aliases)
    out.types = reachable_types(out)
    return out


def check_hints(hints: dict, sdk: ApiModel, aliases: dict[str, str]) -> list:
    """Which hints the SDK typings settle (needed only for docs-only builds), which they
    contradict, and which neither source settles."""
    from .ir import Diagnostic

    out = []
    where = "contracts/hints.json"

    def shape_of(key: str) -> set[str] | None:
        if key.endswith("[]"):  # Parent.field[] : the element type of an array field
            parent, fname = key[:-2].rsplit(".", 1)
            td = sdk.types.get(aliases.get(parent, parent))
            f = next((x for x in iter_fields(td.members) if x.name == fname), None) if td else None
            if f is None or f.type.kind != "array" or not f.type.items or f.type.items.kind != "named":
                return None
            key = f.type.items.name or ""
        td = sdk.types.get(aliases.get(key, key))
        return {_norm(f.name) for f in iter_fields(td.members)} if td else None

    for key, h in sorted((hints.get("shapes") or {}).items()):
        have = shape_of(key)
        want = set(h.get("fields", [])) | {m for g in h.get("groups", []) for m in g}
        if have is None:
            out.append(Diagnostic("info", "hints.unsettled", f"shape {key}: the SDK typings do not say", where))
        elif want <= have:
            out.append(Diagnostic("info", "hints.settled-by-sdk", f"shape {key}: confirmed by the SDK typings (needed for docs-only builds)", where, "sdk"))
        else:
            out.append(Diagnostic("warning", "hints.contradicted", f"shape {key}: fields {sorted(want - have)} are not in the SDK typings", where))
    for name, h in sorted((hints.get("operations") or {}).items()):
        op = sdk.operations.get(name)
        url = (h.get("rest") or {}).get("url", "")
        if op is None:
            out.append(Diagnostic("info", "hints.unsettled", f"operation {name}: not in the SDK typings", where))
        elif url.endswith(op.surfaces["rest"].url or "\0") and op.surfaces["rest"].http_method == (h.get("rest") or {}).get("method"):
            out.append(Diagnostic("info", "hints.settled-by-sdk", f"operation {name}: REST method and URL confirmed by the SDK typings", where, "sdk"))
        else:
            out.append(Diagnostic("warning", "hints.contradicted", f"operation {name}: the SDK typings give {op.surfaces['rest'].http_method} {op.surfaces['rest'].url}", where))
    for key, item in sorted((hints.get("array_items") or {}).items()):
        parent, fname = key[:-2].rsplit(".", 1)
        td = sdk.types.get(aliases.get(parent, parent))
        f = next((x for x in iter_fields(td.members) if x.name == fname), None) if td else None
        if f is not None and f.type.kind == "array" and f.type.items and f.type.items.kind == item:
            out.append(Diagnostic("info", "hints.settled-by-sdk", f"array {key}: element type {item} confirmed by the SDK typings", where, "sdk"))
        else:
            out.append(Diagnostic("info", "hints.unsettled", f"array {key}: the SDK typings do not confirm {item}", where))
    for name in hints.get("int64", []):
        out.append(Diagnostic("info", "hints.unsettled", f"int64 {name}: the typings say string; neither source marks 64-bit integers", where))
    return out


def _provenance(docs_members: list, sdk_members: list, aliases: dict[str, str]) -> None:
    """Mark SDK fields the page also states: the page becomes the primary source."""
    dindex = _index(docs_members)
    for path, f in _index(sdk_members).items():
        d = dindex.get(path)
        f.origins = {"sdk"}
        if d is None:
            continue
        sdk_src = f.source
        f.source = d.source
        f.also = [sdk_src]
        f.origins = {"docs", "sdk"}
        _refine(d.type, f.type)
        dt = d.type.items if d.type.kind == "array" and d.type.items else d.type
        st = f.type.items if f.type.kind == "array" and f.type.items else f.type
        if dt.kind == "named" and st.kind == "named" and dt.name and st.name:
            aliases.setdefault(dt.name, st.name)


def _refine(docs_t: TypeRef, sdk_t: TypeRef) -> None:
    """TypeScript has no integer type: the typings say ``number`` where the page says
    ``integer``.  The page's type is compatible and more precise, so it is kept."""
    while docs_t is not None and sdk_t is not None:
        if docs_t.kind == "integer" and sdk_t.kind == "number":
            sdk_t.kind = "integer"
        if docs_t.kind == "array" and sdk_t.kind == "array":
            docs_t, sdk_t = docs_t.items, sdk_t.items  # type: ignore[assignment]
            continue
        break


def docs_required(members: list, prefix: str = "") -> list[str]:
    """Paths the page marks required: fields, and ONE-OF groups as ``a.(x|y)``."""
    out = []
    for m in members:
        if isinstance(m, OneOf):
            if m.required:
                out.append(f"{prefix}({'|'.join(_norm(f.name) for f in m.members)})")
            for f in m.members:
                out += docs_required(f.members, f"{prefix}{_norm(f.name)}.")
        else:
            if m.required:
                out.append(prefix + _norm(m.name))
            out += docs_required(m.members, f"{prefix}{_norm(m.name)}.")
    return out


def _diag(code: str, message: str, op: Operation):
    from .ir import Diagnostic

    return Diagnostic("warning", code, message, op.page_url or op.name)


def reachable_types(model: ApiModel) -> dict[str, TypeDef]:
    """Named types reachable from the operations' REST requests and responses."""
    seen: dict[str, TypeDef] = {}

    def visit_ref(t: TypeRef | None):
        while t is not None and t.kind in {"array", "map"}:
            t = t.items
        if t is not None and t.kind == "named" and t.name and t.name not in seen and t.name in model.types:
            td = model.types[t.name]
            seen[t.name] = td
            for f in iter_fields(td.members):
                visit(f)

    def visit(f: Field):
        visit_ref(f.type)
        for c in iter_fields(f.members):
            visit(c)

    for op in model.operations.values():
        rest = op.surfaces.get("rest")
        if rest:
            for f in iter_fields(rest.params) if rest.params else []:
                visit(f)
            for f in iter_fields(rest.response):
                visit(f)
    return dict(sorted(seen.items()))
