"""Which service a docs page belongs to.

A *service* is one SDK package of the Bookings API (its slug is the package suffix:
``bookings``, ``services``, ``staff-members`` ...).  The docs compiler reads every page at once;
this module hands each compiled operation to its service:

1. the page's URL path, by the reviewed table ``hints.json`` → ``services`` (longest prefix wins);
2. else the page's REST URL, matched against the SDK operations' canonical paths and aliases;
3. else the operation's name, when exactly one SDK service has it;
4. else the URL segment after ``business-solutions/bookings/`` (or ``wix-bookings-v2/``), with a warning.

Named types follow their operations: each service keeps the docs types its operations reach.
"""

from __future__ import annotations

import re

from .ir import WIX_API, ApiModel, Diagnostic, Operation, Service, TypeDef, TypeRef, iter_fields

DOCS_PREFIX = "https://dev.wix.com/docs/"
DEFAULT_SERVICE = "bookings"
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,60}")


def page_path(url: str) -> str:
    """``https://dev.wix.com/docs/api-reference/.../create-booking.md`` -> ``api-reference/.../create-booking``."""
    p = url[len(DOCS_PREFIX):] if url.startswith(DOCS_PREFIX) else url
    return p[:-3] if p.endswith(".md") else p


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.split("?", 1)[0].rstrip("/"))


def _by_table(path: str, hints: dict) -> str | None:
    best: tuple[int, str] | None = None
    for slug, entry in (hints.get("services") or {}).items():
        for prefix in (entry or {}).get("docs", []) if isinstance(entry, dict) else []:
            prefix = str(prefix).rstrip("/")
            if (path == prefix or path.startswith(prefix + "/")) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), slug)
    return best[1] if best else None


def _by_url(op: Operation, sdk: dict[str, Service]) -> str | None:
    rest = op.surfaces.get("rest")
    if not rest or not rest.url:
        return None
    want = _shape(rest.url.replace(WIX_API, ""))
    hits = {slug for slug, s in sdk.items() for o in s.model.operations.values()
            if (r := o.surfaces.get("rest")) and r.http_method == rest.http_method
            and want in {_shape(p) for p in [r.url or "", *o.path_aliases]}}
    return hits.pop() if len(hits) == 1 else None


def _by_name(op: Operation, sdk: dict[str, Service]) -> str | None:
    hits = [slug for slug, s in sdk.items() if op.name in s.model.operations]
    return hits[0] if len(hits) == 1 else None


def _by_segment(path: str) -> str | None:
    m = re.search(r"(?:business-solutions/bookings|wix-bookings-v2)/([^/]+)/", path)
    return m.group(1) if m and _SLUG.fullmatch(m.group(1)) else None


def service_of(op: Operation, hints: dict, sdk: dict[str, Service]) -> tuple[str, str]:
    """(slug, how it was decided: table | url | name | segment | default)."""
    path = page_path(op.page_url)
    for how, slug in (("table", _by_table(path, hints)), ("url", _by_url(op, sdk)), ("name", _by_name(op, sdk)),
                      ("segment", _by_segment(path))):
        if slug:
            return slug, how
    return DEFAULT_SERVICE, "default"


def reachable(types: dict[str, TypeDef], roots) -> dict[str, TypeDef]:
    """The named types of ``types`` reachable from the fields in ``roots`` (transitively), in name order."""
    seen: dict[str, TypeDef] = {}
    todo = list(roots)
    while todo:
        f = todo.pop()
        t: TypeRef | None = f.type
        while t is not None and t.kind in {"array", "map"}:
            t = t.items
        if t is not None and t.kind == "named" and t.name and t.name not in seen and t.name in types:
            seen[t.name] = types[t.name]
            todo.extend(iter_fields(types[t.name].members))
        todo.extend(iter_fields(f.members))
    return dict(sorted(seen.items()))


def surface_fields(ops, kind: str):
    for op in ops:
        s = op.surfaces.get(kind)
        if s:
            yield from iter_fields(s.params)
            yield from iter_fields(s.response)


def split_docs(docs: ApiModel, hints: dict, sdk: dict[str, Service]) -> tuple[dict[str, ApiModel], list[Diagnostic]]:
    """The docs model cut into one model per service."""
    parts: dict[str, ApiModel] = {}
    diags: list[Diagnostic] = []
    for name in sorted(docs.operations):
        op = docs.operations[name]
        slug, how = service_of(op, hints, sdk)
        if how in ("segment", "default"):
            diags.append(Diagnostic("warning", "docs.unknown-service",
                                    f"{name}: the page's URL path names no known service; placed in {slug} "
                                    "(add its path to hints.json 'services')", page_path(op.page_url) or name))
        elif sdk and slug not in sdk:
            diags.append(Diagnostic("warning", "docs.unknown-service",
                                    f"{name}: service {slug} has no pinned SDK package", page_path(op.page_url)))
        op.service = slug
        parts.setdefault(slug, ApiModel()).operations[name] = op
    for part in parts.values():
        ops = list(part.operations.values())
        part.types = reachable(docs.types, surface_fields(ops, "rest"))
        part.sdk_types = reachable(docs.sdk_types, surface_fields(ops, "sdk"))
        part.sources = dict(docs.sources)
    return parts, diags
