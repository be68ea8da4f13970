"""WQL, Wix's API query language, over in-memory entities: filter, sort, paging, field projection.

    page = run(entities, {"filter": {"status": {"$in": ["CREATED"]}}, "sort": [{"fieldName": "createdDate",
               "order": "DESC"}], "cursorPaging": {"limit": 10}}, known=field_checker)
    page.items, page.meta            # meta: count, offset, total, hasNext, cursors {next, prev}

Semantics (policy ``wql.*``; Wix's article "API Query Language" is the reference for the operators):

* a filter is an object; several keys are ANDed.  A key is a dotted field path (``bookedEntity.slot.serviceId``)
  or ``$and`` / ``$or`` (lists of filters) or ``$not`` (one filter).  A field's value is a literal (``$eq``)
  or an object of operators (several are ANDed): ``$eq $ne $in $gt $gte $lt $lte $exists $hasSome $hasAll
  $startsWith``.  Anything else is an unsupported filter: :class:`WqlError` -> 400 validationError;
* a path walks objects; a list on the way maps over its elements (the values found form a list);
* on an array value, ``$eq $in $gt $gte $lt $lte $startsWith`` match when any element matches; ``$hasSome`` /
  ``$hasAll`` need an array; ``$ne`` is ``not $eq``;
* a missing (or null) field matches only ``$ne`` and ``$exists: false``;
* equality is JSON equality (``1 == 1.0``, ``true != 1``); two date-times with an offset compare as instants
  (``...T00:00:00Z`` equals ``...T00:00:00.000Z``); comparisons need both sides numbers or both strings;
* sort: ``[{fieldName, order: ASC|DESC}]``, stable; missing/null first in ASC (last in DESC), then booleans,
  numbers, date-times (as instants), other strings, objects/arrays;
* paging: ``paging {limit, offset}`` or ``cursorPaging {limit, cursor}`` (not both); a cursor carries the
  filter, sort and position it was made for (a filter / sort sent with a cursor is ignored);
* ``fields``: projection to the listed dotted paths (``id`` always kept).

The filter is compiled once into a predicate (:func:`compile_filter`); ``tests/emulator/test_wql.py`` checks
it against a naive reference evaluator with Hypothesis."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .clock import parse_instant

OPERATORS = ("$eq", "$ne", "$in", "$gt", "$gte", "$lt", "$lte", "$exists", "$hasSome", "$hasAll", "$startsWith")
LOGICAL = ("$and", "$or", "$not")
SDK_ALIASES = {"_id": "id", "_createdDate": "createdDate", "_updatedDate": "updatedDate"}
MISSING = object()

Known = Callable[[str], bool]
Predicate = Callable[[Any], bool]


class WqlError(ValueError):
    """An unsupported or malformed query: ``field`` is the dotted request field it is about."""

    def __init__(self, field: str, description: str, rule: str = "OTHER", rule_name: str = "wql"):
        super().__init__(f"{field}: {description}")
        self.field, self.description, self.rule, self.rule_name = field, description, rule, rule_name


# ------------------------------------------------------------------ values

def get_path(entity: Any, path: str) -> Any:
    """The value at dotted ``path``; a list on the way maps over its elements; :data:`MISSING` when absent."""
    node = entity
    parts = path.split(".")
    for i, part in enumerate(parts):
        if isinstance(node, dict):
            if part not in node:
                return MISSING
            node = node[part]
        elif isinstance(node, list):
            rest = ".".join(parts[i:])
            found = [v for v in (get_path(e, rest) for e in node) if v is not MISSING]
            flat: list = []
            for v in found:
                flat.extend(v) if isinstance(v, list) else flat.append(v)
            return flat if found else MISSING
        else:
            return MISSING
    return node


def _date(v: Any):
    if isinstance(v, str) and len(v) >= 16 and v[4:5] == "-" and (v.endswith(("Z", "z")) or v[-3:-2] == ":"
                                                                    or v[-5:-4] in "+-"):
        dt = parse_instant(v)
        if dt is not None and dt.tzinfo is not None:
            return dt
    return None


def unwrap(v: Any) -> Any:
    """``{"$date": "..."}`` (the SDK's tagged date) -> the string."""
    if isinstance(v, dict) and len(v) == 1 and "$date" in v:
        return v["$date"]
    return v


def equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        if a == b:
            return True
        da, db = _date(a), _date(b)
        return da is not None and db is not None and da == db
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    return a is None and b is None


def compare(a: Any, b: Any) -> int | None:
    """-1 / 0 / 1, or None when ``a`` and ``b`` are not comparable (different kinds)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        da, db = _date(a), _date(b)
        if da is not None and db is not None:
            return (da > db) - (da < db)
        return (a > b) - (a < b)
    return None


def sort_key(v: Any) -> tuple:
    """Total order used by sort (see the module docstring)."""
    if v is MISSING or v is None:
        return (0,)
    if isinstance(v, bool):
        return (1, v)
    if isinstance(v, (int, float)):
        return (2, v)
    if isinstance(v, str):
        d = _date(v)
        return (3, d.timestamp()) if d is not None else (4, v)
    return (5, json.dumps(v, sort_keys=True, default=str))


# ------------------------------------------------------------------ filters

def _field_name(path: str, known: Known | None, where: str) -> str:
    if not isinstance(path, str) or not path or path.startswith(".") or path.endswith(".") or ".." in path:
        raise WqlError(where, f"invalid field name {path!r}", "OTHER", "wql-field")
    if path.startswith("$"):
        raise WqlError(where, f"unsupported filter operator {path}; supported: {', '.join(LOGICAL)} and, per field, "
                              f"{', '.join(OPERATORS)}", "OTHER", "wql-operator")
    parts = path.split(".")
    if known is None:
        return ".".join(SDK_ALIASES.get(p, p) if i == 0 else p for i, p in enumerate(parts))
    if known(path):
        return path
    alt = ".".join(p[1:] if p.startswith("_") and len(p) > 1 else p for p in parts)
    if alt != path and known(alt):
        return alt
    raise WqlError(where, f"unknown field {path!r}: this entity has no such field", "OTHER", "wql-field")


def _list_operand(op: str, v: Any, where: str) -> list:
    if not isinstance(v, list):
        raise WqlError(where, f"{op} takes a list, got {type(v).__name__}", "OTHER", "wql-operand")
    return [unwrap(x) for x in v]


def _any(value: Any, test: Callable[[Any], bool]) -> bool:
    if isinstance(value, list):
        return any(test(x) for x in value)
    return test(value)


def _operator(op: str, operand: Any, where: str) -> Callable[[Any], bool]:
    """A test on the field's value (MISSING included) for one operator."""
    if op == "$eq":
        operand = unwrap(operand)
        if isinstance(operand, list):
            return lambda v: v is not MISSING and v is not None and (
                equal(v, operand) or _any(v, lambda x: equal(x, operand)))
        return lambda v: v is not MISSING and v is not None and _any(v, lambda x: equal(x, operand))
    if op == "$ne":
        eq = _operator("$eq", operand, where)
        return lambda v: not eq(v)
    if op == "$in":
        vals = _list_operand(op, operand, where)
        return lambda v: v is not MISSING and v is not None and _any(v, lambda x: any(equal(x, o) for o in vals))
    if op in ("$gt", "$gte", "$lt", "$lte"):
        operand = unwrap(operand)
        if not isinstance(operand, (int, float, str)) or isinstance(operand, bool):
            raise WqlError(where, f"{op} takes a number, a string or a date, got {json.dumps(operand)[:40]}",
                           "OTHER", "wql-operand")
        ok = {"$gt": (1,), "$gte": (0, 1), "$lt": (-1,), "$lte": (-1, 0)}[op]

        def cmp(x, operand=operand, ok=ok):
            c = compare(x, operand)
            return c is not None and c in ok

        return lambda v: v is not MISSING and v is not None and _any(v, cmp)
    if op == "$exists":
        if not isinstance(operand, bool):
            raise WqlError(where, f"$exists takes true or false, got {json.dumps(operand)[:40]}", "OTHER",
                           "wql-operand")
        return (lambda v: v is not MISSING and v is not None) if operand else (lambda v: v is MISSING or v is None)
    if op == "$hasSome":
        vals = _list_operand(op, operand, where)
        return lambda v: isinstance(v, list) and any(equal(x, o) for x in v for o in vals)
    if op == "$hasAll":
        vals = _list_operand(op, operand, where)
        return lambda v: isinstance(v, list) and all(any(equal(x, o) for x in v) for o in vals)
    if op == "$startsWith":
        if not isinstance(operand, str):
            raise WqlError(where, f"$startsWith takes a string, got {json.dumps(operand)[:40]}", "OTHER",
                           "wql-operand")
        return lambda v: v is not MISSING and v is not None and _any(
            v, lambda x: isinstance(x, str) and x.startswith(operand))
    raise WqlError(where, f"unsupported filter operator {op}; supported: {', '.join(OPERATORS)}", "OTHER",
                   "wql-operator")


def _field_predicate(path: str, cond: Any, where: str) -> Predicate:
    if isinstance(cond, dict) and any(isinstance(k, str) and k.startswith("$") for k in cond) and \
            not (len(cond) == 1 and "$date" in cond):
        if not all(isinstance(k, str) and k.startswith("$") for k in cond):
            raise WqlError(where, "an operator object cannot mix operators and field names", "OTHER", "wql-operand")
        tests = [_operator(op, operand, f"{where}.{op}") for op, operand in cond.items()]
    else:
        tests = [_operator("$eq", cond, where)]
    if len(tests) == 1:
        t = tests[0]
        return lambda e: t(get_path(e, path))
    return lambda e: all(t(v) for v in (get_path(e, path),) for t in tests)


def compile_filter(flt: Any, known: Known | None = None, where: str = "query.filter") -> Predicate:
    """``flt`` as a predicate over entities; :class:`WqlError` when it is not a supported filter."""
    if flt is None:
        return lambda e: True
    if not isinstance(flt, dict):
        raise WqlError(where, f"a filter is an object, got {type(flt).__name__}", "OTHER", "wql-filter")
    preds: list[Predicate] = []
    for key, cond in flt.items():
        if key in ("$and", "$or"):
            if not isinstance(cond, list) or not all(isinstance(c, dict) for c in cond):
                raise WqlError(f"{where}.{key}", f"{key} takes a list of filters", "OTHER", "wql-operand")
            subs = [compile_filter(c, known, f"{where}.{key}[{i}]") for i, c in enumerate(cond)]
            if key == "$and":
                preds.append(lambda e, subs=subs: all(p(e) for p in subs))
            else:
                preds.append(lambda e, subs=subs: any(p(e) for p in subs))
        elif key == "$not":
            if not isinstance(cond, dict):
                raise WqlError(f"{where}.$not", "$not takes a filter object", "OTHER", "wql-operand")
            sub = compile_filter(cond, known, f"{where}.$not")
            preds.append(lambda e, sub=sub: not sub(e))
        else:
            path = _field_name(key, known, f"{where}.{key}" if not str(key).startswith("$") else where)
            preds.append(_field_predicate(path, cond, f"{where}.{key}"))
    if not preds:
        return lambda e: True
    if len(preds) == 1:
        return preds[0]
    return lambda e: all(p(e) for p in preds)


# ------------------------------------------------------------------ sort, projection

def compile_sort(sort: Any, known: Known | None = None, where: str = "query.sort") -> list[tuple[str, bool]]:
    """``[{fieldName, order}]`` -> ``[(path, descending)]``."""
    if sort is None:
        return []
    if not isinstance(sort, list):
        raise WqlError(where, "sort is a list of {fieldName, order}", "OTHER", "wql-sort")
    out = []
    for i, s in enumerate(sort):
        w = f"{where}[{i}]"
        if not isinstance(s, dict) or not s.get("fieldName"):
            raise WqlError(f"{w}.fieldName", "fieldName is required", "REQUIRED_FIELD", "required")
        order = s.get("order") or "ASC"
        if order not in ("ASC", "DESC"):
            raise WqlError(f"{w}.order", f"order is ASC or DESC, got {order!r}", "OTHER", "wql-sort")
        out.append((_field_name(s["fieldName"], known, f"{w}.fieldName"), order == "DESC"))
    return out


def apply_sort(items: list, keys: list[tuple[str, bool]]) -> list:
    out = list(items)
    for path, desc in reversed(keys):
        out.sort(key=lambda e, p=path: sort_key(get_path(e, p)), reverse=desc)
    return out


def _set_path(out: dict, src: dict, parts: list[str]) -> None:
    head = parts[0]
    if head not in src:
        return
    if len(parts) == 1:
        out[head] = src[head]
        return
    sub = src[head]
    if isinstance(sub, dict):
        tgt = out.setdefault(head, {})
        if isinstance(tgt, dict):
            _set_path(tgt, sub, parts[1:])
    elif isinstance(sub, list):
        if head not in out:
            out[head] = [{} if isinstance(x, dict) else x for x in sub]
        for tgt, x in zip(out[head], sub):
            if isinstance(tgt, dict) and isinstance(x, dict):
                _set_path(tgt, x, parts[1:])


def project(entity: dict, fields: Iterable[str], keep: tuple[str, ...] = ("id",)) -> dict:
    out: dict = {}
    for f in (*keep, *fields):
        _set_path(out, entity, f.split("."))
    return out


# ------------------------------------------------------------------ paging

def encode_cursor(state: dict) -> str:
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, where: str) -> dict:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        state = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        state = None
    if not isinstance(state, dict) or not isinstance(state.get("o"), int) or state.get("v") != 1:
        raise WqlError(where, "invalid cursor: pass back a cursor this endpoint returned", "OTHER", "wql-cursor")
    return state


@dataclass
class Page:
    items: list
    total: int
    offset: int
    limit: int
    cursors: dict = field(default_factory=dict)
    cursor_paging: bool = False

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def meta(self) -> dict:
        """Every paging-metadata field any endpoint uses (an endpoint keeps those its contract declares)."""
        m: dict = {"count": len(self.items), "offset": self.offset, "total": self.total, "tooManyToCount": False,
                   "hasNext": self.has_next}
        m["cursors"] = dict(self.cursors)
        return m


def _limit(paging: dict, where: str, default: int, maximum: int) -> int:
    limit = paging.get("limit")
    if limit is None or limit == 0:
        return default
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit != int(limit) or limit < 0:
        raise WqlError(f"{where}.limit", f"limit is a whole number from 0 to {maximum}", "OTHER", "wql-paging")
    if limit > maximum:
        raise WqlError(f"{where}.limit", f"limit must be at most {maximum}, got {int(limit)}", "MAX", "maximum")
    return int(limit)


def run(entities: Iterable[dict], query: dict | None, *, known: Known | None = None,
        default_sort: list[tuple[str, bool]] | None = None, default_limit: int = 50, max_limit: int = 100,
        where: str = "query", cursor_default: bool = False, projection: bool = True) -> Page:
    """Filter, sort, page and project ``entities`` with ``query`` (a WQL query object).  ``cursor_default``:
    answer with cursors when the query names no paging (endpoints whose contract only has cursorPaging)."""
    query = query or {}
    if not isinstance(query, dict):
        raise WqlError(where, "query is an object", "OTHER", "wql")
    paging, cpaging = query.get("paging"), query.get("cursorPaging")
    if paging is not None and cpaging is not None:
        raise WqlError(where, "use either paging or cursorPaging, not both", "OTHER", "wql-paging")
    flt, sort = query.get("filter"), query.get("sort")
    offset = 0
    use_cursor = cpaging is not None or (paging is None and cursor_default)
    if cpaging is not None and not isinstance(cpaging, dict):
        raise WqlError(f"{where}.cursorPaging", "cursorPaging is an object", "OTHER", "wql-paging")
    if paging is not None and not isinstance(paging, dict):
        raise WqlError(f"{where}.paging", "paging is an object", "OTHER", "wql-paging")
    limit = _limit(cpaging or paging or {}, f"{where}.{'cursorPaging' if use_cursor else 'paging'}",
                   default_limit, max_limit)
    if cpaging and cpaging.get("cursor"):
        state = decode_cursor(cpaging["cursor"], f"{where}.cursorPaging.cursor")
        flt, sort, offset = state.get("f"), state.get("s"), state["o"]
    elif paging is not None:
        off = paging.get("offset", 0) or 0
        if isinstance(off, bool) or not isinstance(off, (int, float)) or off != int(off) or off < 0:
            raise WqlError(f"{where}.paging.offset", "offset is a whole number ≥ 0", "OTHER", "wql-paging")
        offset = int(off)
    pred = compile_filter(flt, known, f"{where}.filter")
    keys = compile_sort(sort, known, f"{where}.sort") if sort else list(default_sort or [])
    fields = query.get("fields") if projection else None
    if fields is not None:
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise WqlError(f"{where}.fields", "fields is a list of field names", "OTHER", "wql-fields")
        fields = [_field_name(f, known, f"{where}.fields[{i}]") for i, f in enumerate(fields)]
    matched = [e for e in entities if pred(e)]
    ordered = apply_sort(matched, keys) if keys else matched
    window = ordered[offset:offset + limit]
    if fields:
        window = [project(e, fields) for e in window]
    page = Page(items=window, total=len(ordered), offset=offset, limit=limit, cursor_paging=use_cursor)
    if use_cursor:
        base = {"v": 1, "f": flt, "s": sort}
        if offset + len(window) < len(ordered):
            page.cursors["next"] = encode_cursor({**base, "o": offset + len(window)})
        if offset > 0:
            page.cursors["prev"] = encode_cursor({**base, "o": max(0, offset - limit)})
    return page


def count(entities: Iterable[dict], flt: Any, *, known: Known | None = None, where: str = "filter") -> int:
    pred = compile_filter(flt, known, where)
    return sum(1 for e in entities if pred(e))
