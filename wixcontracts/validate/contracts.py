"""``Contracts``: the public validation API over the committed contracts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from .engine import SUCCESS, Compiled, UsageError, check_headers, explain
from .findings import Finding, Result, short_repr

_CODE_PATH = ("details", "applicationError", "code")


class Contracts:
    def __init__(self, catalog):
        self.catalog = catalog
        self._compiled: dict[tuple, Compiled] = {}
        self._router = None

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Contracts":
        """Committed contracts (``path`` = a root holding ``contracts/`` and ``schemas/``)."""
        from ..catalog import Catalog

        return cls(Catalog(Path(path) if path else None))

    # ------------------------------------------------------------------ helpers
    def operation(self, name: str) -> dict:
        return self.catalog.operation(name)  # raises UnknownOperation (did-you-mean)

    def compiled(self, op: str, kind: str, surface: str = "rest", status: int | None = None) -> Compiled:
        key = (op, kind, surface, status)
        c = self._compiled.get(key)
        if c is None:
            try:
                schema = self.catalog.schema(op, kind, surface)
            except KeyError as e:
                raise UsageError(str(e.args[0]) if e.args else str(e)) from None
            if kind == "error" and status is not None:
                defs = schema.get("$defs") or {}
                sub = dict(defs[f"http{status}"])
                sub["$defs"] = defs
                sub.setdefault("$schema", schema.get("$schema"))
                schema = sub
            c = Compiled(schema, request=kind == "request")
            self._compiled[key] = c
        return c

    def _check(self, c: Compiled, body: Any, **kw) -> list[Finding]:
        # the strict copy only adds constraints: a payload it accepts is valid and drift-free,
        # so the common case costs one jsonschema-rs call
        if c.rs_strict.is_valid(body):
            return []
        base_ok = c.rs.is_valid(body)
        found = explain(c, body, **kw)
        if not base_ok and not found:
            # the engines disagree (the differential test guards against this): keep the
            # fast path's verdict and report its own messages
            from .findings import pointer

            for e in c.rs.iter_errors(body):
                found.append(Finding(pointer=pointer(e.instance_path), rule="schema", message=e.message,
                                     actual=short_repr(e.instance), source=kw.get("default_source"),
                                     location=kw.get("location", "request")))
        return found

    # ------------------------------------------------------------------ requests
    def validate_request(self, op: str, body: Any, *, path_params: Mapping[str, Any] | None = None,
                         headers: Mapping[str, Any] | None = None, surface: str = "rest",
                         allow_unknown: bool = False) -> Result:
        o = self.operation(op)
        name = o["id"]
        res = Result(name)
        c = self.compiled(name, "request", surface)
        incomplete = bool(c.schema.get("x-wix-incomplete"))
        lenient = "warning" if (allow_unknown or incomplete) else "error"
        for f in self._check(c, {} if body is None else body, location="request", default_source=o.get("page"),
                             undocumented=lenient, closed_by_us="warning"):
            res.add(f)
        if path_params is not None:
            pc = self.compiled(name, "path", "rest")
            for f in self._check(pc, dict(path_params), location="path", default_source=o.get("page"),
                                 undocumented="error", closed_by_us="error"):
                res.add(f)
        if headers is not None:
            for f in check_headers(headers, o):
                res.add(f)
        return res

    # ------------------------------------------------------------------ responses
    def validate_response(self, op: str, body: Any, status: int | None = 200, *, strict: bool = False,
                          surface: str = "rest") -> Result:
        o = self.operation(op)
        name = o["id"]
        if status is None or status not in SUCCESS:
            return self.validate_error(name, body, status, strict=strict, surface=surface)
        res = Result(name)
        c = self.compiled(name, "response", surface)
        incomplete = bool(c.schema.get("x-wix-incomplete"))
        drift = "error" if strict and not incomplete else "warning"
        for f in self._check(c, {} if body is None else body, location="response", default_source=o.get("page"),
                             undocumented="error", closed_by_us=drift):
            res.add(f)
        return res

    def validate_error(self, op: str, body: Any, status: int | None = None, *, strict: bool = False,
                       surface: str = "rest") -> Result:
        """An error response; ``status=None`` means "some documented error status"."""
        o = self.operation(op)
        name = o["id"]
        res = Result(name)
        err_surface = surface if "error" in (o["schemas"].get(surface) or {}) else "rest"
        base = self.compiled(name, "error", err_surface)
        documented = base.schema.get("x-wix-documented-statuses") or []
        by_code = {e["code"]: e for e in o.get("errors") or []}
        page = o.get("page")
        if status is not None and status in documented and f"http{status}" in (base.schema.get("$defs") or {}):
            c = self.compiled(name, "error", err_surface, status)
        else:
            c = base
            if status is not None:
                res.add(Finding(pointer="", rule="undocumented-status", severity="warning", location="response",
                                message=f"HTTP {status} is not a documented error status of {name}",
                                expected=documented, actual=str(status), source=page))
        if not isinstance(body, dict):
            res.add(Finding(pointer="", rule="envelope", location="response", source=page,
                            message="error response body must be a JSON object {message, details}",
                            expected="object", actual=short_repr(body)))
            return res
        findings = self._check(c, body, location="response", default_source=page, undocumented="error",
                               closed_by_us="error" if strict else "warning", code_path=_CODE_PATH,
                               error_rule="envelope")
        code = ((body.get("details") or {}).get("applicationError") or {}).get("code") \
            if isinstance(body.get("details"), dict) and isinstance(body["details"].get("applicationError"), dict) else None
        for f in findings:
            if f.rule == "undocumented-error-code":
                f = f.with_(source=(by_code.get(code) or {}).get("source") or f.source or page)
            elif f.source is None:
                f = f.with_(source=(by_code.get(code) or {}).get("source") or page)
            res.add(f)
        return res

    # ------------------------------------------------------------------ exchanges
    def route(self, method: str, url: str):
        if self._router is None:
            from .exchange import Router

            self._router = Router(self.catalog.operations)
        return self._router.match(method, url)

    def validate_exchange(self, method: str, url: str, headers: Mapping[str, Any] | None, body: Any,
                          status: int | None, response_body: Any, *, strict: bool = False,
                          allow_unknown: bool = False) -> Result:
        from .exchange import WIX_HOST

        hit = self.route(method or "", url or "")
        if hit is None:
            res = Result(None)
            res.add(Finding(pointer="", rule="route", location="route", actual=short_repr(f"{method} {url}"),
                            message=f"no documented operation for {str(method).upper()} {url}",
                            expected="a documented method and path"))
            return res
        name, params, host = hit
        res = Result(name)
        if host and host.lower() != WIX_HOST:
            res.add(Finding(pointer="", rule="host", severity="warning", location="route", actual=short_repr(host),
                            expected=WIX_HOST, message=f"host {host} is not {WIX_HOST}"))
        res.extend(self.validate_request(name, body, path_params=params, headers=headers or {},
                                         allow_unknown=allow_unknown))
        if status is not None:
            res.extend(self.validate_response(name, response_body, status, strict=strict))
        return res
