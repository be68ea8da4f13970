"""Parse the SDK's TypeScript declarations (``.d.ts``) into IR type definitions.

What the Wix SDK typings look like, and what each construct becomes:

* ``interface X { a?: T; b: U }`` -> object ``TypeDef`` whose ``Field``s keep
  declaration order; ``?`` means not required; ``T | null`` is just ``T``.
* ONE-OF groups: the SDK declares ``/** @oneof */ interface XFooOneOf {a?; b?}`` and
  ``interface X extends XFooOneOf { a?; b?; ... }``, repeating the group's fields in
  ``X``.  The importer turns each such base into a ``OneOf`` placed where its first
  member appears in ``X``; the ``...OneOf`` helper itself is not a ``TypeDef``.
* ``declare enum E { A = "A" }`` and string-literal unions -> enums.  The SDK's
  ``type EWithLiterals = E | 'A' | ...`` aliases are resolved to the enum ``E``.
* ``Record<string, T>`` -> ``map`` (items ``None`` for ``any``), ``Date`` -> ``date``,
  ``T[]`` / ``Array<T>`` -> ``array``, ``any``/``object`` -> ``object``, inline
  ``{...}`` -> ``object`` with the members on the ``Field``.
* JSDoc tags: ``@format`` (``GUID`` -> ``uuid``, ``EMAIL`` -> ``email``, others
  lower-kebab-cased), ``@minLength``/``@maxLength``, ``@min``/``@max`` ->
  ``minimum``/``maximum``, ``@minSize``/``@maxSize`` -> ``minItems``/``maxItems``,
  ``@readonly``, ``@deprecated``, ``@internal``.  Scalar constraints of an array field
  apply to its items (JSON Schema's placement); size constraints to the array.
* ``declare function m(): __PublicMethodMetaInfo<'POST', {..}, A$1, A, B$1, B>`` ->
  :class:`MethodMeta` (HTTP method, path params, REST request/response type names).

Prose from the comments goes to ``Field.doc`` only (kept in memory, never emitted).
Problems are :class:`~wixcontracts.ir.Diagnostic`s naming file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wixcontracts.ir import (Diagnostic, EnumValue, Field, OneOf, Source, TypeDef, TypeRef, clone_member,
                             clone_members, clone_type, iter_fields)

from .ts import parse, unwrap
from .ts import line as _line
from .ts import string_value as _string_value
from .ts import text as _text


FORMAT_MAP = {
    "GUID": "uuid",
    "EMAIL": "email",
    "URL": "uri",
    "WEB_URL": "uri",
    "HOSTNAME": "hostname",
    "DATE_TIME": "date-time",
    "LOCAL_DATE": "date",
    "LOCAL_TIME": "time",
}
SCALAR_CONSTRAINTS = {"minLength": "minLength", "maxLength": "maxLength", "min": "minimum", "max": "maximum"}
SIZE_CONSTRAINTS = {"minSize": "minItems", "maxSize": "maxItems"}
META_INFO_TYPE = "__PublicMethodMetaInfo"
_MAX_SYNTAX_DIAGNOSTICS = 20


class TypingsError(ValueError):
    """A declaration file that cannot be used at all (one-line message)."""


def sdk_format(value: str) -> str:
    """``GUID`` -> ``uuid``; unknown formats become lower-kebab (``LOCAL_DATE_TIME`` -> ``local-date-time``)."""
    value = value.strip()
    return FORMAT_MAP.get(value, value.lower().replace("_", "-"))


def parse_number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None


@dataclass
class JsDoc:
    prose: str = ""
    tags: list[tuple[str, str]] = field(default_factory=list)

    def has(self, tag: str) -> bool:
        return any(t == tag for t, _ in self.tags)

    def value(self, tag: str) -> str | None:
        for t, v in self.tags:
            if t == tag:
                return v
        return None


_TAG_RE = re.compile(r"^@([A-Za-z][\w-]*)\s*(.*)$")


def parse_jsdoc(text: str) -> JsDoc:
    """Split a ``/** ... */`` comment into prose and ``(tag, first-line value)`` pairs."""
    if not text.startswith("/**"):
        return JsDoc()
    body = text[3:]
    if body.endswith("*/"):
        body = body[:-2]
    prose: list[str] = []
    tags: list[tuple[str, str]] = []
    for raw in body.splitlines():
        line = raw.strip()
        if line.startswith("*"):
            line = line[1:].strip()
        m = _TAG_RE.match(line)
        if m:
            tags.append((m.group(1), m.group(2).strip()))
        elif not tags and line:
            prose.append(line)
    return JsDoc(" ".join(prose), tags)


@dataclass
class MethodMeta:
    """One ``declare function x(): __PublicMethodMetaInfo<...>`` of ``meta.d.ts``."""

    name: str
    http_method: str | None
    path_params: list[str]
    request_type: str | None  # REST-shaped ("original") request type
    response_type: str | None
    source: Source


@dataclass
class Typings:
    path: str
    types: dict[str, TypeDef] = field(default_factory=dict)
    methods: dict[str, MethodMeta] = field(default_factory=dict)
    aliases: dict[str, TypeRef] = field(default_factory=dict)
    internal_fields: set[tuple[str, str]] = field(default_factory=set)  # (type, field) tagged @internal
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


# ------------------------------------------------------------------ helpers


def leading_jsdoc(node) -> JsDoc:
    """The ``/** ... */`` comment right above a declaration (or an empty JsDoc)."""
    prev = node.prev_named_sibling
    if prev is not None and prev.type == "comment":
        text = _text(prev)
        if text.startswith("/**") and prev.end_point[0] >= node.start_point[0] - 1:
            return parse_jsdoc(text)
    return JsDoc()


@dataclass
class _Decl:
    kind: str  # interface | enum | alias | function
    name: str
    node: object
    doc: JsDoc
    line: int


# ------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str, path: str, source_url: str, include_internal: bool):
        self.text = text
        self.path = path
        self.url = source_url
        self.include_internal = include_internal
        self.result = Typings(path=path)
        self.decls: dict[str, _Decl] = {}
        self.oneofs: set[str] = set()
        self._alias_cache: dict[str, tuple[TypeRef | None, list[EnumValue] | None]] = {}
        self._alias_stack: set[str] = set()
        self._resolved_members: dict[str, list] = {}
        self._resolving: set[str] = set()

    # -- diagnostics / sources
    def src(self, node_or_line) -> Source:
        line = node_or_line if isinstance(node_or_line, int) else _line(node_or_line)
        return Source(url=self.url, line=line, origin="sdk")

    def diag(self, severity: str, code: str, message: str, line: int) -> None:
        self.result.diagnostics.append(Diagnostic(severity, code, message, f"{self.path}:{line}"))

    # -- entry
    def run(self) -> Typings:
        tree = parse(self.text.encode("utf-8"))
        self._syntax_errors(tree.root_node)
        self._collect(tree.root_node)
        self.oneofs = {
            name
            for name, d in self.decls.items()
            if d.kind == "interface" and (name.endswith("OneOf") or d.doc.has("oneof"))
        }
        for name, d in self.decls.items():
            if d.kind == "enum":
                self.result.types[name] = self._enum(d)
            elif d.kind == "alias":
                self._alias(d)
            elif d.kind == "function":
                self._method(d)
        for name, d in self.decls.items():
            if d.kind == "interface" and name not in self.oneofs:
                self.result.types[name] = TypeDef(
                    name, self.src(d.line), members=self._interface_members(name), origins={"sdk"}
                )
        self._oneofs_used_as_types()
        self._check_refs()
        return self.result

    def _syntax_errors(self, root) -> None:
        if not root.has_error:
            return
        count = 0
        stack = [root]
        while stack and count < _MAX_SYNTAX_DIAGNOSTICS:
            node = stack.pop()
            if node.is_missing:
                self.diag("error", "sdk.syntax", f"syntax error: missing {node.type!r}", _line(node))
                count += 1
            elif node.is_error:
                snippet = " ".join(_text(node).split())[:40]
                self.diag("error", "sdk.syntax", f"syntax error near {snippet!r}", _line(node))
                count += 1
            elif node.has_error:
                stack.extend(reversed(node.children))

    def _collect(self, root) -> None:
        for child in root.named_children:
            node, carrier = unwrap(child)
            if node is None:
                continue
            kind = {
                "interface_declaration": "interface",
                "enum_declaration": "enum",
                "type_alias_declaration": "alias",
                "function_signature": "function",
            }.get(node.type)
            if kind is None:
                continue
            name_node = node.child_by_field_name("name")
            if name_node is None:
                continue
            name = _text(name_node)
            if name in self.decls:
                self.diag("warning", "sdk.duplicate", f"{name} is declared twice; the later one wins", _line(node))
            self.decls[name] = _Decl(kind, name, node, leading_jsdoc(carrier), _line(name_node))

    # -- enums and aliases
    def _enum(self, d: _Decl) -> TypeDef:
        values: list[EnumValue] = []
        body = d.node.child_by_field_name("body")
        for member in body.named_children if body is not None else []:
            if member.type == "enum_assignment":
                key = member.child_by_field_name("name")
                val = member.child_by_field_name("value")
                if val is not None and val.type == "string":
                    name = _string_value(val)
                else:
                    name = _string_key(key)
                values.append(EnumValue(name, self.src(member)))
            elif member.type in ("property_identifier", "string"):
                values.append(EnumValue(_string_key(member), self.src(member)))
        return TypeDef(d.name, self.src(d.line), enum=values, origins={"sdk"})

    def _alias(self, d: _Decl) -> None:
        if d.node.child_by_field_name("type_parameters") is not None:
            return  # generic helper (the method meta-info record), not a data type
        ref, enum = self._resolve_alias(d.name)
        if ref is None:
            return
        if enum is not None and ref.kind == "string":
            self.result.types[d.name] = TypeDef(d.name, self.src(d.line), enum=enum, origins={"sdk"})
        elif not (ref.kind == "named" and ref.name == d.name):
            self.result.aliases[d.name] = ref

    def _resolve_alias(self, name: str) -> tuple[TypeRef | None, list[EnumValue] | None]:
        if name in self._alias_cache:
            return self._alias_cache[name]
        d = self.decls[name]
        if name in self._alias_stack:
            self.diag("error", "sdk.alias-cycle", f"type alias {name} refers to itself", d.line)
            return TypeRef("object"), None
        self._alias_stack.add(name)
        try:
            value = d.node.child_by_field_name("value")
            if value is None:
                out: tuple[TypeRef | None, list[EnumValue] | None] = (None, None)
            else:
                ref, enum, members = self._type(value, context=name)
                if members:
                    # an object-literal alias: expose it as a named object type
                    self.result.types[name] = TypeDef(name, self.src(d.line), members=members, origins={"sdk"})
                    out = (TypeRef.named(name), None)
                elif ref is not None and ref.kind == "object" and value.type == "union_type":
                    # unions of object literals (the SDK's per-method error shapes): not data
                    if not d.doc.has("docsIgnore"):
                        self.diag("info", "sdk.alias-skipped", f"type alias {name} is a union of objects", d.line)
                    out = (None, None)
                else:
                    out = (ref, enum)
        finally:
            self._alias_stack.discard(name)
        self._alias_cache[name] = out
        return out

    # -- method meta info
    def _method(self, d: _Decl) -> None:
        ret = d.node.child_by_field_name("return_type")
        gen = ret.named_children[0] if ret is not None and ret.named_children else None
        if gen is None or gen.type != "generic_type":
            return
        name_node = gen.child_by_field_name("name")
        if name_node is None or _text(name_node) != META_INFO_TYPE:
            return
        args_node = gen.child_by_field_name("type_arguments")
        args = [a for a in (args_node.named_children if args_node is not None else []) if a.type != "comment"]
        http_method = None
        if args and args[0].type == "literal_type" and args[0].named_children:
            lit = args[0].named_children[0]
            if lit.type == "string":
                http_method = _string_value(lit).upper()
        path_params: list[str] = []
        if len(args) > 1 and args[1].type == "object_type":
            for prop in args[1].named_children:
                if prop.type == "property_signature":
                    path_params.append(_string_key(prop.child_by_field_name("name")))

        def type_name(i: int) -> str | None:
            if len(args) > i and args[i].type == "type_identifier":
                return _text(args[i])
            return None

        self.result.methods[d.name] = MethodMeta(
            d.name, http_method, path_params, type_name(3), type_name(5), self.src(d.line)
        )

    # -- interfaces
    def _interface_members(self, name: str) -> list:
        """Members of interface ``name``, inherited fields and ONE-OF groups included."""
        if name in self._resolved_members:
            return clone_members(self._resolved_members[name])
        d = self.decls[name]
        if name in self._resolving:
            self.diag("error", "sdk.extends-cycle", f"interface {name} extends itself", d.line)
            return []
        self._resolving.add(name)
        try:
            own = self._own_fields(name)
            members: list = list(own)
            inherited: list = []
            for base_name, base_line in self._bases(d.node):
                base = self.decls.get(base_name)
                if base is None or base.kind != "interface":
                    self.diag("warning", "sdk.unresolved-base", f"{name} extends unknown {base_name}", base_line)
                    continue
                if base_name in self.oneofs:
                    members = self._group(members, base_name, base_line)
                else:
                    declared = {f.name for f in iter_fields(members)}
                    for m in self._interface_members(base_name):
                        if isinstance(m, OneOf):
                            m.members = [f for f in m.members if f.name not in declared]
                            if m.members:
                                inherited.append(m)
                        elif m.name not in declared:
                            inherited.append(m)
            members = inherited + members
        finally:
            self._resolving.discard(name)
        self._resolved_members[name] = members
        return clone_members(members)

    def _bases(self, node):
        for child in node.named_children:
            if child.type == "extends_type_clause":
                for t in child.named_children:
                    if t.type in ("type_identifier", "nested_type_identifier"):
                        yield _text(t).split(".")[-1], _line(t)
                    elif t.type == "generic_type":
                        n = t.child_by_field_name("name")
                        if n is not None:
                            yield _text(n).split(".")[-1], _line(t)

    def _group(self, members: list, oneof_name: str, line: int) -> list:
        """Gather the fields of ONE-OF helper ``oneof_name`` into a ``OneOf`` in ``members``."""
        group_fields = self._own_fields(oneof_name)
        names = [f.name for f in group_fields]
        by_name = {m.name: m for m in members if isinstance(m, Field)}
        picked = [by_name.get(n) or clone_member(f) for n, f in zip(names, group_fields)]
        group = OneOf(picked, self.src(self.decls[oneof_name].line), required=False)
        out: list = []
        placed = False
        for m in members:
            if isinstance(m, Field) and m.name in names:
                if not placed:
                    out.append(group)
                    placed = True
                continue
            out.append(m)
        if not placed:
            out.insert(0, group)
        if not picked:
            self.diag("info", "sdk.empty-oneof", f"ONE-OF {oneof_name} has no fields here", line)
            out.remove(group)
        return out

    def _own_fields(self, owner: str) -> list[Field]:
        body = self.decls[owner].node.child_by_field_name("body")
        return self._object_fields(body, owner) if body is not None else []

    def _object_fields(self, body, owner: str) -> list[Field]:
        fields: list[Field] = []
        for prop in body.named_children:
            if prop.type == "property_signature":
                f = self._field(prop, owner)
                if f is not None:
                    fields.append(f)
            elif prop.type in ("method_signature", "index_signature", "call_signature", "construct_signature"):
                self.diag("info", "sdk.member-skipped", f"{owner}: {prop.type.replace('_', ' ')} ignored", _line(prop))
        return fields

    def _field(self, prop, owner: str) -> Field | None:
        name_node = prop.child_by_field_name("name")
        if name_node is None:
            return None
        name = _string_key(name_node)
        doc = leading_jsdoc(prop)
        if doc.has("internal"):
            self.result.internal_fields.add((owner, name))
            if not self.include_internal:
                return None
        ann = prop.child_by_field_name("type")
        if ann is None:
            ref, enum, members = TypeRef("object"), None, []
            self.diag("warning", "sdk.untyped", f"{owner}.{name} has no type annotation", _line(prop))
        else:
            tnode = ann.named_children[0] if ann.type == "type_annotation" else ann
            ref, enum, members = self._type(tnode, context=f"{owner}.{name}")
            if ref is None:
                return None  # functions and the like: not data
        optional = any(c.type == "?" for c in prop.children)
        read_only = any(c.type == "readonly" for c in prop.children)
        f = Field(
            name=name,
            type=ref,
            source=self.src(prop),
            required=not optional,
            enum=enum,
            members=members or [],
            doc=doc.prose,
            read_only=read_only or doc.has("readonly"),
            deprecated=doc.has("deprecated"),
            origins={"sdk"},
        )
        self._apply_tags(f, doc, prop, owner)
        return f

    def _apply_tags(self, f: Field, doc: JsDoc, prop, owner: str) -> None:
        scalar = f.type.items if f.type.kind in ("array", "map") and f.type.items is not None else f.type
        for tag, value in doc.tags:
            if tag == "format":
                if value:
                    scalar.format = sdk_format(value.split()[0])
            elif tag in SCALAR_CONSTRAINTS or tag in SIZE_CONSTRAINTS:
                num = parse_number(value.split()[0]) if value else None
                if num is None:
                    self.diag("warning", "sdk.bad-tag", f"{owner}.{f.name}: @{tag} needs a number", _line(prop))
                    continue
                if tag in SCALAR_CONSTRAINTS:
                    scalar.constraints[SCALAR_CONSTRAINTS[tag]] = num
                elif f.type.kind == "array":
                    f.type.constraints[SIZE_CONSTRAINTS[tag]] = num
                elif f.type.kind == "map":
                    f.type.constraints[SIZE_CONSTRAINTS[tag].replace("Items", "Properties")] = num
                else:
                    self.diag("warning", "sdk.bad-tag", f"{owner}.{f.name}: @{tag} on a non-array", _line(prop))

    # -- type expressions
    def _type(self, node, context: str) -> tuple[TypeRef | None, list[EnumValue] | None, list | None]:
        """(type, inline enum values, inline object members) of a type expression."""
        t = node.type
        if t in ("parenthesized_type", "readonly_type", "type_annotation"):
            inner = node.named_children[-1] if node.named_children else None
            return self._type(inner, context) if inner is not None else (TypeRef("object"), None, None)
        if t == "predefined_type":
            word = _text(node)
            if word in ("string", "number", "boolean"):
                return TypeRef(word), None, None
            if word == "bigint":
                return TypeRef("integer", format="int64"), None, None
            if word in ("any", "unknown", "object"):
                return TypeRef("object"), None, None
            return None, None, None  # void / never / undefined
        if t in ("type_identifier", "nested_type_identifier"):
            return self._named(_text(node).split(".")[-1]), None, None
        if t == "array_type":
            inner = node.named_children[0]
            items, enum, members = self._type(inner, context)
            ref = TypeRef("array", items=items)
            return ref, enum, members
        if t == "generic_type":
            return self._generic(node, context)
        if t == "union_type":
            return self._union(node, context)
        if t == "literal_type":
            lit = node.named_children[0] if node.named_children else None
            if lit is None or lit.type in ("null", "undefined"):
                return None, None, None
            if lit.type == "string":
                return TypeRef("string"), [EnumValue(_string_value(lit), self.src(lit))], None
            if lit.type in ("true", "false"):
                return TypeRef("boolean"), None, None
            return TypeRef("number"), None, None
        if t == "object_type":
            return TypeRef("object"), None, self._object_fields(node, context)
        if t in ("function_type", "constructor_type"):
            return None, None, None
        self.diag("warning", "sdk.type-unsupported", f"{context}: type form {t} read as object", _line(node))
        return TypeRef("object"), None, None

    def _named(self, name: str) -> TypeRef:
        if name == "Date":
            return TypeRef("date")
        if name == "Uint8Array":  # proto bytes: base64 text in JSON
            return TypeRef("string", format="byte")
        d = self.decls.get(name)
        if d is not None and d.kind == "alias":
            ref, _enum = self._resolve_alias(name)
            if ref is not None and not (ref.kind == "string" and _enum is not None):
                return clone_type(ref)
        return TypeRef.named(name)

    def _generic(self, node, context: str):
        name_node = node.child_by_field_name("name")
        name = _text(name_node).split(".")[-1] if name_node is not None else ""
        args_node = node.child_by_field_name("type_arguments")
        args = [a for a in (args_node.named_children if args_node is not None else []) if a.type != "comment"]
        if name in ("Array", "ReadonlyArray") and len(args) == 1:
            items, enum, members = self._type(args[0], context)
            return TypeRef("array", items=items), enum, members
        if name == "Record" and len(args) == 2:
            value = args[1]
            if value.type == "predefined_type" and _text(value) in ("any", "unknown"):
                return TypeRef("map"), None, None
            items, _enum, _members = self._type(value, context)
            return TypeRef("map", items=items), None, None
        if name in ("Partial", "Required", "Readonly", "NonNullable") and len(args) == 1:
            return self._type(args[0], context)
        self.diag("warning", "sdk.type-unsupported", f"{context}: generic {name}<...> read as object", _line(node))
        return TypeRef("object"), None, None

    def _union(self, node, context: str):
        parts: list = []

        def flatten(n):
            if n.type == "union_type":
                for c in n.named_children:
                    flatten(c)
            elif n.type == "parenthesized_type" and n.named_children and n.named_children[0].type == "union_type":
                flatten(n.named_children[0])
            else:
                parts.append(n)

        flatten(node)
        kept = [
            p
            for p in parts
            if not (
                (p.type == "literal_type" and p.named_children and p.named_children[0].type in ("null", "undefined"))
                or (p.type == "predefined_type" and _text(p) in ("undefined", "null", "void"))
            )
        ]
        if not kept:
            return TypeRef("object"), None, None
        if len(kept) == 1:
            return self._type(kept[0], context)
        literals = [p for p in kept if p.type == "literal_type" and p.named_children[0].type == "string"]
        others = [p for p in kept if p not in literals]
        if not others:
            return TypeRef("string"), [EnumValue(_string_value(p.named_children[0]), self.src(p)) for p in literals], None
        if len(others) == 1 and others[0].type == "type_identifier":
            target = _text(others[0])
            d = self.decls.get(target)
            if d is not None and d.kind == "enum":
                return TypeRef.named(target), None, None  # E | 'A' | 'B': the SDK's "WithLiterals"
        if all(p.type == "object_type" for p in kept):
            return TypeRef("object"), None, None
        converted = [self._type(p, context) for p in kept]
        kinds = {c[0].describe() for c in converted if c[0] is not None}
        if len(kinds) == 1:
            return converted[0]
        self.diag("warning", "sdk.union", f"{context}: union of {sorted(kinds)} read as object", _line(node))
        return TypeRef("object"), None, None

    # -- post passes
    def _oneofs_used_as_types(self) -> None:
        """A ONE-OF helper referenced as a field type gets a TypeDef holding one group."""
        for name in sorted(self._referenced() & self.oneofs):
            d = self.decls[name]
            fields = self._own_fields(name)
            self.result.types[name] = TypeDef(
                name, self.src(d.line), members=[OneOf(fields, self.src(d.line))], origins={"sdk"}
            )

    def _walk_refs(self):
        def visit_ref(ref: TypeRef | None, where: Source):
            while ref is not None:
                if ref.kind == "named" and ref.name:
                    yield ref.name, where
                ref = ref.items

        def visit_members(members, owner_src):
            for f in iter_fields(members):
                yield from visit_ref(f.type, f.source)
                yield from visit_members(f.members, f.source)

        for td in list(self.result.types.values()):
            yield from visit_members(td.members, td.source)
        for alias in self.result.aliases.values():
            yield from visit_ref(alias, Source(self.url, origin="sdk"))

    def _referenced(self) -> set[str]:
        return {name for name, _ in self._walk_refs()}

    def _check_refs(self) -> None:
        seen: set[str] = set()
        for name, where in self._walk_refs():
            if name in self.result.types or name in seen:
                continue
            seen.add(name)
            self.diag("warning", "sdk.unresolved-type", f"type {name} is not declared in this file", where.line or 0)


def _string_key(node) -> str:
    if node is None:
        return ""
    if node.type == "string":
        return _string_value(node)
    return _text(node)


# ------------------------------------------------------------------- public


def parse_typings(
    text: str | bytes,
    path: str = "<memory>",
    *,
    source_url: str | None = None,
    include_internal: bool = True,
    strict: bool = False,
) -> Typings:
    """Parse declaration text.  ``path`` names the file in diagnostics; ``source_url``
    (default ``path``) goes into every ``Source``.  ``include_internal=False`` drops
    fields tagged ``@internal``.  ``strict=True`` raises :class:`TypingsError` on the
    first error diagnostic (syntax errors, cycles) instead of returning it."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TypingsError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    result = _Parser(text, path, source_url or path, include_internal).run()
    if strict and result.errors:
        first = result.errors[0]
        more = len(result.errors) - 1
        raise TypingsError(f"{first.where}: {first.message}" + (f" (+{more} more)" if more else ""))
    return result


def parse_typings_file(path, *, source_url: str | None = None, include_internal: bool = True, strict: bool = False) -> Typings:
    from pathlib import Path

    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise TypingsError(f"{p}: cannot read ({exc.strerror or exc})") from None
    return parse_typings(data, str(p), source_url=source_url, include_internal=include_internal, strict=strict)
