"""The wire model of an operation, derived from its path template and its SDK request type.

Wix's REST gateway transcodes HTTP into RPC calls of a request message:

* the URL path binds some fields of the message (``{bookingId}``, or a nested ``{service.id}``);
* POST, PATCH and PUT carry the message as the JSON body;
* GET and DELETE carry it as query parameters (dotted names for nested fields, repeated keys for
  arrays; or, when the message does not fit, ``.r`` = the message as base64url JSON).

The official client repeats the path's fields in the body (and in the query for GET); the gateway
accepts them when they equal the path.  This module states those facts for the catalog and the
OpenAPI document; ``wixcontracts.validate.wire`` applies them to real requests.
"""

from __future__ import annotations

from ..ir import ApiModel, Field, Operation, iter_fields, path_params

QUERY_METHODS = frozenset({"GET", "DELETE"})
MAX_QUERY_DEPTH = 6


def message_in(method: str | None) -> str:
    """Where the request message travels: ``query`` (GET, DELETE) or ``body``."""
    return "query" if (method or "").upper() in QUERY_METHODS else "body"


def catalog_entry(op: Operation) -> dict:
    rest = op.surfaces.get("rest")
    return {"message_in": message_in(rest.http_method if rest else None),
            "path": path_params(rest.url if rest else None)}


def query_leaves(model: ApiModel, op: Operation) -> list[tuple[str, Field, bool]]:
    """(dotted name, field, repeated) for every request field a query parameter can carry: scalars and
    enums at any depth through objects, arrays of scalars as repeated keys.  Fields the path binds, maps
    and arrays of objects are left out (the latter travel only inside ``.r``)."""
    rest = op.surfaces["rest"]
    bound = set(path_params(rest.url))
    out: list[tuple[str, Field, bool]] = []

    def members_of(f: Field):
        if f.members:
            return f.members
        t = f.type.items if f.type.kind == "array" and f.type.items else f.type
        td = model.types.get(t.name or "") if t.kind == "named" else None
        return td.members if td is not None and td.enum is None else None

    def walk(members, prefix: str, depth: int, seen: frozenset):
        for f in iter_fields(members):
            name = f"{prefix}{f.name}"
            if name in bound or not f.public:
                continue
            t = f.type
            if t.kind == "map" or t.kind == "object":
                continue
            if t.kind == "array":
                item = t.items
                if item is None or (item.kind == "named" and members_of(f) is not None) or item.kind in ("object", "map"):
                    continue
                out.append((name, f, True))
                continue
            sub = members_of(f)
            if sub is not None:
                key = t.name or name
                if depth < MAX_QUERY_DEPTH and key not in seen:
                    walk(sub, name + ".", depth + 1, seen | {key})
                continue
            out.append((name, f, False))

    walk(rest.params, "", 0, frozenset())
    return out
