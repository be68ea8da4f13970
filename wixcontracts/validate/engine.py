"""Validation engine: a jsonschema-rs fast path, a Python jsonschema explanation path.

Each schema is compiled once (cached per Contracts).  A payload is first checked with
jsonschema-rs against the committed schema *and* a "strict" in-memory variant (every
documented object closed, read-only request fields forbidden).  Only when one of those
fails is Python jsonschema (imported lazily) run on the strict variant to produce
findings, which the policy below turns into errors or warnings."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Mapping

from .findings import Finding, Result, pointer, short_repr
from .findings import json_type

_LOGIC = frozenset({"not", "anyOf", "oneOf", "if", "then", "else", "contains"})
SUCCESS = range(200, 300)


class UsageError(ValueError):
    """A call the contracts cannot answer (e.g. no such schema for the surface)."""


def strict_variant(schema: dict, request: bool) -> dict:
    """Copy of ``schema`` with every object that lists properties closed (marked
    ``x-wix-closed`` where the contract itself left it open) and, for requests, read-only and
    non-public properties wrapped so that their presence fails (marked ``x-wix-read-only`` /
    ``x-wix-non-public``; the explanation makes both warnings).
    Subschemas under not/anyOf/oneOf are left alone so verdicts do not change there."""
    s = copy.deepcopy(schema)

    def walk(node: Any, logic: bool) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if not logic and isinstance(props, dict) and props:
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
            for k, v in node.items():
                if k in ("enum", "const", "required", "x-wix-one-of", "examples", "default"):
                    continue
                walk(v, logic or k in _LOGIC)
        elif isinstance(node, list):
            for v in node:
                walk(v, logic)

    walk(s, False)
    return s


class Compiled:
    """One schema: committed form + strict variant, compiled lazily and once."""

    def __init__(self, schema: dict, request: bool):
        self.schema = schema
        self.request = request
        self._strict: dict | None = None
        self._rs = self._rs_strict = self._py = None

    @property
    def strict(self) -> dict:
        if self._strict is None:
            self._strict = strict_variant(self.schema, self.request)
        return self._strict

    @property
    def rs(self):
        if self._rs is None:
            import jsonschema_rs

            self._rs = jsonschema_rs.validator_for(self.schema, validate_formats=True)
        return self._rs

    @property
    def rs_strict(self):
        if self._rs_strict is None:
            import jsonschema_rs

            self._rs_strict = jsonschema_rs.validator_for(self.strict, validate_formats=True)
        return self._rs_strict

    @property
    def py(self):
        if self._py is None:
            from jsonschema import Draft202012Validator

            from .formats import format_checker

            self._py = Draft202012Validator(self.strict, format_checker=format_checker())
        return self._py


# ---------------------------------------------------------------- explanation

def _source_for(root: dict, schema_path, default: str | None) -> str | None:
    """x-wix-source of the deepest schema node along ``schema_path`` (follows $ref)."""
    node: Any = root
    found = root.get("x-wix-source") if isinstance(root, dict) else None
    for key in schema_path:
        if isinstance(node, dict) and key == "$ref" and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            node = root
            if ref.startswith("#/"):
                for part in ref[2:].split("/"):
                    node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
            if isinstance(node, dict) and node.get("x-wix-source"):
                found = node["x-wix-source"]
            continue
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("x-wix-source"), str):
            found = node["x-wix-source"]
    # a docs page link, or an SDK declaration ("npm:<package>@<version>/<file>#L<n>") for
    # nodes that only the typings state
    if isinstance(found, str) and (found.startswith("http") or found.startswith("npm:")):
        return found
    return default


def explain(compiled: Compiled, instance: Any, *, location: str, default_source: str | None,
            undocumented: str, closed_by_us: str, readonly: str = "warning",
            code_path: tuple | None = None, error_rule: str | None = None) -> list[Finding]:
    """Findings for ``instance`` (best match first, grouped by pointer).

    ``undocumented``: severity for extra fields on objects the contract closes;
    ``closed_by_us``: severity for extra fields on objects only the strict variant closes;
    ``code_path``: instance path of an error code whose enum failure is a warning;
    ``error_rule``: rename every other error finding to this rule (``envelope``)."""
    from jsonschema.exceptions import best_match, relevance

    root = compiled.strict
    errors = sorted(compiled.py.iter_errors(instance), key=relevance, reverse=True)
    out: list[Finding] = []
    for err in errors:
        out.extend(_map(err, root, location, default_source, undocumented, closed_by_us, readonly,
                        code_path, error_rule, best_match))
    # group by pointer, keeping best-first order of each group's first finding
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
    return uniq


def _map(err, root, location, default_source, undocumented, closed_by_us, readonly, code_path,
         error_rule, best_match) -> list[Finding]:
    path = list(err.absolute_path)
    ptr = pointer(path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    kw = err.validator
    src = _source_for(root, list(err.absolute_schema_path)[:-1], default_source)
    actual = short_repr(err.instance)

    def f(rule, message, expected=None, severity="error", ptr=ptr, actual=actual, src=src):
        if error_rule and severity == "error" and rule != error_rule:
            message = f"{rule}: {message}"
            rule = error_rule
        return Finding(pointer=ptr, rule=rule, message=message, expected=expected, actual=actual,
                       source=src, severity=severity, location=location)

    if kw == "additionalProperties":
        props = schema.get("properties", {})
        pats = schema.get("patternProperties", {})
        import re

        extras = [k for k in err.instance if k not in props and not any(re.search(p, k) for p in pats)]
        sev = closed_by_us if schema.get("x-wix-closed") else undocumented
        return [f("undocumented-field", f"field '{k}' is not documented for this object",
                  expected=sorted(props), severity=sev, ptr=pointer(path + [k]),
                  actual=short_repr(err.instance[k])) for k in extras]
    if kw == "not" and schema.get("x-wix-read-only"):
        return [f("read-only-field", f"'{path[-1] if path else ''}' is read-only: documented on the type "
                  "but not accepted in this request (the server ignores or rejects it)",
                  expected="absent", severity=readonly)]
    if kw == "not" and schema.get("x-wix-non-public"):
        return [f("non-public-field", f"'{path[-1] if path else ''}' is declared only by the SDK's internal typings: "
                  "known to the API, but not part of its public contract", expected="absent", severity=readonly)]
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
            return _map(best, root, location, default_source, undocumented, closed_by_us, readonly,
                        code_path, error_rule, best_match)
    if kw == "enum":
        if code_path is not None and tuple(path) == code_path:
            return [Finding(pointer=ptr, rule="undocumented-error-code",
                            message=f"error code {actual} is not documented for this status",
                            expected=list(err.validator_value), actual=actual, source=src,
                            severity="warning", location=location)]
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
