"""Errors the emulator answers with, always in Wix's envelope (policy ``errors.*``).

* :class:`WixError`: an application error ``{message, details: {applicationError: {code, description, data}}}``;
* :class:`ValidationFailure`: a request the gateway would reject
  ``{message, details: {validationError: {fieldViolations: [...]}}}``.

A 400 application error of an operation that documents no such code is rendered as a validationError
naming the field (policy ``errors.400_shape``): the SDK-only operations document only the generic
validation envelope for 400."""

from __future__ import annotations

from typing import Any, Iterable

JSON_HEADERS = {"content-type": "application/json"}

# validation-engine finding rule -> Wix violatedRule (policy validation.violated_rule)
RULES = {"required": "REQUIRED_FIELD", "oneOf-required": "REQUIRED_FIELD", "format": "FORMAT", "int64": "FORMAT",
         "minLength": "MIN_LENGTH", "maxLength": "MAX_LENGTH", "minimum": "MIN", "maximum": "MAX",
         "exclusiveMinimum": "MIN", "exclusiveMaximum": "MAX", "minItems": "MIN_SIZE", "maxItems": "MAX_SIZE"}


class WixError(Exception):
    """An application error; rendered with the Wix envelope.  ``field`` names the request field it is about
    (used when the error is rendered as a validationError)."""

    def __init__(self, http: int, code: str, description: str, data: dict | None = None, headers=None,
                 field: str | None = None):
        super().__init__(description)
        self.http, self.code, self.description, self.data = http, code, description, data or {}
        self.headers = headers or {}
        self.field = field

    def body(self) -> dict:
        return {"message": f"{self.code}: {self.description}",
                "details": {"applicationError": {"code": self.code, "description": self.description,
                                                 "data": self.data}}}

    def as_validation(self) -> "ValidationFailure":
        return ValidationFailure([violation(self.field or "", self.description, "OTHER", self.code)])


class ValidationFailure(Exception):
    """A request the gateway rejects before any state is read: HTTP 400, one fieldViolation per problem."""

    http = 400

    def __init__(self, violations: list[dict]):
        super().__init__(violations[0]["description"] if violations else "invalid request")
        self.violations = violations

    def body(self) -> dict:
        first = self.violations[0]
        return {"message": f"INVALID_ARGUMENT: {first['field'] or 'request'}: {first['description']}",
                "details": {"validationError": {"fieldViolations": self.violations}}}


def violation(field: str, description: str, rule: str = "OTHER", rule_name: str | None = None) -> dict:
    return {"field": field, "description": description, "violatedRule": rule, "ruleName": rule_name or rule.lower()}


def invalid(field: str, description: str, rule: str = "OTHER", rule_name: str | None = None) -> ValidationFailure:
    """One-violation :class:`ValidationFailure`."""
    return ValidationFailure([violation(field, description, rule, rule_name)])


def required(field: str) -> ValidationFailure:
    return invalid(field, f"{field.rsplit('.', 1)[-1]} is required", "REQUIRED_FIELD", "required")


def field_path(parts: Iterable) -> str:
    """``("a", 0, "b")`` -> ``a[0].b``."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def dotted(ptr: str, instance: Any) -> str:
    """``/booking/additionalFields/0/id`` -> ``booking.additionalFields[0].id`` (indices told apart from keys
    by walking ``instance``; past the end of the instance every part is a key)."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in ptr.split("/")[1:]] if ptr else []
    out: list = []
    node = instance
    for p in parts:
        if isinstance(node, list) and p.isdigit():
            out.append(int(p))
            node = node[int(p)] if int(p) < len(node) else None
        else:
            out.append(p)
            node = node.get(p) if isinstance(node, dict) else None
    return field_path(out)


def violations(findings, instance) -> list[dict]:
    """Error findings of the validation engine -> Wix ``fieldViolations`` (policy validation.*)."""
    return [{"field": dotted(f.pointer, instance), "description": f.message,
             "violatedRule": RULES.get(f.rule, "OTHER"), "ruleName": f.rule} for f in findings]
