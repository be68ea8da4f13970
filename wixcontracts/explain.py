"""``wixcontracts explain OP``: a readable tree of an operation, built from its
committed schemas (names, types, enums, ONE-OFs, required, errors, preconditions)."""

from __future__ import annotations

from rich.tree import Tree

from .catalog import Catalog


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


def _add(tree: Tree, schema: dict, defs: dict, depth: int = 0, seen: tuple = ()) -> None:
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    groups = [g for g in schema.get("allOf", []) if "x-wix-one-of" in g and "not" in g]
    req_groups = {tuple(g["x-wix-one-of"]) for g in schema.get("allOf", []) if g.get("x-wix-one-of-required")}
    in_group = {}
    for g in groups:
        names = g["x-wix-one-of"]
        label = "ONE-OF" + (" (exactly one, required)" if tuple(names) in req_groups else " (at most one)")
        node = tree.add(f"[magenta]{label}[/]")
        for n in names:
            in_group[n] = node
    for name, s in props.items():
        if s.get("x-wix-not-in-request"):
            continue
        tname, target = _type(s, defs)
        enum = s.get("enum") or target.get("enum")
        bits = [f"[bold]{name}[/]", f"[cyan]{tname}[/]"]
        if name in required:
            bits.append("[red]required[/]")
        if s.get("readOnly"):
            bits.append("[dim]read-only[/]")
        if enum:
            bits.append("∈ {" + ", ".join(enum) + "}")
        node = in_group.get(name, tree).add(" ".join(bits))
        if depth < 8 and ("$ref" not in s or tname not in seen):
            body = target if target.get("properties") else (s.get("items", {}) if s.get("type") == "array" else s)
            if "$ref" in body:
                _, body = _type(body, defs)
            if body.get("properties"):
                _add(node, body, defs, depth + 1, seen + ((tname,) if "$ref" in s else ()))


def explain_tree(catalog: Catalog, op: str, surface: str = "rest") -> Tree:
    o = catalog.operation(op)
    head = f"[bold]{o['name']}[/]  {o.get('method') or ''} {o.get('path') or ''}"
    if not o["complete"]:
        head += "  [yellow](incomplete)[/]"
    tree = Tree(head)
    if o["path_params"]:
        t = tree.add("path parameters")
        for p in o["path_params"]:
            t.add(f"[bold]{p}[/] [cyan]string[/] [red]required[/]")
    req = catalog.schema(o["id"], "request", surface)
    _add(tree.add(f"request ({surface})"), req, req.get("$defs", {}))
    resp = catalog.schema(o["id"], "response", surface)
    _add(tree.add("response 200"), resp, resp.get("$defs", {}))
    if o["errors"]:
        t = tree.add("errors")
        for e in o["errors"]:
            t.add(f"{e['http']} {e['status']} [bold]{e['code']}[/]")
    for p in o["preconditions"]:
        froms = ", ".join(p["from_statuses"]) or "any"
        tree.add(f"precondition: {p['scope']} in {{{froms}}} → {p['to_status']}" + (" (all-or-nothing)" if p["all_or_nothing"] else ""))
    if o["permission_scopes"]:
        tree.add("permission: " + ", ".join(s["id"] for s in o["permission_scopes"]))
    for r in o["incomplete_reasons"]:
        tree.add(f"[yellow]incomplete:[/] {r}")
    tree.add(f"[dim]docs: {o['page']}[/]")
    return tree
