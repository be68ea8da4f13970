"""Result types of the validator: a ``Finding`` per problem, a ``Result`` per payload."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

ACTUAL_MAX = 80
_new = object.__new__


def short_repr(value: Any, limit: int = ACTUAL_MAX) -> str:
    """``repr(value)``, cut to ``limit`` characters (the last one "…"); a big list or dict is not
    rendered whole to be cut."""
    try:
        if type(value) in (list, dict, tuple) and len(value) > 8:
            text = _bounded_repr(value, limit + 1)
        else:
            text = repr(value)
    except Exception:  # pragma: no cover - exotic objects
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bounded_repr(value: Any, limit: int) -> str:
    """A prefix of ``repr(value)`` at least ``limit`` characters long (or all of it)."""
    parts: list[str] = []
    size = 0

    def put(text: str) -> bool:
        nonlocal size
        parts.append(text)
        size += len(text)
        return size >= limit

    def walk(v: Any) -> bool:  # True once enough text is out
        t = type(v)
        if t in (list, tuple):
            if put("[" if t is list else "("):
                return True
            for i, x in enumerate(v):
                if (i and put(", ")) or walk(x):
                    return True
            return put("]" if t is list else (",)" if len(v) == 1 else ")"))
        if t is dict:
            if put("{"):
                return True
            for i, (k, x) in enumerate(v.items()):
                if (i and put(", ")) or walk(k) or put(": ") or walk(x):
                    return True
            return put("}")
        return put(repr(v) if not (t is str and len(v) > limit) else repr(v[:limit]))

    walk(value)
    return "".join(parts)


def pointer(path) -> str:
    """JSON pointer (RFC 6901) for a sequence of keys/indices."""
    if not path:
        return ""
    text = "/" + "/".join([p if type(p) is str else str(p) for p in path])
    if "~" not in text and text.count("/") == len(path):  # nothing to escape
        return text
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


@dataclass(frozen=True)
class Finding:
    pointer: str
    rule: str
    message: str
    expected: Any = None
    actual: str | None = None
    source: str | None = None
    severity: str = "error"  # "error" | "warning"
    location: str = "request"  # "request" | "response" | "path" | "header" | "route"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def _make(cls, pointer: str, rule: str, message: str, expected: Any, actual: str | None, source: str | None,
              severity: str, location: str) -> "Finding":
        """``Finding(...)`` for the engine's hot path: the same object, without the frozen dataclass's
        per-field ``object.__setattr__`` calls."""
        f = _new(cls)
        f.__dict__.update({"pointer": pointer, "rule": rule, "message": message, "expected": expected,
                           "actual": actual, "source": source, "severity": severity, "location": location})
        return f

    def with_(self, **kw) -> "Finding":
        return replace(self, **kw)  # shallow: ``expected`` is shared, as findings are read-only


@dataclass
class Result:
    operation: str | None
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def findings(self) -> list[Finding]:
        return [*self.errors, *self.warnings]

    def add(self, f: Finding) -> None:
        (self.errors if f.severity == "error" else self.warnings).append(f)

    def extend(self, other: "Result") -> "Result":
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)
        if self.operation is None:
            self.operation = other.operation
        return self

    def rules(self, severity: str | None = None) -> set[str]:
        fs = self.findings if severity is None else (self.errors if severity == "error" else self.warnings)
        return {f.rule for f in fs}

    def to_dict(self) -> dict:
        return {"ok": self.ok, "operation": self.operation,
                "errors": [f.to_dict() for f in self.errors],
                "warnings": [f.to_dict() for f in self.warnings]}

    def __bool__(self) -> bool:
        return self.ok


def json_type(v) -> str:
    """JSON Schema type name of a Python JSON value."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__
