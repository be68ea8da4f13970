"""IR -> JSON Schema (draft 2020-12).

Rules (see README "Schema rules"):
* requests are *closed* (``additionalProperties: false``): an undocumented field is a bug;
  responses are *open*: an undocumented field is drift, reported by the validator.
* ONE-OF -> "at most one of these keys" (``not: anyOf`` of every pair), "exactly one"
  when the group is required.  The group is named in ``x-wix-one-of``.
* int64 documented as string (``revision``): responses carry digit strings; requests accept
  a digit string or a JSON integer (proto3 JSON parsing accepts both).
* Every node carries ``x-wix-source``: page URL + line (live pages) or offset (collapsed).

Recursion safety (types may refer to themselves or to each other, and a model from a
damaged page may nest deeply):
* a named type's shared definition is built once, by a work list (``ref``): a chain of
  types that refer to one another never deepens the call stack, and a cycle is a ``$ref``;
* a request inlines a named type's body ("view") with the type's other fields only while
  that type is not already being inlined further out and the nesting is under
  ``MAX_VIEW_DEPTH`` (else the listed fields alone: a finite tree); after
  ``MAX_VIEW_FIELDS`` fields in one emitter it refers to the shared definition instead (views
  of views of mutually recursive types would otherwise grow the output exponentially);
* a field nested ``MAX_NESTING`` levels deep is emitted as ``x-wix-too-deep`` instead of
  being followed.
"""

from __future__ import annotations

import copy
from itertools import combinations

from ..ir import ApiModel, Field, OneOf, Operation, Surface, TypeDef, TypeRef, iter_fields
from ..ir import path_params as url_path_params

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# "$" also matches before a trailing newline in Python's re; this anchor does not,
# and behaves the same in jsonschema-rs.
INT64_PATTERN = r"^-?[0-9]{1,19}(?![\s\S])"
MAX_VIEW_DEPTH = 32  # past this nesting, views add no canonical fields
MAX_VIEW_FIELDS = 4000  # past this many fields in one emitter, no more views (the real pages: ~400)
MAX_NESTING = 96  # past this nesting, fields are not followed (the docs compiler keeps 40)


# google.protobuf.FieldMask in proto3 JSON is ONE comma-separated string of field paths ("name,price"):
# the official client sends that; Wix's own responses also use {"paths": [...]}, and the typings declare
# a string array. All three are accepted.
FIELD_MASK = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}},
                        {"type": "object", "properties": {"paths": {"type": "array", "items": {"type": "string"}}},
                         "required": ["paths"]}], "x-wix-field-mask": True}
# proto3 JSON writes a non-finite float as a string; the official client does too (transformSDKFloatToRESTFloat)
NON_FINITE = {"type": "string", "enum": ["NaN", "Infinity", "-Infinity"]}


class Emitter:
    """Builds standalone schemas for one surface and direction, collecting the named
    types they reach into ``defs``."""

    def __init__(self, types: dict[str, TypeDef], direction: str, *, open_objects: bool | None = None):
        self.types = types
        self.direction = direction  # request | response
        self.closed = direction == "request" if open_objects is None else not open_objects
        self.defs: dict[str, dict] = {}
        self.ref_prefix = "#/$defs/"
        self.ref_suffix = ""
        # the page's required-ness for this request (paths like "booking.bookedEntity" and
        # ONE-OF groups like "booking.(totalParticipants|participantsChoices)"), applied on
        # a request-specific copy of the shared type
        self.required_paths: set[str] = set()
        self._path: list[str] = []
        self._viewing: list[str] = []  # named types whose body is being inlined, outermost first
        self._pending: list[str] = []  # reserved defs still to build (see ref)
        self._filling = False
        self._fields = 0  # fields emitted so far (the view budget)

    def _here(self) -> str:
        return ".".join(self._path)

    def _needs_view(self) -> bool:
        here = self._here()
        return self.direction == "request" and bool(here) and any(p.startswith(here + ".") for p in self.required_paths)

    def _may_view(self, name: str | None) -> bool:
        """Whether ``name``'s whole body may be inlined here: not inside its own view (a
        cycle), not too deep, and within the budget."""
        return name not in self._viewing and len(self._path) < MAX_VIEW_DEPTH and self._fields < MAX_VIEW_FIELDS

    def _view(self, name: str | None, members: list, canonical: TypeDef | None = None) -> dict:
        """``name``'s body inlined (a request's own view of a named type).  Inside a view of
        the same type (a recursive type) or past MAX_VIEW_DEPTH, the canonical type's other
        fields are not added again: the listed members are a finite tree, so this ends.  Past
        the budget, a ``$ref`` to the shared definition."""
        if self._fields >= MAX_VIEW_FIELDS:
            return self.ref(name or "")
        if not self._may_view(name):
            canonical = None
        self._viewing.append(name or "")
        try:
            return self.object(members, title=name, canonical=canonical)
        finally:
            self._viewing.pop()

    # -- types -------------------------------------------------------------------
    def typeref(self, t: TypeRef, f: Field | None = None) -> dict:
        k = t.kind
        if k == "string":
            s: dict = {"type": "string"}
            if t.format == "int64":
                if self.direction == "request":
                    return {"anyOf": [{"type": "string", "pattern": INT64_PATTERN}, {"type": "integer"}], "x-wix-int64": True}
                return {"type": "string", "pattern": INT64_PATTERN, "x-wix-int64": True}
            if t.format:
                s["format"] = t.format
            s.update(_string_constraints(t.constraints))
            return s
        if k in {"integer", "number", "boolean"}:
            s = {"type": k}
            s.update({x: v for x, v in t.constraints.items() if x in {"minimum", "maximum"}})
            return s
        if k == "date":
            return {"type": "string", "format": "date-time"}
        if k == "object":
            return {"type": "object"}
        if k == "map":
            return {"type": "object", "additionalProperties": self.typeref(t.items) if t.items else True}
        if k == "array":
            s = {"type": "array"}
            if t.items is not None:
                if t.items.kind == "object" and f is not None and f.members:
                    s["items"] = self.object(f.members)
                elif t.items.kind == "named" and f is not None and f.members and self.direction == "request":
                    s["items"] = self._view(t.items.name, f.members, self.types.get(t.items.name or ""))
                elif (t.items.kind == "named" and self._needs_view() and t.items.name in self.types
                      and self._may_view(t.items.name)):
                    s["items"] = self._view(t.items.name, self.types[t.items.name].members)
                else:
                    s["items"] = self.typeref(t.items)
            s.update({x: v for x, v in t.constraints.items() if x in {"minItems", "maxItems"}})
            return s
        if k == "named":
            if f is not None and f.enum:
                return self.ref_enum(t.name or "", f)
            if f is not None and f.members and self.direction == "request":
                return self._view(t.name, f.members, self.types.get(t.name or ""))  # the request's own view
            if (self._needs_view() and t.name in self.types and self.types[t.name].enum is None
                    and self._may_view(t.name)):
                return self._view(t.name, self.types[t.name].members)
            return self.ref(t.name or "")
        return {"x-wix-type-unknown": True}

    def ref(self, name: str) -> dict:
        """A ``$ref`` to ``name``'s shared definition.  The definition is reserved at once (so
        a type that reaches itself refers to it) and built by the outermost ``ref`` call from a
        work list: types referring to types never nest calls, however long the chain.
        ``defs`` is complete when the outermost call returns."""
        if name not in self.defs:
            self.defs[name] = {}  # reserve: recursion guard
            self._pending.append(name)
            if not self._filling:
                self._filling = True
                try:
                    while self._pending:
                        self._define(self._pending.pop())
                finally:
                    self._filling = False
                    self._pending.clear()
        return {"$ref": self.ref_prefix + name + self.ref_suffix}

    def _define(self, name: str) -> None:
        td = self.types.get(name)
        if td is None:
            self.defs[name] = {"x-wix-type-unknown": True}
        elif td.enum is not None:
            self.defs[name] = {"type": "string", "x-wix-source": td.source.ref()}
            if td.enum:
                self.defs[name]["enum"] = [v.name for v in td.enum]
        else:
            # page-specific required-ness (and views in progress) stay out of shared defs
            saved = self._path, self._viewing
            self._path, self._viewing = ["<shared>"], []
            try:
                self.defs[name] = self.object(td.members, title=name, src=td.source.ref())
            finally:
                self._path, self._viewing = saved

    def ref_enum(self, name: str, f: Field) -> dict:
        td = self.types.get(name)
        if td is not None and td.enum is not None and {v.name for v in td.enum} >= {v.name for v in f.enum or []}:
            return self.ref(name)
        return {"type": "string", "enum": [v.name for v in f.enum or []]}

    # -- objects -----------------------------------------------------------------
    def field(self, f: Field) -> dict:
        if len(self._path) >= MAX_NESTING:
            return {"x-wix-too-deep": True, "x-wix-source": f.source.ref()}
        self._fields += 1
        self._path.append(f.name[1:] if f.name.startswith("_") else f.name)
        try:
            return self._field(f)
        finally:
            self._path.pop()

    def _field(self, f: Field) -> dict:
        s = self.typeref(f.type, f)
        if f.enum and f.type.kind != "named":
            s = {"type": "string", "enum": [v.name for v in f.enum]}
        if f.wire == "field-mask":
            s = copy.deepcopy(FIELD_MASK)
            s["anyOf"][2]["properties"]["paths"]["x-wix-source"] = f.source.ref()
        elif f.wire == "float":
            s = dict(s)
            if s.get("type") == "array" and isinstance(s.get("items"), dict):
                s["items"] = {"anyOf": [s["items"], NON_FINITE], "x-wix-float": True}
            else:
                s = {"anyOf": [s, NON_FINITE], "x-wix-float": True}
        s = dict(s)
        if f.read_only:
            s["readOnly"] = True
        if f.deprecated:
            s["deprecated"] = True
        if not f.public:
            s["x-wix-non-public"] = True  # only the SDK's internal typings declare it
        s["x-wix-source"] = f.source.ref()
        if f.also:
            s["x-wix-also"] = [x.ref() for x in f.also]
        return s

    def object(self, members: list, *, title: str | None = None, src: str | None = None,
               canonical: TypeDef | None = None) -> dict:
        """An object schema.  With ``canonical`` (a request's view of a named type), fields
        the type has but this request does not list are added as ``readOnly`` and
        ``x-wix-not-in-request``: sending them is drift the API ignores, not a typo."""
        props: dict[str, dict] = {}
        required: list[str] = []
        all_of: list[dict] = []
        if canonical is not None and canonical.members:
            listed = {f.name for f in iter_fields(members)}
            extra = []
            for m in canonical.members:
                if isinstance(m, OneOf):
                    if not {f.name for f in m.members} & listed:
                        extra.append(m)
                elif m.name not in listed:
                    extra.append(m)
            members = list(members) + [("omitted", m) for m in extra]
        for m in members:
            omitted = isinstance(m, tuple)
            if omitted:
                m = m[1]
                if isinstance(m, OneOf):
                    for f in m.members:
                        props[f.name] = {**self.field(f), "readOnly": True, "x-wix-not-in-request": True}
                    continue
                props[m.name] = {**self.field(m), "readOnly": True, "x-wix-not-in-request": True}
                continue
            prefix = self._here() + "." if self._path else ""
            if isinstance(m, OneOf):
                names = [f.name for f in m.members]
                for f in m.members:
                    props[f.name] = self.field(f)
                group_required = m.required or f"{prefix}({'|'.join(names)})" in self.required_paths
                all_of.extend(one_of_constraints(names, group_required, m.source.ref()))
            else:
                props[m.name] = self.field(m)
                if m.required or prefix + m.name in self.required_paths:
                    required.append(m.name)
        s: dict = {"type": "object"}
        if title:
            s["title"] = title
        s["properties"] = props
        if required:
            s["required"] = required
        if all_of:
            s["allOf"] = all_of
        if self.closed:
            s["additionalProperties"] = False
        if src:
            s["x-wix-source"] = src
        return s

    def document(self, root: dict, *, title: str, extra: dict | None = None) -> dict:
        doc = {"$schema": SCHEMA_DIALECT, "title": title}
        doc.update(extra or {})
        doc.update(root)
        if self.defs:
            doc["$defs"] = dict(sorted(self.defs.items()))
        return doc


def one_of_constraints(names: list[str], required: bool, src: str) -> list[dict]:
    out = []
    if len(names) > 1:
        out.append({"not": {"anyOf": [{"required": [a, b]} for a, b in combinations(names, 2)]},
                    "x-wix-one-of": names, "x-wix-source": src})
    if required:
        out.append({"anyOf": [{"required": [n]} for n in names], "x-wix-one-of": names, "x-wix-one-of-required": True,
                    "x-wix-source": src})
    return out


def _string_constraints(c: dict) -> dict:
    return {k: v for k, v in c.items() if k in {"minLength", "maxLength", "pattern"}}


# ------------------------------------------------------------------ per operation

def path_params(op: Operation) -> list[str]:
    rest = op.surfaces.get("rest")
    return url_path_params(rest.url) if rest else []


def request_schema(model: ApiModel, op: Operation, surface: str) -> dict:
    s: Surface = op.surfaces[surface]
    types = model.types if surface == "rest" else model.sdk_types
    em = Emitter(types, "request", open_objects=not op.complete)
    if surface == "rest":
        em.required_paths = set(s.required_paths)
    root = em.object(s.params, src=s.source.ref())
    if surface == "rest":
        add_path_fields(em, root, op)
    extra = {"x-wix-operation": op.id, "x-wix-surface": surface, "x-wix-direction": "request"}
    if not op.complete:
        extra["x-wix-incomplete"] = op.incomplete_reasons
    return em.document(root, title=f"{op.title} request ({surface})", extra=extra)


def path_fields(op: Operation) -> list[Field]:
    """The top-level request fields the URL path binds: the SDK's declarations, else (docs-only builds)
    a plain string per top-level path parameter."""
    rest = op.surfaces["rest"]
    declared = {f.name: f for f in rest.path_fields}
    out = []
    for p in path_params(op):
        if "." in p:
            continue  # a nested field ({service.id}) is declared inside its object already
        out.append(declared.get(p) or Field(p, TypeRef("string"), rest.source))
    return out


def add_path_fields(em: "Emitter", root: dict, op: Operation) -> None:
    """The request message includes what the path binds: the official client repeats path fields in the
    body (and in the query for GET).  They are optional there; when present they must equal the path's
    value, which the validator checks (``x-wix-path-param``)."""
    props = root.setdefault("properties", {})
    for f in path_fields(op):
        if f.name not in props:
            props[f.name] = {**em.field(f), "x-wix-path-param": f.name}


def bound_field(model: ApiModel, op: Operation, param: str) -> Field | None:
    """The request field a path parameter binds (``bookingId``; ``service.id`` is ``id`` inside ``service``):
    the REST declaration, else the SDK surface's."""
    rest, sdk = op.surfaces.get("rest"), op.surfaces.get("sdk")
    for members in ((rest.path_fields + rest.params) if rest else [], sdk.params if sdk else []):
        f: Field | None = None
        for part in param.split("."):
            f = next((x for x in iter_fields(members) if x.name == part), None)
            if f is None:
                break
            members = f.members or (model.types[f.type.name].members
                                    if f.type.kind == "named" and f.type.name in model.types else [])
        if f is not None:
            return f
    return None


def path_schema(model: ApiModel, op: Operation) -> dict:
    props = {}
    for p in path_params(op):
        f = bound_field(model, op, p)
        s: dict = {"type": "string", "minLength": 1}
        if f is not None and f.type.format == "uuid":
            s["format"] = "uuid"
        s["x-wix-source"] = (f.source if f is not None else op.surfaces["rest"].source).ref()
        props[p] = s
    root = {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}
    return {"$schema": SCHEMA_DIALECT, "title": f"{op.title} path parameters", "x-wix-operation": op.id, **root}


def response_schema(model: ApiModel, op: Operation, surface: str) -> dict:
    s: Surface = op.surfaces[surface]
    types = model.types if surface == "rest" else model.sdk_types
    em = Emitter(types, "response")
    root = em.object(s.response, src=s.source.ref())
    extra = {"x-wix-operation": op.id, "x-wix-surface": surface, "x-wix-direction": "response"}
    if not s.response:
        extra["x-wix-incomplete"] = ["no response documented"]
    return em.document(root, title=f"{op.title} response ({surface})", extra=extra)


def error_envelope(codes: list[str] | None, src: str | None = None) -> dict:
    """The Wix error envelope; ``codes`` restricts applicationError.code."""
    code: dict = {"type": "string"}
    if codes:
        code["enum"] = codes
    app = {"type": "object", "properties": {"code": code, "description": {"type": "string"}, "data": {"type": "object"}},
           "required": ["code"]}
    violation = {"type": "object", "properties": {
        "field": {"type": "string"}, "description": {"type": "string"}, "violatedRule": {"type": "string"},
        "ruleName": {"type": "string"}, "data": {"type": "object"}}, "required": ["field"]}
    val = {"type": "object", "properties": {"fieldViolations": {"type": "array", "items": violation}},
           "required": ["fieldViolations"]}
    details = {"type": "object", "properties": {"applicationError": app, "validationError": val},
               "minProperties": 1,
               "not": {"required": ["applicationError", "validationError"]}, "x-wix-one-of": ["applicationError", "validationError"]}
    s = {"type": "object", "properties": {"message": {"type": "string"}, "details": details}, "required": ["message", "details"]}
    if src:
        s["x-wix-source"] = src
    return s


def errors_by_status(op: Operation) -> dict[int, list]:
    s = op.default_surface
    out: dict[int, list] = {}
    for e in (op.surfaces.get("rest") or s).errors if s else []:
        out.setdefault(e.http_status, []).append(e)
    return dict(sorted(out.items()))


def error_schema(model: ApiModel, op: Operation) -> dict:
    by = errors_by_status(op)
    defs = {}
    for status, errs in by.items():
        codes = sorted({e.application_code for e in errs})
        d = error_envelope(codes, errs[0].source.ref())
        d["x-wix-status-codes"] = sorted({e.status_code for e in errs})
        defs[f"http{status}"] = d
    root = error_envelope(sorted({e.application_code for errs in by.values() for e in errs}) or None)
    doc = {"$schema": SCHEMA_DIALECT, "title": f"{op.title} error response", "x-wix-operation": op.id,
           "x-wix-documented-statuses": list(by), **root}
    if defs:
        doc["$defs"] = defs
    return doc


def _refers_to(nodes: list, ref: str) -> bool:
    """Whether any schema in ``nodes`` holds ``{"$ref": ref}`` (walked without recursion)."""
    todo = list(nodes)
    while todo:
        n = todo.pop()
        if isinstance(n, dict):
            if n.get("$ref") == ref:
                return True
            todo.extend(n.values())
        elif isinstance(n, list):
            todo.extend(n)
    return False


def type_schema(model: ApiModel, name: str) -> dict:
    em = Emitter(model.types, "response")
    em.ref(name)
    root = em.defs.pop(name)
    if _refers_to([root, *em.defs.values()], em.ref_prefix + name):
        em.defs[name] = root  # a recursive type: its own $ref must resolve (else a validator fails on it)
    return em.document(root, title=name, extra={"x-wix-named-type": name})
