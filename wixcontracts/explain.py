"""``wixcontracts explain OP``: an operation as a tree, built from its committed schemas (names, types,
enums, ONE-OFs, required, errors, preconditions).  ``explain_data`` gives the tree as data
(``--format json``); ``explain_tree`` renders the same data for a terminal."""

from __future__ import annotations

from typing import Any

from .catalog import Catalog

MAX_DEPTH = 8


def _type(s: dict, defs: dict) -> tuple[str, dict]:
    if "$ref" in s:
        name = s["$ref"].rsplit("/", 1)[-1]
        return name, defs.get(name, {})
    if s.get("x-wix-int64"):
        return "int64 (digit string" + (" or integer)" if "anyOf" in s else ")"), s
    t = s.get("type", "any")
    if t == "array":
        it, _ = _type(s.get("items", {}), defs)
        return f"array<{it}>", s.get("items", {})
    if s.get("format"):
        return f"{t}({s['format']})", s
    return str(t), s


def _fields(schema: dict, defs: dict, depth: int = 0, seen: tuple = ()) -> list[dict]:
    """The object's fields in order; members of a ONE-OF group are nested under ``{"one_of": ...}``."""
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    groups = [g for g in schema.get("allOf", []) if "x-wix-one-of" in g and "not" in g]
    req_groups = {tuple(g["x-wix-one-of"]) for g in schema.get("allOf", []) if g.get("x-wix-one-of-required")}
    out: list[dict] = []
    in_group: dict[str, dict] = {}
    for g in groups:
        names = g["x-wix-one-of"]
        node = {"one_of": list(names), "required": tuple(names) in req_groups, "fields": []}
        out.append(node)
        for n in names:
            in_group[n] = node
    for name, s in props.items():
        if s.get("x-wix-not-in-request"):
            continue
        tname, target = _type(s, defs)
        field: dict[str, Any] = {"name": name, "type": tname, "required": name in required,
                                 "read_only": bool(s.get("readOnly"))}
        enum = s.get("enum") or target.get("enum")
        if enum:
            field["enum"] = list(enum)
        if depth < MAX_DEPTH and ("$ref" not in s or tname not in seen):
            body = target if target.get("properties") else (s.get("items", {}) if s.get("type") == "array" else s)
            if "$ref" in body:
                _, body = _type(body, defs)
            if body.get("properties"):
                field["fields"] = _fields(body, defs, depth + 1, seen + ((tname,) if "$ref" in s else ()))
        (in_group[name]["fields"] if name in in_group else out).append(field)
    return out


def explain_data(catalog: Catalog, op: str, surface: str = "rest") -> dict:
    """The operation as data: head, path parameters, request and 200-response field trees, errors,
    preconditions, permission scopes, incompleteness, docs page."""
    o = catalog.operation(op)
    req = catalog.schema(o["id"], "request", surface)
    resp = catalog.schema(o["id"], "response", surface)
    return {
        "id": o["id"], "name": o["name"], "service": o.get("service"), "method": o.get("method"),
        "path": o.get("path"), "surface": surface, "complete": o["complete"],
        "path_parameters": [{"name": p, "type": "string", "required": True} for p in o["path_params"]],
        "request": _fields(req, req.get("$defs", {})),
        "response": _fields(resp, resp.get("$defs", {})),
        "errors": [{"http": e["http"], "status": e["status"], "code": e["code"]} for e in o["errors"]],
        "preconditions": [{"scope": p["scope"], "from_statuses": list(p["from_statuses"]),
                           "to_status": p["to_status"], "all_or_nothing": bool(p["all_or_nothing"])}
                          for p in o["preconditions"]],
        "permission_scopes": [s["id"] for s in o["permission_scopes"]],
        "incomplete_reasons": list(o["incomplete_reasons"]),
        "page": o["page"],
    }


def _add(tree, fields: list[dict]) -> None:
    from rich.markup import escape

    for f in fields:
        if "one_of" in f:
            label = "ONE-OF" + (" (exactly one, required)" if f["required"] else " (at most one)")
            _add(tree.add(f"[magenta]{label}[/]"), f["fields"])
            continue
        bits = [f"[bold]{escape(f['name'])}[/]", f"[cyan]{escape(f['type'])}[/]"]
        if f["required"]:
            bits.append("[red]required[/]")
        if f["read_only"]:
            bits.append("[dim]read-only[/]")
        if f.get("enum"):
            bits.append(escape("∈ {" + ", ".join(f["enum"]) + "}"))
        node = tree.add(" ".join(bits))
        _add(node, f.get("fields", []))


def render_tree(d: dict):
    """A rich ``Tree`` of ``explain_data``'s result."""
    from rich.markup import escape
    from rich.tree import Tree

    head = f"[bold]{escape(d['name'])}[/]  {d['method'] or ''} {escape(d['path'] or '')}"
    if not d["complete"]:
        head += "  [yellow](incomplete)[/]"
    tree = Tree(head)
    if d["path_parameters"]:
        t = tree.add("path parameters")
        for p in d["path_parameters"]:
            t.add(f"[bold]{escape(p['name'])}[/] [cyan]{p['type']}[/] [red]required[/]")
    _add(tree.add(f"request ({d['surface']})"), d["request"])
    _add(tree.add("response 200"), d["response"])
    if d["errors"]:
        t = tree.add("errors")
        for e in d["errors"]:
            t.add(f"{e['http']} {e['status']} [bold]{escape(e['code'])}[/]")
    for p in d["preconditions"]:
        froms = ", ".join(p["from_statuses"]) or "any"
        tree.add(escape(f"precondition: {p['scope']} in {{{froms}}} → {p['to_status']}")
                 + (" (all-or-nothing)" if p["all_or_nothing"] else ""))
    if d["permission_scopes"]:
        tree.add("permission: " + escape(", ".join(d["permission_scopes"])))
    for r in d["incomplete_reasons"]:
        tree.add(f"[yellow]incomplete:[/] {escape(r)}")
    tree.add(f"[dim]docs: {escape(d['page'])}[/]")
    return tree


def explain_tree(catalog: Catalog, op: str, surface: str = "rest"):
    return render_tree(explain_data(catalog, op, surface))
