"""``wixcontracts lint-docs``: a docs consistency report, three cross-checks.

1. ``docs-vs-sdk``: each page's REST request and response vs the SDK typings — a field only
   in one source, a type / enum / required mismatch;
2. ``examples``: each page's curl example bodies vs the merged contract;
3. ``rest-vs-sdk-section``: the REST section vs the JavaScript SDK section of the same page
   (renames aside: ``id``/``_id``, ``createdDate``/``_createdDate``).

Every finding names both locations.  Severities: ``error`` (the docs state something the
other source contradicts), ``warning`` (one source is silent), ``info``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from .ir import ApiModel, Field, TypeDef, iter_fields, path_params

SEVERITIES = ("error", "warning", "info")


@dataclass
class LintFinding:
    check: str
    severity: str
    operation: str
    path: str
    message: str
    docs: str = ""  # location in the docs page
    other: str = ""  # location in the other source (SDK declaration, contract schema, SDK section)


def _norm(n: str) -> str:
    return n[1:] if n.startswith("_") else n


class Tree(dict):
    """path -> field; ``opaque`` holds paths of fields shown as a bare type reference
    (no body here, and not expanded): their children are unknown, not absent."""

    def __init__(self):
        super().__init__()
        self.opaque: set[str] = set()

    def hidden(self, path: str) -> bool:
        parts = path.split(".")
        return any(".".join(parts[:i]) in self.opaque for i in range(1, len(parts)))


def _expand(members: list, types: dict[str, TypeDef], prefix: str = "", depth: int = 0, seen: tuple = (),
            out: Tree | None = None) -> Tree:
    """path -> field, expanding named types a tree shows without their body (with ``types``)."""
    out = Tree() if out is None else out
    for f in iter_fields(members):
        p = f"{prefix}.{_norm(f.name)}" if prefix else _norm(f.name)
        out[p] = f
        body = f.members
        t = f.type.items if f.type.kind == "array" and f.type.items else f.type
        if not body and t.kind == "named" and t.name in types and t.name not in seen and depth < 12:
            body = types[t.name].members
        if body:
            _expand(body, types, p, depth + 1, seen + ((t.name,) if t.name else ()), out)
        elif t.kind == "named" and not f.enum and not (t.name in types and types[t.name].enum is not None):
            out.opaque.add(p)
    return out


def _kind(f: Field, types: dict[str, TypeDef]) -> str:
    t = f.type
    if f.enum or (t.kind == "named" and t.name in types and types[t.name].enum is not None):
        return "enum"
    if t.kind in {"integer", "number"}:
        return "number"  # the SDK typings say `number` for both
    if t.kind in {"date"} or (t.kind == "string" and t.format == "date-time"):
        return "timestamp"
    if t.kind in {"object", "map", "named"}:
        return "object"
    return t.kind


def _enum(f: Field, types: dict[str, TypeDef]) -> set[str] | None:
    if f.enum:
        return {v.name for v in f.enum}
    t = f.type
    if t.kind == "named" and t.name in types and types[t.name].enum is not None:
        return {v.name for v in types[t.name].enum or []}
    return None


def _compare(check: str, op: str, side: str, a: dict[str, Field], b: dict[str, Field], ta, tb,
             a_name: str, b_name: str, only_b_severity: str, required: bool) -> list[LintFinding]:
    out = []
    for p in sorted(set(a) | set(b)):
        fa, fb = a.get(p), b.get(p)
        parent = p.rsplit(".", 1)[0] if "." in p else None
        if fa is None:
            if (parent is not None and parent not in a) or a.hidden(p):
                continue  # reported at the parent, or the parent's body is not shown here
            out.append(LintFinding(check, only_b_severity, op, f"{side}:{p}", f"only in the {b_name}", "", fb.source.ref()))
            continue
        if fb is None:
            if (parent is not None and parent not in b) or b.hidden(p):
                continue
            out.append(LintFinding(check, "error" if only_b_severity == "warning" else "warning", op, f"{side}:{p}",
                                   f"only in the {a_name}", fa.source.ref(), ""))
            continue
        ka, kb = _kind(fa, ta), _kind(fb, tb)
        if "unknown" in (ka, kb):
            continue
        if ka != kb and not ({ka, kb} <= {"string", "timestamp"} and check == "rest-vs-sdk-section"):
            if {ka, kb} == {"string", "timestamp"}:
                sev = "warning"
            elif {ka, kb} == {"enum", "string"}:
                sev = "warning"
            else:
                sev = "error"
            out.append(LintFinding(check, sev, op, f"{side}:{p}", f"type {ka} in the {a_name}, {kb} in the {b_name}",
                                   fa.source.ref(), fb.source.ref()))
            continue
        ea, eb = _enum(fa, ta), _enum(fb, tb)
        if ea is not None and eb is not None and ea != eb:
            out.append(LintFinding(check, "error", op, f"{side}:{p}",
                                   f"enum differs: only in {a_name} {sorted(ea - eb)}, only in {b_name} {sorted(eb - ea)}",
                                   fa.source.ref(), fb.source.ref()))
        if required and side == "request" and fa.required != fb.required:
            out.append(LintFinding(check, "warning", op, f"{side}:{p}",
                                   f"required in the {a_name if fa.required else b_name} only", fa.source.ref(), fb.source.ref()))
    return out


def docs_vs_sdk(docs: ApiModel, sdk: ApiModel) -> list[LintFinding]:
    out = []
    for name, d in sorted(docs.operations.items()):
        s = sdk.operations.get(name)
        dr = d.surfaces.get("rest")
        if s is None or dr is None or dr.source.origin != "docs":
            continue
        sr = s.surfaces["rest"]
        pp = set(path_params(sr.url))
        sparams = [f for f in sr.params if f.name not in pp]
        out += _compare("docs-vs-sdk", d.id, "request", _expand(dr.params, docs.types), _expand(sparams, sdk.types),
                        docs.types, sdk.types, "docs", "SDK typings", "warning", True)
        if dr.response:
            out += _compare("docs-vs-sdk", d.id, "response", _expand(dr.response, docs.types), _expand(sr.response, sdk.types),
                            docs.types, sdk.types, "docs", "SDK typings", "warning", False)
    return out


def rest_vs_sdk_section(docs: ApiModel) -> list[LintFinding]:
    out = []
    for name, op in sorted(docs.operations.items()):
        rest, sdk = op.surfaces.get("rest"), op.surfaces.get("sdk")
        if rest is None or sdk is None or rest.source.origin != "docs" or not sdk.params:
            continue
        pp = set(path_params(rest.url))
        flat: list = []
        for p in sdk.params:  # positional params + the fields of `options`
            if p.name in pp:
                continue
            if p.name == "options":
                flat += list(p.members)
            else:
                flat.append(p)
        # each section's own trees only: a bare reference hides a body, it does not omit it
        out += _compare("rest-vs-sdk-section", op.id, "request", _expand(rest.params, {}),
                        _expand(flat, {}), docs.types, docs.sdk_types, "REST section", "SDK section", "warning", True)
        if rest.response and sdk.response:
            out += _compare("rest-vs-sdk-section", op.id, "response", _expand(rest.response, {}),
                            _expand(sdk.response, {}), docs.types, docs.sdk_types, "REST section", "SDK section",
                            "warning", False)
    return out


def examples(docs: ApiModel, contracts) -> list[LintFinding]:
    out = []
    for name, op in sorted(docs.operations.items()):
        rest = op.surfaces.get("rest")
        if rest is None:
            continue
        for ex in rest.examples:
            if ex.kind != "curl":
                continue
            if ex.body_error:
                out.append(LintFinding("examples", "error", op.id, "", ex.body_error, ex.source.ref()))
                continue
            if ex.body is None:
                continue
            res = contracts.validate_request(op.id, ex.body)
            for f in res.findings:
                out.append(LintFinding("examples", f.severity, op.id, f"request:{f.pointer}",
                                       f"{f.rule}: {f.message}", ex.source.ref(), f.source or ""))
    return out


def run_api(docs: ApiModel, hints: dict, sdk: dict | None, contracts) -> list[LintFinding]:
    """Every check, service by service (the pages of a service against that service's SDK package), then
    the cross-service check over the committed contracts."""
    from .services import split_docs

    parts, _ = split_docs(docs, hints, sdk or {})
    out: list[LintFinding] = []
    for slug, part in sorted(parts.items()):
        svc = (sdk or {}).get(slug)
        out += run(part, svc.model if svc is not None and svc.kind == "rest" else None, contracts)
    if contracts is not None:
        out += cross_service(contracts.catalog)
    return out


def _enum_fields(schema: dict, skip_read_only: bool) -> dict[str, frozenset]:
    """dotted path -> enum values, for every enum field of a bundled schema (cycles cut, read-only skipped)."""
    out: dict[str, frozenset] = {}

    def resolve(node, chain):
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in chain or not ref.startswith("#/$defs/"):
                return None, chain
            chain = chain | {ref}
            node = (schema.get("$defs") or {}).get(ref.rsplit("/", 1)[1])
        return node, chain

    def walk(node, path, chain, depth):
        node, chain = resolve(node, chain)
        if not isinstance(node, dict) or depth > 12:
            return
        if "enum" in node and path:
            out[path] = frozenset(map(str, node["enum"]))
        for k, sub in (node.get("properties") or {}).items():
            if not (skip_read_only and isinstance(sub, dict) and sub.get("readOnly")):
                walk(sub, f"{path}.{k}" if path else k, chain, depth + 1)
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + "[]", chain, depth + 1)

    walk(schema, "", frozenset(), 0)
    return out


def _entity_key(path: str) -> str:
    """The field and the object it sits in: ``timeSlots[].location.locationType`` -> ``location.locationType``."""
    return ".".join(path.replace("[]", "").split(".")[-2:])


def enum_disagreements(catalog) -> dict[tuple[str, frozenset, frozenset], tuple[set, set]]:
    """(entity field, values returned, values accepted) -> (operations returning it, operations taking it) for
    every enum field one service returns with values another service's request does not accept."""
    responses: dict[str, list] = {}
    requests: dict[str, list] = {}
    for oid in sorted(catalog.operations):
        for kind, index, ro in (("response", responses, False), ("request", requests, True)):
            try:
                schema = catalog.schema(oid, kind)
            except (KeyError, OSError, ValueError):
                continue
            for path, values in _enum_fields(schema, ro).items():
                if "." in path.replace("[]", ""):  # a field inside an object: the object names the entity
                    index.setdefault(_entity_key(path), []).append((oid, path, values))
    groups: dict[tuple, tuple[set, set]] = {}
    for key in sorted(set(responses) & set(requests)):
        for r_op, r_path, r_values in responses[key]:
            for q_op, q_path, q_values in requests[key]:
                if r_op.split(".")[0] == q_op.split(".")[0] or r_values <= q_values:
                    continue
                ops = groups.setdefault((key, r_values, q_values), (set(), set()))
                ops[0].add(r_op)
                ops[1].add(q_op)
    return groups


def cross_service(catalog, shown: int = 4) -> list[LintFinding]:
    """A field that flows from one service's response into another service's request (the same field of the
    same object: ``location.locationType``) must use the same enum values; each disagreement is one finding
    listing the operations on both sides (e.g. Time Slots return ``BUSINESS``, Create Booking requires
    ``OWNER_BUSINESS``)."""
    groups = enum_disagreements(catalog)
    out = []

    def listed(ops: set) -> str:
        s = sorted(ops)
        return ", ".join(s[:shown]) + (f" and {len(s) - shown} more" if len(s) > shown else "")

    for (key, r_values, q_values), (r_ops, q_ops) in sorted(groups.items(), key=lambda g: (g[0][0], sorted(g[0][1]))):
        missing = sorted(r_values - q_values)
        first_r, first_q = sorted(r_ops)[0], sorted(q_ops)[0]
        out.append(LintFinding(
            "cross-service", "warning", first_r, key,
            f"{key} is returned as {', '.join(sorted(r_values))} by {listed(r_ops)}, but {listed(q_ops)} "
            f"accept only {', '.join(sorted(q_values))}: {', '.join(missing)} cannot be sent back as it came",
            catalog.operation(first_r)["schemas"]["rest"]["response"],
            catalog.operation(first_q)["schemas"]["rest"]["request"]))
    return out


def run(docs: ApiModel, sdk: ApiModel | None, contracts) -> list[LintFinding]:
    findings = []
    if sdk is not None:
        findings += docs_vs_sdk(docs, sdk)
    findings += examples(docs, contracts)
    findings += rest_vs_sdk_section(docs)
    return findings


def counts(findings: list[LintFinding]) -> dict:
    c: dict = {}
    for f in findings:
        c.setdefault(f.check, {s: 0 for s in SEVERITIES})[f.severity] += 1
    return c


def to_json(findings: list[LintFinding]) -> str:
    return json.dumps({"counts": counts(findings), "findings": [asdict(f) for f in findings]}, indent=2) + "\n"


def to_markdown(findings: list[LintFinding]) -> str:
    lines = ["# Docs consistency report", ""]
    c = counts(findings)
    lines += ["| check | errors | warnings | info |", "|---|---|---|---|"]
    for check in ("docs-vs-sdk", "examples", "rest-vs-sdk-section"):
        x = c.get(check, {s: 0 for s in SEVERITIES})
        lines.append(f"| {check} | {x['error']} | {x['warning']} | {x['info']} |")
    for check in ("docs-vs-sdk", "examples", "rest-vs-sdk-section"):
        rows = [f for f in findings if f.check == check]
        if not rows:
            continue
        lines += ["", f"## {check}", "", "| severity | operation | path | finding | docs | other source |", "|---|---|---|---|---|---|"]
        for f in rows:
            lines.append(f"| {f.severity} | {f.operation} | `{f.path}` | {f.message} | {f.docs} | {f.other} |")
    return "\n".join(lines) + "\n"


def fails(findings: list[LintFinding], fail_on: str) -> bool:
    if fail_on == "none":
        return False
    if fail_on == "error":
        return any(f.severity == "error" for f in findings)
    return any(f.severity in {"error", "warning"} for f in findings)
