"""Validation engine: one jsonschema-rs fast path for every verdict and every finding.

Each schema is compiled once (cached per Contracts) in three in-memory forms:

* ``strict``: the committed schema with every documented object closed (``x-wix-closed`` where only this
  copy closes it) and, for requests, read-only and non-public fields forbidden.  It only adds constraints,
  so a payload it accepts is valid and drift-free: the common case costs one ``is_valid`` call.
* ``explaining``: ``strict`` rewritten so that jsonschema-rs's own errors are cheap to turn into findings:
  a closed object lists each undocumented field as an error *at that field* (jsonschema-rs copies an
  error's instance into Python, and the whole object is much bigger than the field), and an array of more
  than :data:`CHUNK` items is not descended by jsonschema-rs (which materialises every error of a call
  before returning the first) but item by item here, so the memory of a payload with a million bad items
  stays bounded by ``max_findings``.
* the Python jsonschema validator of ``strict``: the *reference* engine, imported only by
  :func:`explain_reference` (the differential test proves both give the same findings).

A finding is made from a jsonschema-rs error the way the reference makes it from a Python jsonschema
error: the same relevance order (``jsonschema.exceptions.relevance``, ties in the schema's evaluation
order), the same best match inside ``anyOf``, the same policy (:func:`_map`).  The error's location in
``strict`` comes from its evaluation path, cached per path."""

from __future__ import annotations

import copy
import heapq
import json
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

from .findings import Finding, pointer, short_repr
from .findings import json_type

_LOGIC = frozenset({"not", "anyOf", "oneOf", "if", "then", "else", "contains"})
SUCCESS = range(200, 300)
DEFAULT_MAX_FINDINGS = 1000
CHUNK = 1000  # arrays longer than this are validated item by item when explaining
_VALUE_KEYS = frozenset({"enum", "const", "required", "x-wix-one-of", "examples", "default"})
# keywords whose value maps names / indexes to subschemas
_NAMED = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
_INDEXED = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_WEAK = frozenset({"anyOf", "oneOf"})
EXTRA = "x-wix-extra"  # marks the explaining form's per-field "not documented" schema
BIG = "x-wix-big"  # marks the explaining form's "too many items: explain item by item" branch


class UsageError(ValueError):
    """A call the contracts cannot answer (e.g. no such schema for the surface)."""


def _max_findings(max_findings: int | None) -> int:
    if max_findings is None:
        return DEFAULT_MAX_FINDINGS
    if isinstance(max_findings, bool) or not isinstance(max_findings, int) or max_findings < 0:
        raise UsageError(f"max_findings must be a whole number >= 0, got {max_findings!r}")
    return max_findings


# ---------------------------------------------------------------- schema forms

def _walk_schema(node: Any, visit, logic: bool = False) -> None:
    """Call ``visit(node, logic)`` on every subschema (keyword-aware: property names, enum values and
    annotations are not schemas), children after their parent."""
    if isinstance(node, list):
        for v in node:
            _walk_schema(v, visit, logic)
        return
    if not isinstance(node, dict):
        return
    visit(node, logic)
    for k, v in list(node.items()):
        if k in _VALUE_KEYS or k.startswith("x-"):
            continue
        if k in _NAMED:
            if isinstance(v, dict):
                for sub in v.values():
                    _walk_schema(sub, visit, logic)
        elif isinstance(v, (dict, list)):
            _walk_schema(v, visit, logic or k in _LOGIC)


def strict_variant(schema: dict, request: bool) -> dict:
    """Copy of ``schema`` with every object that lists properties closed (marked
    ``x-wix-closed`` where the contract itself left it open) and, for requests, read-only and
    non-public properties wrapped so that their presence fails (marked ``x-wix-read-only`` /
    ``x-wix-non-public``; the explanation makes both warnings).
    Subschemas under not/anyOf/oneOf are left alone so verdicts do not change there."""
    s = copy.deepcopy(schema)

    def visit(node: dict, logic: bool) -> None:
        props = node.get("properties")
        if logic or not isinstance(props, dict) or not props:
            return
        if "additionalProperties" not in node and "unevaluatedProperties" not in node:
            node["additionalProperties"] = False
            node["x-wix-closed"] = True
        if request:
            for k, sub in list(props.items()):
                if not isinstance(sub, dict):
                    continue
                marker = "x-wix-read-only" if (sub.get("readOnly") or sub.get("x-wix-not-in-request")) \
                    else "x-wix-non-public" if sub.get("x-wix-non-public") else None
                if marker:
                    wrap = {"allOf": [sub], "not": {}, marker: True}
                    if sub.get("x-wix-source"):
                        wrap["x-wix-source"] = sub["x-wix-source"]
                    props[k] = wrap

    _walk_schema(s, visit)
    return s


def _refs_under_logic(root: dict) -> set[str]:
    """``$defs`` names reachable (through ``$ref``) from inside not/anyOf/oneOf/if/then/else/contains."""
    defs = root.get("$defs") if isinstance(root.get("$defs"), dict) else {}
    found: set[str] = set()
    todo: list[Any] = []

    def refs_in(node: Any) -> list[str]:
        out: list[str] = []

        def visit(n: dict, _logic: bool) -> None:
            ref = n.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                out.append(ref[8:].split("/")[0].replace("~1", "/").replace("~0", "~"))
        _walk_schema(node, visit)
        return out

    def visit_logic(n: dict, logic: bool) -> None:
        if not logic:
            for k in _LOGIC:
                if k in n:
                    todo.append(n[k])

    _walk_schema(root, visit_logic)
    while todo:
        for name in refs_in(todo.pop()):
            if name not in found and name in defs:
                found.add(name)
                todo.append(defs[name])
    return found


def explaining_variant(strict: dict) -> dict:
    """``strict`` with the same verdicts for arrays of at most :data:`CHUNK` items, errors that are cheap
    to read (see the module doc) and, past that size, an error marking the array to explain item by item.
    Subschemas under not/anyOf/oneOf (and the ``$defs`` they reach) are left alone: their errors are the
    context of one error, which is explained as a whole."""
    s = copy.deepcopy(strict)
    under_logic = _refs_under_logic(s)

    def node_rewrite(node: dict) -> None:
        if node.get("additionalProperties") is False:
            node["additionalProperties"] = {"not": {}, EXTRA: True}
        items = node.get("items")
        if isinstance(items, (dict, bool)) and not any(k in node for k in ("if", "then", "else", "prefixItems")):
            # the size keywords go with the items: their error's instance is the whole array (copied into
            # Python by jsonschema-rs), so a long array is measured here instead
            then = {k: node.pop(k) for k in ("maxItems", "minItems") if k in node}
            then["items"] = node.pop("items")
            node["if"] = {"maxItems": CHUNK}
            node["then"] = then
            node["else"] = {"prefixItems": [{"not": {}}], BIG: True}

    def rewrite(node: Any, logic: bool, top: bool = False) -> None:  # children first, then the node
        if isinstance(node, list):
            for v in node:
                rewrite(v, logic)
            return
        if not isinstance(node, dict):
            return
        for k, v in list(node.items()):
            if k in _VALUE_KEYS or k.startswith("x-"):
                continue
            if k in _NAMED:
                if isinstance(v, dict):
                    for name, sub in v.items():
                        rewrite(sub, logic or (top and k == "$defs" and name in under_logic))
            elif isinstance(v, (dict, list)):
                rewrite(v, logic or k in _LOGIC)
        if not logic:
            node_rewrite(node)

    rewrite(s, False, top=True)
    return s


class Compiled:
    """One schema: committed form, strict and explaining variants, compiled lazily and once (each a
    ``cached_property``: after the first use, a plain attribute of the instance)."""

    def __init__(self, schema: dict, request: bool):
        self.schema = schema
        self.request = request
        self._vmap = None
        self._locs: dict = {}  # (base pointer, strict-schema prefix) -> _Site
        self._root_site = None
        self._nodes: dict = {}  # reference evaluation path -> (node, keyword, tie template, source)

    @cached_property
    def strict(self) -> dict:
        return strict_variant(self.schema, self.request)

    @cached_property
    def explaining(self) -> dict:
        return explaining_variant(self.strict)

    @cached_property
    def rs(self):
        return _rs_validator(self.schema)

    @cached_property
    def rs_strict(self):
        return _rs_validator(self.strict)

    @cached_property
    def rs_explain(self):
        return _rs_validator(self.explaining)

    @cached_property
    def iter_errors(self):
        """``rs_explain.iter_errors``, looked up once."""
        return self.rs_explain.iter_errors

    def rs_at(self, ptr: str):
        """The jsonschema-rs validator of the explaining form's subschema at JSON pointer ``ptr``."""
        if self._vmap is None:
            import jsonschema_rs

            self._vmap = jsonschema_rs.validator_map_for(self.explaining, validate_formats=True)
        return self._vmap[ptr]

    @cached_property
    def py(self):
        from jsonschema import Draft202012Validator

        from .formats import format_checker

        return Draft202012Validator(self.strict, format_checker=format_checker())


def _rs_validator(schema: dict):
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema, validate_formats=True)


# ---------------------------------------------------------------- locating errors in the strict schema

def _resolve_ref(root: Any, ref: str) -> Any:
    node = root
    for part in ref[2:].split("/") if ref != "#" else ():
        node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
    return node


def _source_for(root: dict, schema_path, default: str | None) -> str | None:
    found = _raw_source(root, schema_path)
    return found if found is not None else default


def _raw_source(root: dict, schema_path) -> str | None:
    """x-wix-source of the deepest schema node along ``schema_path`` (follows $ref), when it is a docs
    page link or an SDK declaration (``npm:<package>@<version>/<file>#L<n>``); else None."""
    node: Any = root
    found = root.get("x-wix-source") if isinstance(root, dict) else None
    for key in schema_path:
        if isinstance(node, dict) and key == "$ref" and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            node = root
            if ref.startswith("#/"):
                node = _resolve_ref(root, ref)
            if isinstance(node, dict) and node.get("x-wix-source"):
                found = node["x-wix-source"]
            continue
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("x-wix-source"), str):
            found = node["x-wix-source"]
    if isinstance(found, str) and (found.startswith("http") or found.startswith("npm:")):
        return found
    return None


def _index(d: Any, key: Any) -> int:
    if isinstance(d, dict):
        for i, k in enumerate(d):
            if k == key:
                return i
    return 0


def _locate(root: dict, epath: tuple):
    """(node holding the keyword, keyword, tie key, raw source) of a reference evaluation path.

    The tie key orders errors the way Python jsonschema meets them (the schema's key order, properties in
    their order): errors of equal relevance share their instance path, so that order is all they need."""
    node: Any = root
    tie: list = []
    i, n = 0, len(epath) - 1
    while i < n:
        step = epath[i]
        if not isinstance(node, dict):
            break
        tie.append(_index(node, step))
        if step == "$ref" and isinstance(node.get("$ref"), str):
            node = _resolve_ref(root, node["$ref"])
            i += 1
            continue
        child = node.get(step)
        if step in _NAMED:
            name = epath[i + 1] if i + 1 < n else None
            tie.append(_index(child, name))
            node = child.get(name) if isinstance(child, dict) else None
            i += 2
        elif step in _INDEXED:
            idx = epath[i + 1] if i + 1 < n else 0
            tie.append(idx if isinstance(idx, int) else 0)
            node = child[idx] if isinstance(child, list) and isinstance(idx, int) and idx < len(child) else None
            i += 2
        elif step in ("items", "additionalItems", "contains", "unevaluatedItems"):
            # errors tie only at one instance path, so the item index (or key, below) never decides
            tie.append(0)
            node = child
            i += 1
        elif step in ("additionalProperties", "unevaluatedProperties"):
            tie.append(0)
            node = child
            i += 1
        else:  # not, if, then, else, propertyNames, dependentSchemas...
            node = child
            i += 1
    kw = epath[-1] if epath else None
    if isinstance(node, dict):
        tie.append(_index(node, kw))
    else:  # a boolean subschema (``false``): the error is the subschema's own
        kw = None
    # the reference's schema path has no "$ref" steps (Python jsonschema descends into a reference without
    # naming it), so its source is the deepest one before the first reference: the same here
    py_path = [s for j, s in enumerate(epath[:-1]) if not (s == "$ref" and (j == 0 or epath[j - 1] not in _NAMED))]
    return node, kw, tuple(tie), _raw_source(root, py_path)


class _Loc:
    """Where one jsonschema-rs evaluation path of the explaining form lands in the strict schema."""

    __slots__ = ("kind", "ref", "ptr", "consumed")

    def __init__(self, kind: str, ref: tuple, ptr: str, consumed: int):
        self.kind = kind  # "plain" | "extra" (undocumented field) | "big" (array to explain item by item)
        self.ref = ref  # evaluation path in the strict schema (for "extra": to the closed object's keyword)
        self.ptr = ptr  # for "big": JSON pointer (explaining form) of the array's items schema
        self.consumed = consumed  # instance path elements the path walks (for "extra"/"big": to the parent)


def _esc(part: Any) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _translate(explaining: dict, base: str, rel: tuple) -> _Loc:
    """Map an evaluation path of the explaining form (relative to the subschema at pointer ``base``) to the
    strict schema's, recognising the rewrites :func:`explaining_variant` made.  A path that does not walk
    (jsonschema-rs 0.60 leaves empty names out of its paths) is "broken"."""
    node: Any = _resolve_ref(explaining, base) if base != "#" else explaining
    ptr = base
    out: list = []
    consumed = 0
    i, n = 0, len(rel)
    while i < n:
        step = rel[i]
        if not isinstance(node, dict):
            return _Loc("broken", rel, "", 0)
        if i == n - 1:  # the keyword
            out.append(step)
            if step not in node:
                return _Loc("broken", rel, "", 0)
            break
        if step == "$ref" and isinstance(node.get("$ref"), str):
            out.append(step)
            ptr = node["$ref"] if node["$ref"].startswith("#") else ptr
            node = _resolve_ref(explaining, node["$ref"])
            i += 1
            continue
        child = node.get(step)
        if step == "additionalProperties" and isinstance(child, dict) and child.get(EXTRA):
            return _Loc("extra", tuple(out) + ("additionalProperties",), "", consumed)
        if step == "then" and "if" in node and isinstance(node.get("else"), dict) and node["else"].get(BIG):
            # the guarded ``items``: the strict schema has it on the node itself
            node, ptr = child, f"{ptr}/then"
            i += 1
            continue
        if step == "else" and isinstance(child, dict) and child.get(BIG):
            return _Loc("big", tuple(out), f"{ptr}/then/items", consumed)
        out.append(step)
        ptr = f"{ptr}/{_esc(step)}"
        if step in _NAMED or step in _INDEXED:
            sub = rel[i + 1]
            out.append(sub)
            ptr = f"{ptr}/{_esc(sub)}"
            if step in ("properties", "patternProperties", "prefixItems"):
                consumed += 1
            if isinstance(child, dict) and sub in child:
                node = child[sub]
            elif isinstance(child, list) and isinstance(sub, int) and 0 <= sub < len(child):
                node = child[sub]
            else:
                return _Loc("broken", rel, "", 0)
            i += 2
            continue
        if step in ("items", "additionalItems", "contains", "unevaluatedItems", "additionalProperties",
                    "unevaluatedProperties"):
            consumed += 1
        node = child
        i += 1
    return _Loc("plain", tuple(out), "", consumed)


# ---------------------------------------------------------------- errors as the reference sees them

def _is_type(value: Any, t: str) -> bool:
    if t == "object":
        return isinstance(value, dict)
    if t == "string":
        return isinstance(value, str)
    if t == "array":
        return isinstance(value, list)
    if t == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or \
            (isinstance(value, float) and value.is_integer())
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "boolean":
        return isinstance(value, bool)
    if t == "null":
        return value is None
    return False


class _Err:
    """A jsonschema-rs error in the shape :func:`_map` reads (the attributes of a Python jsonschema
    ``ValidationError``), located in the strict schema."""

    __slots__ = ("absolute_path", "validator", "schema", "instance", "context", "tie", "src", "rs", "extras",
                 "_rel")

    def __init__(self, path: list, kw: Any, schema: Any, instance: Any, tie: tuple, src: str | None, rs=None):
        self.absolute_path = path
        self.validator = kw
        self.schema = schema
        self.instance = instance
        self.tie = tie
        self.src = src
        self.rs = rs
        self.context = self.extras = self._rel = None

    path = property(lambda self: self.absolute_path)

    @property
    def validator_value(self):
        return self.schema.get(self.validator) if isinstance(self.schema, dict) else None

    def _matches_type(self) -> bool:
        t = self.schema.get("type") if isinstance(self.schema, dict) else None
        if t is None:
            return False
        if isinstance(t, str):
            return _is_type(self.instance, t)
        return any(_is_type(self.instance, x) for x in t)

    def relevance(self):
        r = self._rel
        if r is None:
            p = self.absolute_path
            r = self._rel = (-len(p), p, self.validator not in _WEAK, False, not self._matches_type())
        return r

    @property
    def message(self) -> str:
        return _message(self)


def _relevance(e: _Err):
    return e.relevance()


def _best_match(errors: list[_Err]) -> _Err | None:
    """``jsonschema.exceptions.best_match`` over errors in the reference's order."""
    best = max(errors, key=_relevance, default=None)
    if best is None:
        return None
    while best.context:
        smallest = heapq.nsmallest(2, best.context, key=_relevance)
        if len(smallest) == 2 and _relevance(smallest[0]) == _relevance(smallest[1]):
            return best
        best = smallest[0]
    return best


def _message(e: _Err) -> str:
    """Python jsonschema's message for the keywords the policy reports as they are (instances shortened)."""
    kw, v, inst = e.validator, e.validator_value, short_repr(e.instance)
    if kw in ("minLength", "minItems"):
        return f"{inst} should be non-empty" if v == 1 else f"{inst} is too short"
    if kw in ("maxLength", "maxItems"):
        return f"{inst} is expected to be empty" if v == 0 else f"{inst} is too long"
    if kw == "minProperties":
        return f"{inst} should be non-empty" if v == 1 else f"{inst} does not have enough properties"
    if kw == "maxProperties":
        return f"{inst} is expected to be empty" if v == 0 else f"{inst} has too many properties"
    if kw == "minimum":
        return f"{inst} is less than the minimum of {v!r}"
    if kw == "maximum":
        return f"{inst} is greater than the maximum of {v!r}"
    if kw == "exclusiveMinimum":
        return f"{inst} is less than or equal to the minimum of {v!r}"
    if kw == "exclusiveMaximum":
        return f"{inst} is greater than or equal to the maximum of {v!r}"
    if kw == "multipleOf":
        return f"{inst} is not a multiple of {v}"
    if kw == "uniqueItems":
        return f"{inst} has non-unique elements"
    if kw == "not":
        return f"{inst} should not be valid under {short_repr(v)}"
    if kw in ("anyOf", "oneOf"):
        if e.context is None and kw == "oneOf":
            return f"{inst} is valid under more than one of the given schemas"
        return f"{inst} is not valid under any of the given schemas"
    if kw is None:
        return f"False schema does not allow {inst}"
    if kw == "required":
        missing = [r for r in (v or []) if isinstance(e.instance, dict) and r not in e.instance]
        return f"{missing[0]!r} is a required property" if missing else "a required property is missing"
    if e.rs is not None:
        return e.rs.message
    return f"{inst} is not valid under {kw!r}"


class _Unexplainable(Exception):
    """A jsonschema-rs error whose paths do not walk the schema and the instance (jsonschema-rs 0.60 leaves
    empty names, the key ``""``, out of both): the reference engine explains that payload."""


class _Info:
    """What one evaluation path (of one jsonschema-rs call site) means, cached."""

    __slots__ = ("kind", "node", "kw", "tie", "src", "consumed", "depth", "ptr", "ref", "cls")

    def __init__(self, loc: _Loc, ref: tuple, located):
        self.kind = loc.kind
        self.consumed = loc.consumed
        self.depth = loc.consumed + (loc.kind != "plain")  # the error's instance path's length
        self.ptr = loc.ptr
        self.ref = ref
        node, kw, tie, src = located if located is not None else (None, None, (), None)
        self.node, self.tie, self.src = node, tie, src
        self.kw = "additionalProperties" if loc.kind == "extra" else kw
        schema = node if isinstance(node, dict) else {}
        # how a capped-out error of this path counts (see _count)
        if loc.kind == "extra":
            self.cls = "closed" if schema.get("x-wix-closed") else "contract"
        elif kw == "not" and (schema.get("x-wix-read-only") or schema.get("x-wix-non-public")):
            self.cls = "readonly"
        elif kw in _WEAK:
            self.cls = "weak"
        elif kw == "enum":
            self.cls = "enum"
        else:
            self.cls = "error"


class _Site:
    """One jsonschema-rs validator run on one kind of instance: the explaining form's subschema at ``base``
    (a JSON pointer), whose evaluation paths extend ``ref_prefix`` in the strict schema."""

    __slots__ = ("base", "ref_prefix", "infos")

    def __init__(self, base: str, ref_prefix: tuple):
        self.base, self.ref_prefix, self.infos = base, ref_prefix, {}


class _Explainer:
    """Collects one payload's errors from jsonschema-rs, keeping the ``keep`` most relevant (the rest are
    counted by :func:`_count` as they are pushed out)."""

    __slots__ = ("c", "root", "instance", "keep", "pol", "budget", "errors", "worst")

    def __init__(self, compiled: Compiled, instance: Any, keep: int, pol: "_Policy", budget: "_Budget"):
        self.c = compiled
        self.root = compiled.strict
        self.instance = instance
        self.keep = keep
        self.pol = pol
        self.budget = budget
        self.errors: list[_Err] = []
        self.worst = None  # relevance (first two parts) of the least relevant kept error, once trimmed

    def site(self, base: str, ref_prefix: tuple) -> _Site:
        sites = self.c._locs
        key = (base, ref_prefix)
        hit = sites.get(key)
        if hit is None:
            if len(sites) > 1000:
                sites.clear()
            hit = sites[key] = _Site(base, ref_prefix)
        return hit

    def info(self, site: _Site, rel: tuple) -> _Info:
        loc = _translate(self.c.explaining, site.base, rel)
        ref = site.ref_prefix + loc.ref
        located = None
        if loc.kind == "broken":
            raise _Unexplainable(rel)
        if loc.kind != "big":
            located = self.c._nodes.get(ref)
            if located is None:
                located = _locate(self.root, ref)
                if len(self.c._nodes) > 50_000:
                    self.c._nodes.clear()
                self.c._nodes[ref] = located
        info = _Info(loc, ref, located)
        if len(site.infos) > 20_000:
            site.infos.clear()
        site.infos[rel] = info
        return info

    def convert(self, errors, site: _Site, base_inst: Any, inst_prefix: list, big: list | None,
                top: bool = True) -> list[_Err]:
        """Errors of one jsonschema-rs call (for the instance ``base_inst`` at ``inst_prefix``), in the
        reference's order of meeting them; the undocumented fields of one object are merged into one error,
        as the reference reports them."""
        out: list[_Err] = []
        extras: dict | None = None
        infos = site.infos
        worst = self.worst if top else None
        n0 = len(inst_prefix)
        for e in errors:
            rel = tuple(e.evaluation_path)
            info = infos.get(rel)
            if info is None:
                info = self.info(site, rel)
            ip = e.instance_path
            kind = info.kind
            if len(ip) != info.depth:
                raise _Unexplainable(rel)
            if kind == "big":
                if big is not None:
                    big.append((info.ptr, info.ref + ("items",), inst_prefix + ip[:info.consumed]))
                continue
            if kind == "extra":
                ip, name = ip[:info.consumed], ip[info.consumed]
            path = inst_prefix + ip if n0 else ip
            if worst is not None:
                d = -len(path)
                if d < worst[0] or (d == worst[0] and path < worst[1]):  # never among the kept: count it
                    if kind == "extra":
                        self.budget.drop(1, self.pol.closed_by_us if info.cls == "closed" else self.pol.undocumented)
                        continue
                    if info.cls != "weak":
                        n_err, n_warn = _count_info(info, path, self.pol)
                        self.budget.errors += n_err
                        self.budget.warnings += n_warn
                        continue
            if kind == "extra":
                if extras is None:
                    extras = {}
                key = (tuple(path), info.ref)
                hit = extras.get(key)
                if hit is not None:
                    hit.extras.append(name)
                    continue
                err = _Err(path, "additionalProperties", info.node, _at(base_inst, ip), info.tie, info.src)
                err.extras = [name]
                extras[key] = err
                out.append(err)
                continue
            err = _Err(path, info.kw, info.node, _at(base_inst, ip) if ip else base_inst, info.tie, info.src, e)
            if info.cls == "weak":
                ctx = getattr(e.kind, "context", None)
                if ctx:
                    err.context = self.convert([x for branch in ctx for x in branch], site, base_inst,
                                               inst_prefix, None, top=False)
            out.append(err)
        if len(out) > 1:
            out.sort(key=_tie_key)
        return out

    def add(self, errs: list[_Err]) -> None:
        self.errors.extend(errs)
        if len(self.errors) > self.keep + max(self.keep, 256):
            ordered = _ordered(self.errors)
            self.errors = ordered[:self.keep]
            for e in ordered[self.keep:]:
                n_err, n_warn = _count(e, self.pol)
                self.budget.errors += n_err
                self.budget.warnings += n_warn
            last = self.errors[-1].relevance()
            self.worst = (last[0], last[1])

    def run(self) -> list[_Err]:
        c = self.c
        big: list = []
        site = c._root_site
        if site is None:
            c.strict  # noqa: B018 (computed once)
            self.root = c.strict
            site = c._root_site = _Site("#", ())
        found = self.convert(c.iter_errors(self.instance), site, self.instance, [], big)
        if not big and len(found) <= self.keep:  # the common case: one call, a few errors
            return _ordered(found)
        self.add(found)
        if big:
            from ..collector import paused

            with paused():  # a huge payload: no collections walking it while errors come and go
                while big:
                    ptr, ref, arr = big.pop()
                    items = _at(self.instance, arr)
                    if not isinstance(items, list):
                        continue
                    self.add(self.sizes(ref[:-1], arr, items))
                    v = c.rs_at(ptr)
                    site = self.site(ptr, ref)
                    # the most relevant of equally deep errors are those of the last items: meet them first
                    for i in range(len(items) - 1, -1, -1):
                        item = items[i]
                        if v.is_valid(item):
                            continue
                        found = self.convert(v.iter_errors(item), site, item, arr + [i], big)
                        if found:
                            self.add(found)
        return _ordered(self.errors)


    def sizes(self, ref: tuple, path: list, items: list) -> list[_Err]:
        """maxItems / minItems of a long array (the explaining form leaves them to this)."""
        out = []
        for kw in ("maxItems", "minItems"):
            located = _locate(self.root, ref + (kw,))
            node = located[0]
            limit = node.get(kw) if isinstance(node, dict) else None
            if isinstance(limit, int) and (len(items) > limit if kw == "maxItems" else len(items) < limit):
                out.append(_Err(list(path), kw, node, items, located[2], located[3]))
        return out


def _at(value: Any, path) -> Any:
    try:
        for p in path:
            value = value[p]
    except (KeyError, IndexError, TypeError):
        raise _Unexplainable(path) from None
    return value


def _count_info(info: _Info, path: list, pol: "_Policy") -> tuple[int, int]:
    cls = info.cls
    if cls == "readonly":
        sev = pol.readonly
    elif cls == "enum" and pol.code_path is not None and tuple(path) == pol.code_path:
        sev = "warning"
    else:
        sev = "error"
    return (1, 0) if sev == "error" else (0, 1)


def _tie_key(e: _Err):
    return e.tie


def _ordered(errors: list[_Err]) -> list[_Err]:
    """The reference's order: by relevance, most relevant first; ties in evaluation order."""
    if len(errors) < 2:
        return errors
    errors.sort(key=_tie_key)
    errors.sort(key=_relevance, reverse=True)
    return errors


# ---------------------------------------------------------------- explanation

class _Policy:
    __slots__ = ("location", "default_source", "undocumented", "closed_by_us", "readonly", "code_path",
                 "error_rule")

    def __init__(self, location, default_source, undocumented, closed_by_us, readonly, code_path, error_rule):
        self.location = location
        self.default_source = default_source
        self.undocumented = undocumented
        self.closed_by_us = closed_by_us
        self.readonly = readonly
        self.code_path = tuple(code_path) if code_path is not None else None
        self.error_rule = error_rule


_POLICIES: dict[tuple, _Policy] = {}


def _policy(*args) -> _Policy:
    pol = _POLICIES.get(args)
    if pol is None:
        if len(_POLICIES) > 4096:
            _POLICIES.clear()
        pol = _POLICIES[args] = _Policy(*args)
    return pol


def explain(compiled: Compiled, instance: Any, *, location: str, default_source: str | None,
            undocumented: str, closed_by_us: str, readonly: str = "warning",
            code_path: tuple | None = None, error_rule: str | None = None,
            max_findings: int | None = None) -> list[Finding]:
    """Findings for ``instance`` (best match first, grouped by pointer), from jsonschema-rs.

    ``undocumented``: severity for extra fields on objects the contract closes;
    ``closed_by_us``: severity for extra fields on objects only the strict variant closes;
    ``code_path``: instance path of an error code whose enum failure is a warning;
    ``error_rule``: rename every other error finding to this rule (``envelope``);
    ``max_findings``: at most this many findings (default :data:`DEFAULT_MAX_FINDINGS`), then one
    ``truncated`` finding counting the rest (an error when any of them is)."""
    cap = DEFAULT_MAX_FINDINGS if max_findings is None else _max_findings(max_findings)
    try:
        pol = _policy(location, default_source, undocumented, closed_by_us, readonly, code_path, error_rule)
    except TypeError:  # an unhashable argument (a list as code_path)
        pol = _Policy(location, default_source, undocumented, closed_by_us, readonly, code_path, error_rule)
    return explain_with(compiled, instance, pol, cap)


def explain_with(compiled: Compiled, instance: Any, pol: _Policy, cap: int) -> list[Finding]:
    """:func:`explain` with its policy made (:func:`_policy`) and its cap checked."""
    budget = _Budget(cap + 1)  # no one error needs more findings than that to fill the page

    try:
        errors = _Explainer(compiled, instance, max(cap, 1), pol, budget).run()
    except (_Unexplainable, UnicodeEncodeError):
        # paths jsonschema-rs cannot report, or text it cannot take (a lone surrogate: not UTF-8): the
        # reference engine explains the payload
        return explain_reference(compiled, instance, location=pol.location, default_source=pol.default_source,
                                 undocumented=pol.undocumented, closed_by_us=pol.closed_by_us, readonly=pol.readonly,
                                 code_path=pol.code_path, error_rule=pol.error_rule, max_findings=cap)

    root = compiled.strict
    if len(errors) == 1 and cap and not budget.errors and not budget.warnings:
        out = _map(errors[0], root, pol, _best_match, None, budget)
        if len(out) == 1:
            return out
    else:
        out = []
        for err in errors:
            out.extend(_map(err, root, pol, _best_match, None, budget))
    return _group(out, cap, budget, pol)


def explain_reference(compiled: Compiled, instance: Any, *, location: str, default_source: str | None,
                      undocumented: str, closed_by_us: str, readonly: str = "warning",
                      code_path: tuple | None = None, error_rule: str | None = None,
                      max_findings: int | None = None) -> list[Finding]:
    """:func:`explain` by the reference engine, Python jsonschema on the strict schema (slow; the
    differential test compares both).  Same arguments, same findings."""
    from jsonschema.exceptions import best_match, relevance

    cap = _max_findings(max_findings)
    pol = _Policy(location, default_source, undocumented, closed_by_us, readonly, code_path, error_rule)
    root = compiled.strict
    errors = sorted(compiled.py.iter_errors(instance), key=relevance, reverse=True)

    def src(err) -> str | None:
        return _source_for(root, list(err.absolute_schema_path)[:-1], default_source)

    budget = _Budget(None)
    out: list[Finding] = []
    for err in errors:
        out.extend(_map(err, root, pol, best_match, src, budget))
    return _group(out, cap, budget, pol)


class _Budget:
    """Findings one error may make (None: all), and the counts of those left out."""

    __slots__ = ("per_error", "errors", "warnings")

    def __init__(self, per_error: int | None):
        self.per_error = per_error
        self.errors = self.warnings = 0

    def drop(self, n: int, severity: str) -> None:
        if severity == "error":
            self.errors += n
        else:
            self.warnings += n


def _group(out: list[Finding], cap: int, budget: _Budget, pol: _Policy) -> list[Finding]:
    """Group by pointer (keeping best-first order of each group's first finding), drop duplicates, cap."""
    order: dict[str, int] = {}
    for f in out:
        order.setdefault(f.pointer, len(order))
    seen = set()
    uniq = []
    for f in sorted(out, key=lambda f: order[f.pointer]):
        key = (f.pointer, f.rule, f.message)
        if key not in seen:
            seen.add(key)
            uniq.append(f)
    n_err, n_warn = budget.errors, budget.warnings
    if len(uniq) > cap:
        for f in uniq[cap:]:
            if f.severity == "error":
                n_err += 1
            else:
                n_warn += 1
        uniq = uniq[:cap]
    if n_err or n_warn:
        n = n_err + n_warn
        what = ", ".join(x for x in (f"{n_err} error{'s' * (n_err != 1)}" if n_err else "",
                                     f"{n_warn} warning{'s' * (n_warn != 1)}" if n_warn else "") if x)
        uniq.append(Finding(pointer="", rule="truncated", severity="error" if n_err else "warning",
                            location=pol.location, expected=f"at most {cap} findings", actual=str(n),
                            message=f"{n} more finding{'s' * (n != 1)} not shown ({what}; max_findings={cap})"))
    return uniq


def _count(e: _Err, pol: _Policy) -> tuple[int, int]:
    """(errors, warnings) the findings of ``e`` would add, without making them (capped-out errors)."""
    kw, schema = e.validator, e.schema if isinstance(e.schema, dict) else {}
    if kw == "additionalProperties":
        n = len(e.extras) if e.extras is not None else 1
        sev = pol.closed_by_us if schema.get("x-wix-closed") else pol.undocumented
    elif kw == "not" and (schema.get("x-wix-read-only") or schema.get("x-wix-non-public")):
        n, sev = 1, pol.readonly
    elif kw in _WEAK and e.context and not schema.get("x-wix-one-of-required") and not schema.get("x-wix-int64"):
        best = _best_match(e.context)
        return _count(best, pol) if best is not None else (1, 0)
    elif kw == "enum" and pol.code_path is not None and tuple(e.absolute_path) == pol.code_path:
        n, sev = 1, "warning"
    else:
        n, sev = 1, "error"
    return (n, 0) if sev == "error" else (0, n)


_finding = Finding._make
_DOCUMENTED: dict[int, tuple[dict, list]] = {}


def _documented(props: dict) -> list[str]:
    """``sorted(props)``, cached per schema node (a fresh list each time: findings are handed out)."""
    hit = _DOCUMENTED.get(id(props))
    if hit is None or hit[0] is not props:
        if len(_DOCUMENTED) > 20_000:
            _DOCUMENTED.clear()
        hit = _DOCUMENTED[id(props)] = (props, sorted(props))
    return list(hit[1])


def _map(err, root, pol: _Policy, best_match, src_of, budget: _Budget) -> list[Finding]:
    """The findings of one error (a Python jsonschema ``ValidationError`` or an :class:`_Err`)."""
    path = err.absolute_path
    if type(path) is not list:
        path = list(path)
    ptr = pointer(path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    kw = err.validator
    if src_of is None:  # an _Err: its source is looked up already
        src = err.src if err.src is not None else pol.default_source
    else:
        src = src_of(err)
    location, error_rule = pol.location, pol.error_rule
    # an undocumented field's finding shows the field, not the whole object around it
    actual = None if kw == "additionalProperties" else short_repr(err.instance)
    if error_rule is None:  # the commonest findings, made directly (the same as below)
        if kw == "enum" and (pol.code_path is None or tuple(path) != pol.code_path):
            return [_finding(ptr, "enum", f"{actual} is not one of the documented values", list(schema["enum"]),
                             actual, src, "error", location)]
        if kw == "format":
            v = schema["format"]
            return [_finding(ptr, "format", f"{actual} is not a valid {v}", v, actual, src, "error", location)]

    def f(rule, message, expected=None, severity="error", ptr=ptr, actual=actual, src=src):
        if error_rule and severity == "error" and rule != error_rule:
            message = f"{rule}: {message}"
            rule = error_rule
        return _finding(ptr, rule, message, expected, actual, src, severity, location)

    if kw == "additionalProperties":
        props = schema.get("properties", {})
        pats = schema.get("patternProperties", {})
        inst = err.instance if isinstance(err.instance, dict) else {}
        named = getattr(err, "extras", None)
        if named is not None:  # jsonschema-rs named them; the reference's order is the instance's
            if len(named) == 1:
                extras = named if named[0] in inst else []
            else:
                named = set(named)
                extras = [k for k in inst if k in named]
        else:
            extras = [k for k in inst if k not in props and not any(re.search(p, k) for p in pats)]
        sev = pol.closed_by_us if schema.get("x-wix-closed") else pol.undocumented
        n = budget.per_error
        if n is not None and len(extras) > n:  # a huge object: count the rest without making them
            budget.drop(len(extras) - n, sev)
            extras = extras[:n]
        documented = _documented(props)
        return [f("undocumented-field", f"field '{k}' is not documented for this object",
                  expected=documented, severity=sev, ptr=pointer(path + [k]),
                  actual=short_repr(inst[k])) for k in extras]
    if kw == "not" and schema.get("x-wix-read-only"):
        return [f("read-only-field", f"'{path[-1] if path else ''}' is read-only: documented on the type "
                  "but not accepted in this request (the server ignores or rejects it)",
                  expected="absent", severity=pol.readonly)]
    if kw == "not" and schema.get("x-wix-non-public"):
        return [f("non-public-field", f"'{path[-1] if path else ''}' is declared only by the SDK's internal typings: "
                  "known to the API, but not part of its public contract", expected="absent", severity=pol.readonly)]
    if kw == "not" and schema.get("x-wix-one-of"):
        names = schema["x-wix-one-of"]
        present = [n for n in names if isinstance(err.instance, dict) and n in err.instance]
        return [f("oneOf-at-most-one", f"at most one of {', '.join(names)} may be set; got {', '.join(present)}",
                  expected=names, actual=short_repr(present))]
    if kw == "anyOf" and schema.get("x-wix-one-of-required"):
        names = schema["x-wix-one-of"]
        return [f("oneOf-required", f"exactly one of {', '.join(names)} is required; got none",
                  expected=names, actual=short_repr(sorted(err.instance)) if isinstance(err.instance, dict) else actual)]
    if schema.get("x-wix-int64") and kw in ("anyOf", "type", "pattern"):
        exp = "integer or decimal digit string" if kw == "anyOf" else "decimal digit string (int64)"
        return [f("int64", f"{actual} is not a valid int64: expected {exp}", expected=exp)]
    if kw in ("anyOf", "oneOf") and err.context:
        best = best_match(err.context)
        if best is not None:
            return _map(best, root, pol, best_match, src_of, budget)
    if kw == "enum":
        if pol.code_path is not None and tuple(path) == pol.code_path:
            return [_finding(ptr, "undocumented-error-code", f"error code {actual} is not documented for this status",
                             list(err.validator_value), actual, src, "warning", location)]
        return [f("enum", f"{actual} is not one of the documented values", expected=list(err.validator_value))]
    if kw == "const":
        return [f("enum", f"{actual} is not the documented value", expected=[err.validator_value])]
    if kw == "type":
        exp = err.validator_value
        return [f("type", f"expected {exp if isinstance(exp, str) else ' or '.join(exp)}, "
                  f"got {json_type(err.instance)}", expected=exp)]
    if kw == "required":
        missing = [r for r in err.validator_value if isinstance(err.instance, dict) and r not in err.instance]
        return [f("required", f"required field '{m}' is missing", expected=m, actual=None,
                  ptr=pointer(path + [m])) for m in missing] or [f("required", err.message)]
    if kw == "format":
        return [f("format", f"{actual} is not a valid {err.validator_value}", expected=err.validator_value)]
    if kw == "pattern":
        return [f("pattern", f"{actual} does not match {err.validator_value}", expected=err.validator_value)]
    return [f(str(kw), err.message, expected=short_repr(err.validator_value))]


# ---------------------------------------------------------------- headers / routes

def check_headers(headers: Mapping[str, Any] | None, op: dict) -> list[Finding]:
    h = {str(k).lower(): v for k, v in (headers or {}).items()}
    out = []
    src = op.get("page")
    if not str(h.get("authorization") or "").strip():
        out.append(Finding(pointer="/Authorization", rule="header", location="header", source=src,
                           message="missing Authorization header", expected="present", actual=None))
    if op.get("site_level"):
        present = [k for k in ("wix-site-id", "wix-account-id") if str(h.get(k) or "").strip()]
        if len(present) != 1:
            out.append(Finding(pointer="/wix-site-id", rule="header", location="header", source=src,
                               message=("exactly one of wix-site-id / wix-account-id is required for a "
                                        f"site-level operation; got {', '.join(present) or 'none'}"),
                               expected=["wix-site-id", "wix-account-id"], actual=short_repr(present)))
    return out


def load_json_file(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
