"""Docs pages -> ``ApiModel``: read every page, resolve structure in two passes (learn
shapes from unambiguous occurrences, then decide everything), assemble operations."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from ..collector import paused
from ..ir import (WIX_API, ApiModel, Diagnostic, EnumValue, ErrorDoc, Field, OneOf, Operation, Precondition,
                  Source, Surface, TypeDef, TypeRef, iter_fields)
from .entries import FieldEntry, SchemaBlock, parse_block
from .names import is_identifier, shown, why_bad
from .lexer import Line
from .page import PageError, RawPage, read_page
from .structure import MAX_GROUP, Node, Registry, Resolver, norm

CANONICAL_PREFIX = "/_api/bookings-service"
ALIAS_PREFIX = "/bookings"


@dataclass
class _Tree:
    page: RawPage
    surface: str
    part: str  # params | response
    entries: list
    root_key: str | None
    root: Node | None = None
    options_key: str | None = None


def load_pages(docs_dir: Path) -> dict[str, str]:
    out = {}
    for p in sorted(docs_dir.rglob("*.md")):
        try:
            out[p.relative_to(docs_dir).as_posix()] = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            out[p.relative_to(docs_dir).as_posix()] = e  # type: ignore[assignment]
    return out


def compile_pages(pages: dict[str, str], hints: dict | None = None) -> ApiModel:
    # The compile makes millions of small objects and keeps most of them: Python's cyclic GC walked them over
    # and over (the compile was superlinear in the corpus, all of it in the collector).  It is paused here;
    # the one kind of cycle the compile makes, its structure trees, is taken apart as soon as a tree is done.
    with paused():
        return _compile_pages(pages, hints)


def _release(root: Node | None) -> None:
    """Break a structure tree's parent/children cycles, so it is freed as soon as it is dropped."""
    stack = [root] if root is not None else []
    while stack:
        n = stack.pop()
        stack.extend(n.children)
        n.children = []
        n.parent = None


def _bare(line: Line | None) -> Line | None:
    return None if line is None else Line("", line.col, line.offset, line.lineno)


def _bare_lines(b: SchemaBlock) -> None:
    """A parsed block's lines are only positions from here on: drop their text (memory)."""
    for entries in (b.params, b.response):
        for e in entries:
            e.line = _bare(e.line)
            if isinstance(e, FieldEntry) and e.enum:
                e.enum = [(v, _bare(ln)) for v, ln in e.enum]
    for e in b.errors:
        e.line = _bare(e.line)
    b.method_line, b.url_line = _bare(b.method_line), _bare(b.url_line)
    b.required_line, b.return_line = _bare(b.required_line), _bare(b.return_line)


_NONE_PLACED: frozenset = frozenset()


def _settled(root: Node | None) -> None:
    """A built tree's placement bookkeeping (a set per node) is not read again: let it go."""
    stack = [root] if root is not None else []
    while stack:
        n = stack.pop()
        stack.extend(n.children)
        n.placed = _NONE_PLACED  # type: ignore[assignment]


def _compile_pages(pages: dict[str, str], hints: dict | None = None) -> ApiModel:
    hints = hints or {}
    model = ApiModel()
    diags = model.diagnostics
    raws: list[tuple[RawPage, dict[str, SchemaBlock]]] = []
    for path, text in pages.items():
        if isinstance(text, Exception):
            diags.append(Diagnostic("error", "page.unreadable", f"cannot read page: {text}", path))
            continue
        try:
            raw = read_page(path, text)
        except PageError as e:
            diags.append(Diagnostic("error", "page.not-a-method", str(e), e.where))
            continue
        except Exception as e:  # defensive: one bad page must not stop the others
            diags.append(Diagnostic("error", "page.parse-failed", f"{type(e).__name__}: {e}", path))
            continue
        blocks = {}
        for s in raw.surfaces:
            b = parse_block(s.schema)
            s.schema = []  # read: its entries keep the lines they need (memory)
            _bare_lines(b)
            for msg, ln in b.problems:
                diags.append(Diagnostic("warning", "page.construct", msg, _where(raw, ln)))
            blocks[s.kind] = b
        raws.append((raw, blocks))

    # ---- trees for both passes
    trees: list[_Tree] = []
    for raw, blocks in raws:
        title = raw.title or _title_from_velo(raw)
        rest_resp = _type_name(blocks["rest"].return_type) if "rest" in blocks else None
        for kind, b in blocks.items():
            if kind == "velo":
                continue
            req_key = f"{title}Request" if kind == "rest" else None
            resp_key = _type_name(b.return_type) or rest_resp or f"{title}Response"
            trees.append(_Tree(raw, kind, "params", b.params, req_key, options_key=f"{title}Request"))
            trees.append(_Tree(raw, kind, "response", b.response, resp_key))

    reg = Registry()
    broken: set[int] = set()
    for t in trees:  # pass 1: learn from what indentation settles
        r = Resolver(reg)
        try:
            first = r.build(t.entries, t.root_key, t.part == "params", t.options_key)
            r.learn_from(first)
            _release(first)
        except Exception as e:  # defensive: report the page, keep the others
            broken.add(id(t))
            diags.append(Diagnostic("error", "structure.failed", f"{t.surface} {t.part}: {type(e).__name__}: {e}", t.page.path))
    for key, h in (hints.get("shapes") or {}).items():
        if key in reg.shapes:
            diags.append(Diagnostic("info", "hints.redundant", f"hint for {key} is already settled by the pages", "contracts/hints.json"))
            continue
        reg.learn(key, h.get("fields", []), h.get("groups", []), h.get("field_types", {}), h.get("leaf", False), origin="hints")
    resolver = Resolver(reg)  # pass 2: decide everything
    made_by: list[tuple[int, RawPage]] = []  # (decisions made so far, page): each tree's decisions follow in turn
    for t in trees:
        if id(t) not in broken:
            before = len(resolver.dropped)
            t.root = resolver.build(t.entries, t.root_key, t.part == "params", t.options_key)
            _settled(t.root)
            made_by.append((len(resolver.decisions), t.page))
            _report_dropped(resolver.dropped[before:], t, diags)
    tree = 0
    for i, d in enumerate(resolver.decisions):
        e = d.entry
        while made_by[tree][0] <= i:
            tree += 1
        page = made_by[tree][1]
        what = e.name if isinstance(e, FieldEntry) else "ONE-OF"
        # (the same container paths recur in thousands of decisions: one string each)
        dd = {"page": page.path, "where": _where(page, e.line), "entry": what, "placed_under": sys.intern(d.chosen),
              "candidates": [sys.intern(c) for c in d.candidates], "resolved_by": d.resolved_by,
              "unresolved": d.unresolved}
        if d.note:
            dd["note"] = d.note
        model.decisions.append(dd)
        if d.unresolved:
            diags.append(Diagnostic("warning", "structure.ambiguous",
                                    f"{what}: placed under {d.chosen}; candidates {', '.join(d.candidates)}",
                                    _where(page, e.line), None))
    resolver.decisions = []  # recorded in the model (memory: they hold every entry)
    resolver.dropped = []

    ctx = _Ctx(hints, diags)
    ops_of: dict[int, Operation] = {}  # id(raw page) -> its operation
    trees_of: dict[int, list[_Tree]] = {}
    for t in trees:
        trees_of.setdefault(id(t.page), []).append(t)
    for raw, blocks in raws:
        mine = trees_of.get(id(raw), [])
        try:
            op, name_line = _operation(raw, blocks, mine, ctx)
        except Exception as e:  # defensive: a damaged page must not stop the others
            diags.append(Diagnostic("error", "page.parse-failed", f"{type(e).__name__}: {e}", raw.path))
            continue
        finally:  # this page's trees and entries are done with (memory)
            for t in mine:
                _release(t.root)
                t.root, t.entries = None, []
            blocks.clear()
        if not op.name:
            diags.append(Diagnostic("error", "page.no-method-name", "page names no method", raw.path))
            continue
        # the operation name becomes file names (schemas/rest/<name>.request.json) and keys
        if not is_identifier(op.name):
            diags.append(_bad_name("operation name", op.name, _where(raw, name_line), "operation dropped"))
            continue
        if op.title and not is_identifier(op.title):
            diags.append(_bad_name("page title", op.title, _where(raw, raw.title_line), "operation dropped"))
            continue
        if op.name in model.operations:
            diags.append(Diagnostic("error", "page.duplicate-operation", f"operation {op.name} is documented twice", raw.path))
            continue
        model.operations[op.name] = op
        ops_of[id(raw)] = op
    _cross_surface(model, ctx)
    _velo_options(model, raws, ops_of, reg, ctx)
    model.types = _canonical(model, "rest", diags)
    model.sdk_types = _canonical(model, "sdk", diags)
    model.sources["docs"] = sorted(r.url for r, _ in raws)
    return model


# ----------------------------------------------------------------- helpers

class _Ctx:
    def __init__(self, hints: dict, diags: list[Diagnostic]):
        self.hints = hints
        self.diags = diags
        self.int64 = set(hints.get("int64", []))
        self.array_items = hints.get("array_items", {})


def _label(name: str) -> str:
    """A field name as a message prefix (escaped and cut when it is not a plain name)."""
    return name if is_identifier(name) else shown(name)


def _bad_name(what: str, name: str, where: str, dropped: str) -> Diagnostic:
    return Diagnostic("error", "page.bad-name",
                      f"{what} {shown(name)} is not a plain identifier ({why_bad(name)}): {dropped}", where)


def _type_name(return_type: str | None) -> str | None:
    """A return type's name, or None when the page gives none or no usable one."""
    t = _strip_promise(return_type)
    return t if t and is_identifier(t) else None


def _report_dropped(dropped: list, t: _Tree, diags: list[Diagnostic]) -> None:
    """One diagnostic per reason: a page stacking thousands of levels gets one line, not thousands."""
    by: dict[str, list] = {}
    for e, why in dropped:
        by.setdefault(why, []).append(e)
    for why, es in by.items():
        diags.append(Diagnostic("error", "structure.dropped",
                                f"{t.surface} {t.part}: {len(es)} entr{'y' if len(es) == 1 else 'ies'} left out, {why}"
                                + (" (the first here)" if len(es) > 1 else ""), _where(t.page, es[0].line)))


def _where(page: RawPage, line) -> str:
    if line is None:
        return page.path
    return f"{page.path}:{line.lineno}" if line.col is not None else f"{page.path}@{line.offset}"


def _strip_promise(t: str | None) -> str | None:
    if not t:
        return None
    m = re.fullmatch(r"PROMISE<(.+)>", t)
    if m:
        return m.group(1)
    return None if t == "PROMISE" else t


def _velo_name(raw: RawPage) -> str:
    return raw.velo_signature.partition("(")[0].strip()


def _title_from_velo(raw: RawPage) -> str:
    name = _velo_name(raw)
    return name[:1].upper() + name[1:]


_UUID_DOC = re.compile(r"\bGUID\b")
_DT_DOC = re.compile(r"YYYY-MM-DDThh:mm:ss\.sssZ")


def _typeref(text: str, node: Node, ctx: _Ctx, page: RawPage) -> TypeRef:
    e: FieldEntry = node.entry  # type: ignore[assignment]
    if text in {"string", "integer", "number", "boolean"}:
        t = TypeRef(text)
        if text == "string":
            if norm(e.name) in ctx.int64:
                t.format = "int64"
            elif _DT_DOC.search(e.doc):
                t.format = "date-time"
            elif _UUID_DOC.search(e.doc):
                t.format = "uuid"
        return t
    if text in {"Date", "date"}:
        return TypeRef("date")
    if text == "object":
        return TypeRef("object")
    if text.startswith("array<") and text.endswith(">"):
        inner = text[6:-1]
        if inner in {"string", "integer", "number", "boolean"}:
            return TypeRef("array", items=TypeRef(inner))
        if not is_identifier(inner):
            ctx.diags.append(_bad_name(f"{_label(e.name)}: element type", inner, _where(page, e.line), "element type left unknown"))
            return TypeRef("array")
        return TypeRef("array", items=TypeRef.named(inner))
    if text == "array":
        if node.children:
            return TypeRef("array", items=TypeRef("object"))
        key = node.key or ""
        item = ctx.array_items.get(key)
        if item:
            return TypeRef("array", items=TypeRef(item))
        ctx.diags.append(Diagnostic("warning", "type.array-items-unknown",
                                    f"{e.name}: array whose element type the page does not give (key {key})", _where(page, e.line)))
        return TypeRef("array")
    if not text or text == e.name:
        return TypeRef("unknown")
    if not is_identifier(text):  # type names become file names (schemas/types/<name>.json)
        ctx.diags.append(_bad_name(f"{_label(e.name)}: type", text, _where(page, e.line), "type left unknown"))
        return TypeRef("unknown")
    if text[:1].isupper():
        return TypeRef.named(text)
    return TypeRef("unknown")


def _field(node: Node, page: RawPage, ctx: _Ctx) -> Field:
    e: FieldEntry = node.entry  # type: ignore[assignment]
    f = Field(e.name, _typeref(e.type_text, node, ctx, page), page.src(e.line), required=e.required, doc=e.doc)
    if e.enum:
        values = []
        for v, ln in e.enum:
            if is_identifier(v):
                values.append(EnumValue(v, page.src(ln)))
            else:
                ctx.diags.append(_bad_name(f"{_label(e.name)}: enum value", v, _where(page, ln), "value dropped"))
        f.enum = values or None
    f.members = _members(node, page, ctx)
    return f


def _members(node: Node, page: RawPage, ctx: _Ctx) -> list:
    out = []
    for c in node.children:
        if c.kind == "oneof":
            out.append(OneOf([_field(m, page, ctx) for m in c.children], page.src(c.entry.line), c.entry.required))  # type: ignore[union-attr]
        else:
            out.append(_field(c, page, ctx))
    return out


def _find(members: list, path: list[str]) -> Field | None:
    cur = members
    f = None
    for p in path:
        f = next((x for x in iter_fields(cur) if x.name == p), None)
        if f is None:
            return None
        cur = f.members
    return f


def _operation(raw: RawPage, blocks: dict[str, SchemaBlock], trees: list[_Tree], ctx: _Ctx):
    """The page's operation and the line its name comes from."""
    title = raw.title or _title_from_velo(raw)
    op = Operation(name="", title=title, page_url=raw.url, source=raw.src(raw.title_line), package=raw.package,
                   namespace=raw.namespace, scopes=list(raw.scopes))
    name_line = None
    descriptions = []
    for s in raw.surfaces:
        b = blocks[s.kind]
        kind = "rest" if s.kind == "rest" else "sdk"
        surf = Surface(kind, raw.src(b.method_line or s.heading), examples=s.examples)
        if not op.name:
            name_line = b.method_line if s.kind != "velo" else raw.title_line
        if s.kind == "rest":
            op.name = op.name or b.method_name
            surf.http_method = b.http_method
            surf.url = b.url
            if not b.url:
                ctx.diags.append(Diagnostic("warning", "page.no-url", "REST section gives no URL", _where(raw, s.heading)))
        elif s.kind == "sdk":
            surf.signature = b.method_name
            op.name = op.name or b.method_name.split("(")[0].split(".")[-1]
        else:  # velo
            surf.signature = raw.velo_signature
            op.name = op.name or _velo_name(raw)
        descriptions.append(b.description or raw.velo_description or raw.intro)
        surf.required_paths = list(b.required)
        if b.return_type == "PROMISE":
            ctx.diags.append(Diagnostic("warning", "page.return-type-truncated",
                                        "Return type is PROMISE without its type argument; taken from the REST section",
                                        _where(raw, b.return_line)))
        surf.response_type = _strip_promise(b.return_type)
        if surf.response_type and not is_identifier(surf.response_type):
            ctx.diags.append(_bad_name("return type", surf.response_type, _where(raw, b.return_line), "return type left out"))
            surf.response_type = None
        for t in trees:
            if t.surface == s.kind and t.root is not None:
                members = _members(t.root, raw, ctx)
                if t.part == "params":
                    surf.params = members  # type: ignore[assignment]
                else:
                    surf.response = members
                    surf.response_type = surf.response_type or t.root_key
        for p in surf.required_paths:
            f = _find(surf.params, p.split("."))
            if f is None:
                ctx.diags.append(Diagnostic("warning", "required.unknown-path",
                                            f"required parameter {p} names a field the section does not list",
                                            _where(raw, b.required_line)))
            else:
                f.required = True
        surf.errors = [ErrorDoc(x.http, x.status, x.app_code, raw.src(x.line)) for x in b.errors]
        op.surfaces[kind] = surf
    op.preconditions = _preconditions(" ".join(d for d in descriptions if d), op.source, ctx)
    rest = op.surfaces.get("rest")
    if rest and rest.url:
        path = rest.url.replace(WIX_API, "")
        if path.startswith(CANONICAL_PREFIX + "/"):
            op.path_aliases = [ALIAS_PREFIX + path[len(CANONICAL_PREFIX):]]
        for ex in rest.examples:
            if ex.url:
                ep = ex.url.replace(WIX_API, "").split("?")[0]
                if not ep.startswith(CANONICAL_PREFIX) and not any(re.sub(r"\{\w+\}", "x", a) == ep for a in op.path_aliases):
                    ctx.diags.append(Diagnostic("info", "example.alias-path", f"example calls {ep}", ex.source.ref()))
    return op, name_line


def _statuses(found: list[str], src: Source, ctx: _Ctx) -> list[str]:
    """Status names (they become the emulator's state values): plain identifiers only."""
    ok = []
    for s in found:
        if is_identifier(s):
            ok.append(s)
        else:
            ctx.diags.append(_bad_name("status", s, src.ref(), "status left out"))
    return ok


def _preconditions(desc: str, src: Source, ctx: _Ctx) -> list[Precondition]:
    out = []
    orig = re.search(r"Original status_*:?(.*?)(?:- _|$)", desc, re.S)
    target = re.search(r"Target status_*:?(.*?)(?:- _|###|$)", desc, re.S)
    aon = "all-or-nothing" in desc.lower()
    if orig or target:
        froms = _statuses(re.findall(r"`([A-Z][A-Z_]+)`", orig.group(1)), src, ctx) if orig else []
        tos = _statuses(re.findall(r"`([A-Z][A-Z_]+)`", target.group(1)), src, ctx) if target else []
        scope = "all-bookings" if aon or (orig and re.search(r"\bAll\b", orig.group(1))) else "booking"
        out.append(Precondition(froms, tos[0] if tos else None, aon, scope, src))
    else:
        m = re.search(r"status changes to `([A-Z][A-Z_]+)`", desc)
        if m and _statuses([m.group(1)], src, ctx):
            out.append(Precondition([], m.group(1), False, "booking", src))
    return out


def _cross_surface(model: ApiModel, ctx: _Ctx) -> None:
    """Fill what one surface leaves out from the other: the REST renderer's name-as-type
    glitch, Date-typed timestamps, a response the SDK section lost."""
    for op in model.operations.values():
        rest, sdk = op.surfaces.get("rest"), op.surfaces.get("sdk")
        if not rest or not sdk:
            continue
        sdk_index = _index(sdk.params) | _index(sdk.response, "response")
        for part, members in (("", rest.params), ("response", rest.response)):
            for path, f in _walk(members, part):
                other = sdk_index.get(path)
                if other is None and part == "":
                    other = sdk_index.get("options." + path)
                if f.type.kind == "unknown":
                    if other is not None and other.type.kind != "unknown":
                        f.type = TypeRef(other.type.kind, other.type.name, other.type.items, other.type.format)
                        ctx.diags.append(Diagnostic("info", "type.name-as-type",
                                                    f"{op.name}: REST {path or f.name} has its name as its type; type {f.type.describe()} taken from the SDK section",
                                                    f.source.ref(), "surface"))
                    else:
                        ctx.diags.append(Diagnostic("warning", "type.name-as-type",
                                                    f"{op.name}: REST {path} has its name as its type and no other surface says",
                                                    f.source.ref()))
                if other is not None and other.type.kind == "date" and f.type.kind == "string":
                    f.type.format = "date-time"


def _index(members: list, prefix: str = "") -> dict[str, Field]:
    return {p: f for p, f in _walk(members, prefix)}


def _walk(members: list, prefix: str):
    for f in iter_fields(members):
        p = f"{prefix}.{norm(f.name)}" if prefix else norm(f.name)
        yield p, f
        yield from _walk(f.members, p)


def _velo_options(model: ApiModel, raws, ops_of: dict[int, Operation], reg: Registry, ctx: _Ctx) -> None:
    """A Velo page lists no fields: build what the signature and the description name,
    and mark the operation incomplete."""
    for raw, blocks in raws:
        if not raw.velo_signature:
            continue
        op = ops_of.get(id(raw))  # this page's own operation (a name another page took is not it)
        sdk = op.surfaces.get("sdk") if op is not None else None
        if op is None or sdk is None:
            continue
        src = raw.src(raw.title_line)
        params = []
        _, paren, args = raw.velo_signature.partition("(")
        if not paren:
            ctx.diags.append(Diagnostic("warning", "page.velo-signature",
                                        "Velo method name gives no parameter list", _where(raw, raw.title_line)))
        for pname, ptype in re.findall(r"(\w+)\s*:\s*([\w<>\[\]]+)", args):
            if ptype in {"string", "number", "boolean"}:
                t = TypeRef(ptype)
            elif is_identifier(ptype):
                t = TypeRef.named(ptype)
            else:
                ctx.diags.append(_bad_name(f"{_label(pname)}: type", ptype, _where(raw, raw.title_line), "type left unknown"))
                t = TypeRef("unknown")
            params.append(Field(pname, t, src, required=(ptype in {"string", "number"})))
        desc = raw.velo_description
        opts = next((p for p in params if p.type.kind == "named"), None)
        for dotted in sorted(set(re.findall(r"`([a-z]\w*(?:\.[a-z]\w*)+)`", desc))):
            if opts is None:
                break
            parts = dotted.split(".")
            parent = opts
            for i, part in enumerate(parts):
                f = next((x for x in iter_fields(parent.members) if x.name == part), None)
                if f is None:
                    last = i == len(parts) - 1
                    t = _velo_type(part, dotted, desc, reg, last)
                    f = Field(part, t, src)
                    parent.members.append(f)
                parent = f
        for p in params:
            if p.type.kind == "named" and p.members:
                p.type = TypeRef("object")
            for f in iter_fields(p.members):
                if f.type.kind == "named" and f.type.name in reg.shapes:
                    f.members = []  # documented elsewhere in full: use the canonical type
        sdk.params = params
        op.complete = False
        op.incomplete_reasons = [
            "page lists no parameter fields: options built from the field paths its description names",
            "page documents no response",
            "page documents no errors",
        ]
        hint = (ctx.hints.get("operations") or {}).get(op.name, {})
        if "rest" in hint:
            h = hint["rest"]
            rsrc = Source("contracts/hints.json", origin="hints")
            rest = Surface("rest", rsrc, http_method=h.get("method"), url=h.get("url"))
            rest.params = [Field(p.name, p.type, p.source, members=p.members) for p in params if p.type.kind != "string"]
            rest.params = rest.params[0].members if rest.params else []
            op.surfaces = {"rest": rest, "sdk": sdk}
            op.incomplete_reasons.append("REST method and URL are not on the page: taken from contracts/hints.json")
            path = (h.get("url") or "").replace(WIX_API, "")
            if path.startswith(CANONICAL_PREFIX + "/"):
                op.path_aliases = [ALIAS_PREFIX + path[len(CANONICAL_PREFIX):]]
        if desc:
            op.preconditions = _preconditions(desc, src, ctx)


def _velo_type(part: str, dotted: str, desc: str, reg: Registry, last: bool) -> TypeRef:
    """Type of a field a Velo description names: `x` as `true` -> boolean; otherwise what
    the registry says of that field name when every known type agrees."""
    if last:
        m = re.search(r"`" + re.escape(dotted) + r"`\s+as\s+`(true|false)`", desc)
        if m:
            return TypeRef("boolean")
    seen = {s.field_types[part] for s in reg.shapes.values() if part in s.field_types}
    if len(seen) == 1:
        t = seen.pop()
        if t in {"string", "integer", "number", "boolean"}:
            return TypeRef(t)
        if t[:1].isupper() and is_identifier(t):  # a registry type text is page text too
            return TypeRef.named(t)
    return TypeRef("unknown") if last else TypeRef("object")


def _canonical(model: ApiModel, surface: str, diags: list[Diagnostic]) -> dict[str, TypeDef]:
    """Union of every occurrence of each named type (its canonical, full view)."""
    types: dict[str, TypeDef] = {}

    def visit(f: Field):
        t = f.type.items if f.type.kind == "array" and f.type.items else f.type
        if t.kind == "named" and t.name:
            td = types.get(t.name)
            if td is None:
                td = types[t.name] = TypeDef(t.name, f.source)
            td.origins.add("docs")
            if f.enum:
                names = [v.name for v in td.enum or []]
                td.enum = (td.enum or []) + [v for v in f.enum if v.name not in names]
            elif f.members:
                _merge_members(td, f.members, diags)
        for c in iter_fields(f.members):
            visit(c)

    for op in model.operations.values():
        s = op.surfaces.get(surface)
        if not s:
            continue
        for f in iter_fields(s.params):
            visit(f)
        for f in iter_fields(s.response):
            visit(f)
    return dict(sorted(types.items()))


def _optional(f: Field) -> Field:
    """Canonical types hold no request-side required flags."""
    return replace(f, required=False)


def _merge_members(td: TypeDef, members: list, diags: list[Diagnostic]) -> None:
    have = {norm(f.name) for f in iter_fields(td.members)}
    for m in members:
        if isinstance(m, OneOf):
            g = next((x for x in td.members if isinstance(x, OneOf) and {norm(f.name) for f in x.members} & {norm(f.name) for f in m.members}), None)
            if g is None:
                td.members.append(OneOf([_optional(f) for f in m.members], m.source, False))
            else:
                names = {norm(x.name) for x in g.members}
                for f in m.members:
                    if norm(f.name) in names:
                        continue
                    if len(g.members) >= MAX_GROUP:  # groups merged from many occurrences: same cap as one group
                        diags.append(Diagnostic("error", "structure.dropped",
                                                f"{td.name}: {_label(f.name)} left out of a ONE-OF group past {MAX_GROUP} members",
                                                f.source.ref()))
                        continue
                    g.members.append(_optional(f))
                    names.add(norm(f.name))
        elif norm(m.name) not in have:
            td.members.append(_optional(m))
            have.add(norm(m.name))
