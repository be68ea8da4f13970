"""Contract diff: two contract roots (each holding ``contracts/`` + ``schemas/``), or two git refs.

Every change is classified for client impact, separately for the request side (what a client
sends; request schemas are closed) and the response side (what a client reads; responses are open).
Rule of thumb (as oasdiff): narrowing what the server accepts or widening what it returns is
``breaking``; the reverse is ``informational``.

| change kind                 | request side  | response side | note                                        |
|-----------------------------|---------------|---------------|---------------------------------------------|
| operation-removed           | breaking      | breaking      |                                             |
| operation-added             | informational | informational |                                             |
| route-changed (method/path) | breaking      | breaking      |                                             |
| field-removed               | breaking      | breaking      | closed request rejects it / reader loses it |
| field-added                 | informational | informational | breaking on request if added as required    |
| type-changed                | breaking      | breaking      |                                             |
| format-added                | breaking      | informational |                                             |
| format-removed              | informational | breaking      |                                             |
| format-changed              | breaking      | breaking      | incl. int64 encoding                        |
| enum-value-added            | informational | breaking      | exhaustive switches on responses            |
| enum-value-removed          | breaking      | informational |                                             |
| required-added              | breaking      | informational |                                             |
| required-removed            | informational | breaking      |                                             |
| one-of-group-added          | breaking      | informational | at-most-one constraint over existing fields |
| one-of-group-removed        | informational | breaking      | readers may now see several members         |
| one-of-member-added         | breaking*     | breaking      | *informational when the field itself is new |
| one-of-member-removed       | informational | breaking      |                                             |
| one-of-group-became-required| breaking      | informational |                                             |
| one-of-group-became-optional| informational | breaking      |                                             |
| error-code-added            | -             | breaking      | undocumented-to-client error codes          |
| error-code-removed          | -             | informational |                                             |
| event-removed               | breaking      | breaking      | webhook handlers stop receiving it          |
| event-added                 | informational | informational |                                             |
| event-changed               | breaking      | breaking      | kind, slug, entity FQDN or payload type     |
| plugin-method-removed       | breaking      | breaking      | Wix no longer calls it                      |
| plugin-method-added         | breaking      | breaking      | Wix calls a method the app may not have     |
| plugin-method-changed       | breaking      | breaking      | its HTTP path (the app's route)             |

Webhook events are data Wix sends, so their fields (``event`` side: the payload, e.g.
``/status``; ``event-envelope`` side: the domain event's own fields, e.g. ``/entityEventSequence``)
are classified like response fields.  A service-plugin method's request is also data Wix sends
(``plugin-request`` side, classified like a response), its response is what the app sends back
to Wix's closed schema (``plugin-response`` side, classified like a request).

ONE-OF groups are compared as *sets* of member names per object (read from ``x-wix-one-of``, or
recovered from the pairwise ``not: anyOf: [required: [a, b]]`` encoding when the marker is missing),
so a reordered group or a different pairwise encoding is no change. A group is matched across versions
by member overlap; moving a field in or out of a group is a member change, not a field change.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .model import BREAKING, INFORMATIONAL, DriftFinding, short

B, I = BREAKING, INFORMATIONAL
# kind -> (request severity, response severity)
TABLE: dict[str, tuple[str, str]] = {
    "operation-removed": (B, B), "operation-added": (I, I), "route-changed": (B, B),
    "field-removed": (B, B), "field-added": (I, I), "type-changed": (B, B),
    "format-added": (B, I), "format-removed": (I, B), "format-changed": (B, B),
    "enum-value-added": (I, B), "enum-value-removed": (B, I),
    "required-added": (B, I), "required-removed": (I, B),
    "one-of-group-added": (B, I), "one-of-group-removed": (I, B),
    "one-of-member-added": (B, B), "one-of-member-removed": (I, B),
    "one-of-group-became-required": (B, I), "one-of-group-became-optional": (I, B),
    "error-code-added": (B, B), "error-code-removed": (I, I),
    "event-removed": (B, B), "event-added": (I, I), "event-changed": (B, B),
    "plugin-method-removed": (B, B), "plugin-method-added": (B, B), "plugin-method-changed": (B, B),
}
_SIDE = {"request": 0, "path": 0, "response": 1, "error": 1, "operation": 1,
         "event": 1, "event-envelope": 1, "plugin-request": 1, "plugin-response": 0}
# the domain event's body members that hold the payload object (compared as the payload itself)
_EVENT_BODY_OBJECTS = ("createdEvent.entity", "updatedEvent.currentEntity", "deletedEvent.deletedEntity",
                       "actionEvent.body")


def severity(kind: str, side: str) -> str:
    return TABLE[kind][_SIDE.get(side, 1)]


@dataclass
class FieldInfo:
    type: Any = None
    format: str | None = None
    enum: frozenset | None = None
    required: bool = False
    source: str | None = None


@dataclass
class Flat:
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    groups: dict[str, list[tuple[frozenset, bool]]] = field(default_factory=dict)  # object path -> groups


def _components(pairs: list[list[str]]) -> list[frozenset]:
    comps: list[set] = []
    for pair in pairs:
        hit = [c for c in comps if c & set(pair)]
        merged = set(pair).union(*hit) if hit else set(pair)
        comps = [c for c in comps if c not in hit] + [merged]
    return [frozenset(c) for c in comps]


def flatten(schema: dict) -> Flat:
    out = Flat()
    root = schema

    def resolve(node, chain):
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
            ref = node["$ref"]
            if ref in chain:
                return None, chain
            chain = chain | {ref}
            target: Any = root
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            src = node.get("x-wix-source")
            node = dict(target)
            if src and "x-wix-source" not in node:
                node["x-wix-source"] = src
        return node, chain

    def kind(node) -> tuple[Any, str | None]:
        if node.get("x-wix-int64"):
            return "int64", "int64"
        t = node.get("type")
        if t is None and (node.get("anyOf") or node.get("oneOf")) and not node.get("x-wix-one-of"):
            t = sorted({str(a.get("type")) for a in (node.get("anyOf") or node.get("oneOf")) if isinstance(a, dict)})
            t = "|".join(t)
        return (tuple(t) if isinstance(t, list) else t), node.get("format")

    def walk(node, path, required, chain):
        node, chain = resolve(node, chain)
        if not isinstance(node, dict):
            return
        t, fmt = kind(node)
        enum = frozenset(map(str, node["enum"])) if "enum" in node else None
        if path:
            out.fields[path] = FieldInfo(t, fmt, enum, required, node.get("x-wix-source"))
        props = node.get("properties") or {}
        req = set(node.get("required") or [])
        groups: dict[frozenset, bool] = {}
        for sub in node.get("allOf") or []:
            if not isinstance(sub, dict):
                continue
            names = sub.get("x-wix-one-of")
            if "not" in sub and isinstance(sub["not"], dict):
                comps = [frozenset(names)] if names else _components(
                    [r.get("required", []) for r in sub["not"].get("anyOf", []) if isinstance(r, dict)])
                for c in comps:
                    groups.setdefault(c, False)
            elif "anyOf" in sub and (names or all("required" in a for a in sub["anyOf"])):
                c = frozenset(names or [n for a in sub["anyOf"] for n in a["required"]])
                groups[c] = True
        if groups:
            out.groups[path or "/"] = [(g, r) for g, r in groups.items()]
        for k, v in props.items():
            walk(v, f"{path}.{k}" if path else k, k in req, chain)
        items = node.get("items")
        if isinstance(items, dict):
            walk(items, f"{path}[]", False, chain)

    walk(schema, "", False, frozenset())
    return out


class ContractRoot:
    """The contract files of one side of a diff: a folder, or a build's files in memory (``of_files``)."""

    def __init__(self, root: Path, files: Mapping[str, str] | None = None):
        from ..catalog import Catalog

        self.root = Path(root)
        self.files = files
        self.catalog = Catalog(self.root) if files is None else \
            Catalog.of_data(json.loads(files["contracts/catalog.json"]), self.root)

    @classmethod
    def of_files(cls, files: Mapping[str, str]) -> "ContractRoot":
        """A build's files (relative path -> text), compared without writing them anywhere."""
        return cls(Path("<build>"), files)

    def text(self, rel: str | None) -> bytes | None:
        if not rel:
            return None
        if self.files is not None:
            text = self.files.get(rel)
            return None if text is None else text.encode("utf-8")
        try:
            return (self.root / rel).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None


def _changed(old: ContractRoot, new: ContractRoot, rel_old: str | None, rel_new: str | None):
    """Both files parsed; None when either is missing, or when they hold the same bytes: a schema is compared
    on its own (its flattened fields), so equal files have no changes to find."""
    a, b = old.text(rel_old), new.text(rel_new)
    if a is None or b is None or a == b:
        return None
    return json.loads(a), json.loads(b)


def _without_bodies(flat: Flat) -> Flat:
    """A domain event's flattened fields without the payload object it carries (compared on its own)."""
    out = Flat(groups=flat.groups)
    out.fields = {p: f for p, f in flat.fields.items()
                  if not any(p == b or p.startswith(b + ".") or p.startswith(b + "[]") for b in _EVENT_BODY_OBJECTS)}
    return out


def _field_changes(name, side, file, old: Flat, new: Flat, emit) -> None:
    for path in sorted(old.fields.keys() - new.fields.keys()):
        if any(path.startswith(p + ".") or path.startswith(p + "[]") for p in old.fields.keys() - new.fields.keys()
               if p != path):
            continue  # a removed parent says it all
        emit("field-removed", side, path, f"field {path} removed", old.fields[path].type, file,
             old.fields[path].source)
    for path in sorted(new.fields.keys() - old.fields.keys()):
        if any(path.startswith(p + ".") or path.startswith(p + "[]") for p in new.fields.keys() - old.fields.keys()
               if p != path):
            continue
        f = new.fields[path]
        sev = B if _SIDE.get(side, 1) == 0 and f.required else None
        emit("field-added", side, path, f"field {path} added" + (" (required)" if f.required else ""), f.type, file,
             f.source, sev)
    for path in sorted(old.fields.keys() & new.fields.keys()):
        a, b = old.fields[path], new.fields[path]
        if a.type != b.type:
            emit("type-changed", side, path, f"type {a.type} → {b.type}", b.type, file, b.source)
            continue
        if a.format != b.format:
            k = "format-added" if a.format is None else "format-removed" if b.format is None else "format-changed"
            emit(k, side, path, f"format {a.format} → {b.format}", b.format, file, b.source)
        if a.enum is not None and b.enum is not None:
            for v in sorted(b.enum - a.enum):
                emit("enum-value-added", side, path, f"enum value {v} added", v, file, b.source)
            for v in sorted(a.enum - b.enum):
                emit("enum-value-removed", side, path, f"enum value {v} removed", v, file, b.source)
        if a.required != b.required:
            emit("required-added" if b.required else "required-removed", side, path,
                 f"{path} {'became required' if b.required else 'no longer required'}", path, file, b.source)
    # ONE-OF groups
    for obj in sorted(old.groups.keys() | new.groups.keys()):
        og, ng = list(old.groups.get(obj, [])), list(new.groups.get(obj, []))
        where = obj if obj != "/" else "(root)"
        matched_new = set()
        for gset, greq in og:
            best = max(range(len(ng)), key=lambda j: len(ng[j][0] & gset), default=None)
            if best is None or not (ng[best][0] & gset) or best in matched_new:
                emit("one-of-group-removed", side, where, f"ONE-OF group {{{', '.join(sorted(gset))}}} removed",
                     sorted(gset), file, None)
                continue
            matched_new.add(best)
            nset, nreq = ng[best]
            for m in sorted(nset - gset):
                prefix = f"{obj}." if obj != "/" else ""
                is_new = (prefix + m) not in old.fields
                sev = I if _SIDE.get(side, 1) == 0 and is_new else None
                emit("one-of-member-added", side, where, f"{m} joined ONE-OF group {{{', '.join(sorted(nset))}}}"
                     + (" (new field)" if is_new else ""), m, file, None, sev)
            for m in sorted(gset - nset):
                emit("one-of-member-removed", side, where, f"{m} left ONE-OF group {{{', '.join(sorted(gset))}}}",
                     m, file, None)
            if nreq != greq:
                emit("one-of-group-became-required" if nreq else "one-of-group-became-optional", side, where,
                     f"ONE-OF group {{{', '.join(sorted(nset))}}} {'became required' if nreq else 'became optional'}",
                     sorted(nset), file, None)
        for j, (nset, nreq) in enumerate(ng):
            if j not in matched_new:
                emit("one-of-group-added", side, where, f"ONE-OF group {{{', '.join(sorted(nset))}}} added"
                     + (" (required)" if nreq else ""), sorted(nset), file, None)


def diff_roots(old_root: Path | ContractRoot, new_root: Path | ContractRoot) -> list[DriftFinding]:
    old, new = (r if isinstance(r, ContractRoot) else ContractRoot(r) for r in (old_root, new_root))
    out: list[DriftFinding] = []

    def emitter(op):
        def emit(kind, side, path, message, example, file, source, sev=None):
            ptr = "/" + path.replace(".", "/").replace("[]", "/*") if path and not path.startswith("(") else path
            out.append(DriftFinding(op, kind, sev or severity(kind, side), ptr, message, short(example), side, file,
                                    source, 1, "diff"))
        return emit

    ops_old, ops_new = old.catalog.operations, new.catalog.operations
    for name in sorted(ops_old.keys() - ops_new.keys()):
        emitter(name)("operation-removed", "operation", "", f"operation {name} removed",
                      f"{ops_old[name].get('method')} {ops_old[name].get('path')}", "contracts/catalog.json",
                      ops_old[name].get("page"))
    for name in sorted(ops_new.keys() - ops_old.keys()):
        emitter(name)("operation-added", "operation", "", f"operation {name} added",
                      f"{ops_new[name].get('method')} {ops_new[name].get('path')}", "contracts/catalog.json",
                      ops_new[name].get("page"))
    for name in sorted(ops_old.keys() & ops_new.keys()):
        a, b = ops_old[name], ops_new[name]
        emit = emitter(name)
        if (a.get("method"), a.get("path")) != (b.get("method"), b.get("path")):
            emit("route-changed", "operation", "", f"{a.get('method')} {a.get('path')} → {b.get('method')} "
                 f"{b.get('path')}", f"{b.get('method')} {b.get('path')}", "contracts/catalog.json", b.get("page"))
        for kind in ("request", "path", "response"):
            file = (b.get("schemas", {}).get("rest") or {}).get(kind)
            pair = _changed(old, new, (a.get("schemas", {}).get("rest") or {}).get(kind), file)
            if pair is not None:
                _field_changes(name, kind, file, flatten(pair[0]), flatten(pair[1]), emit)
        ca = {(e["code"], int(e["http"])) for e in a.get("errors") or []}
        cb = {(e["code"], int(e["http"])) for e in b.get("errors") or []}
        efile = (b.get("schemas", {}).get("rest") or {}).get("error")
        for code, http in sorted(cb - ca):
            emit("error-code-added", "error", f"errors.{code}", f"error {code} (HTTP {http}) documented", code, efile,
                 b.get("page"))
        for code, http in sorted(ca - cb):
            emit("error-code-removed", "error", f"errors.{code}", f"error {code} (HTTP {http}) no longer documented",
                 code, efile, a.get("page"))
    _diff_events(old, new, emitter)
    _diff_plugins(old, new, emitter)
    out.sort(key=lambda f: (f.operation or "", f.severity != BREAKING, f.side, f.kind, f.pointer))
    return out


_EVENT_FACTS = ("kind", "slug", "entity_fqdn", "payload_type")


def _diff_events(old: ContractRoot, new: ContractRoot, emitter) -> None:
    """Webhook events by id: added / removed, facts changed, payload and envelope fields (response rules)."""
    ev_old, ev_new = old.catalog.events, new.catalog.events
    for eid in sorted(ev_old.keys() - ev_new.keys()):
        e = ev_old[eid]
        emitter(eid)("event-removed", "event", "", f"event {e['event_type']} removed", e["event_type"],
                     "contracts/catalog.json", e.get("source"))
    for eid in sorted(ev_new.keys() - ev_old.keys()):
        e = ev_new[eid]
        emitter(eid)("event-added", "event", "", f"event {e['event_type']} added", e["event_type"],
                     "contracts/catalog.json", e.get("source"))
    for eid in sorted(ev_old.keys() & ev_new.keys()):
        a, b = ev_old[eid], ev_new[eid]
        emit = emitter(eid)
        for fact in _EVENT_FACTS:
            if a.get(fact) != b.get(fact):
                emit("event-changed", "event", "", f"{fact} {a.get(fact)} → {b.get(fact)}", b.get(fact),
                     "contracts/catalog.json", b.get("source"))
        pair = _changed(old, new, a["schemas"].get("payload"), b["schemas"].get("payload"))
        if pair is not None:
            _field_changes(eid, "event", b["schemas"]["payload"], flatten(pair[0]), flatten(pair[1]), emit)
        if a.get("kind") != "plain" and b.get("kind") != "plain":
            pair = _changed(old, new, a["schemas"].get("envelope"), b["schemas"].get("envelope"))
            if pair is not None:
                _field_changes(eid, "event-envelope", b["schemas"]["envelope"], _without_bodies(flatten(pair[0])),
                               _without_bodies(flatten(pair[1])), emit)


def _diff_plugins(old: ContractRoot, new: ContractRoot, emitter) -> None:
    """Service-plugin methods by id: added / removed, HTTP path, request (Wix sends) and response (app sends)."""
    m_old, m_new = old.catalog.plugin_methods, new.catalog.plugin_methods
    for mid in sorted(m_old.keys() - m_new.keys()):
        emitter(mid)("plugin-method-removed", "operation", "", f"plugin method {mid} removed",
                     m_old[mid].get("http_path"), "contracts/catalog.json", m_old[mid].get("source"))
    for mid in sorted(m_new.keys() - m_old.keys()):
        emitter(mid)("plugin-method-added", "operation", "", f"plugin method {mid} added",
                     m_new[mid].get("http_path"), "contracts/catalog.json", m_new[mid].get("source"))
    for mid in sorted(m_old.keys() & m_new.keys()):
        a, b = m_old[mid], m_new[mid]
        emit = emitter(mid)
        if a.get("http_path") != b.get("http_path"):
            emit("plugin-method-changed", "operation", "", f"path {a.get('http_path')} → {b.get('http_path')}",
                 b.get("http_path"), "contracts/catalog.json", b.get("source"))
        for kind in ("request", "response"):
            pair = _changed(old, new, a["schemas"].get(kind), b["schemas"].get(kind))
            if pair is not None:
                _field_changes(mid, f"plugin-{kind}", b["schemas"][kind], flatten(pair[0]), flatten(pair[1]), emit)


def extract_ref(ref: str, dest: Path, repo: Path | None = None) -> Path:
    """``git show REF:path`` for every file under contracts/ and schemas/ into ``dest``."""
    repo = repo or Path.cwd()
    names = subprocess.run(["git", "ls-tree", "-r", "--name-only", ref, "--", "contracts", "schemas"], cwd=repo,
                           check=True, capture_output=True, text=True).stdout.split()
    if not names:
        raise ValueError(f"{ref}: no contracts/ or schemas/ at that ref")
    for n in names:
        data = subprocess.run(["git", "show", f"{ref}:{n}"], cwd=repo, check=True, capture_output=True).stdout
        p = dest / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return dest


def diff_specs(old: str, new: str, repo: Path | None = None) -> list[DriftFinding]:
    """Each of ``old``/``new`` is a directory (a contract root) or a git ref."""
    with tempfile.TemporaryDirectory(prefix="wixcontracts-diff-") as tmp:
        roots = []
        for i, spec in enumerate((old, new)):
            p = Path(spec)
            if p.is_dir() and (p / "contracts" / "catalog.json").exists():
                roots.append(p)
            else:
                roots.append(extract_ref(spec, Path(tmp) / str(i), repo))
        return diff_roots(*roots)
