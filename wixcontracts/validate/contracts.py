"""``Contracts``: the public validation API over the committed contracts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from .engine import (DEFAULT_MAX_FINDINGS, SUCCESS, Compiled, UsageError, _max_findings, _policy, check_headers,
                     explain, explain_with)
from .findings import Finding, Result, short_repr
from .wire import WireRequest
from .wire import read as read_wire

_CODE_PATH = ("details", "applicationError", "code")


class _Plan:
    """What validating one kind of payload of one operation needs, looked up once: the common case (a valid
    payload) is then one dict lookup and one jsonschema-rs call."""

    __slots__ = ("name", "op", "page", "compiled", "is_valid", "incomplete", "policies")

    def __init__(self, op: dict, compiled: Compiled):
        self.name = op["id"]
        self.op = op
        self.page = op.get("page")
        self.compiled = compiled
        self.is_valid = compiled.rs_strict.is_valid
        self.incomplete = bool(compiled.schema.get("x-wix-incomplete"))
        # a response's explanation policy, by ``strict``
        drift = ("error" if not self.incomplete else "warning", "warning")
        self.policies = tuple(_policy("response", self.page, "error", d, "warning", None, None) for d in drift)


# Compiled schemas shared by every ``Contracts`` of the process, by the file they were read from (path, inode,
# size, modification time): a validator, an emulator and the pytest plugin over the same contracts compile each
# schema once (its strict and explaining copies and their jsonschema-rs validators)
_SHARED: dict[tuple, Compiled] = {}


def _file_identity(catalog, op: str, kind: str, surface: str) -> tuple | None:
    """What identifies the schema file's content, or None (a catalog not read from files)."""
    schema_file = getattr(catalog, "schema_file", None)
    if schema_file is None:
        return None
    path = schema_file(op, kind, surface)
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (os.path.abspath(path), st.st_ino, st.st_size, st.st_mtime_ns, surface)


class Contracts:
    def __init__(self, catalog, *, max_findings: int | None = None):
        """``max_findings``: the default cap of findings per payload (1,000); each ``validate_*`` call
        may pass its own."""
        self.catalog = catalog
        self.max_findings = DEFAULT_MAX_FINDINGS if max_findings is None else _max_findings(max_findings)
        self._compiled: dict[tuple, Compiled] = {}
        self._ops: dict[str, dict] = {}
        self._plans: dict[tuple, _Plan] = {}
        self._responses: dict[str, _Plan] = {}  # the REST response plans by the name given (the hot path)
        self._router = None
        self._split_url = self._wix_host = None  # from .exchange, with the router

    @classmethod
    def load(cls, path: str | Path | None = None, *, max_findings: int | None = None) -> "Contracts":
        """Committed contracts (``path`` = a root holding ``contracts/`` and ``schemas/``)."""
        from ..catalog import Catalog

        return cls(Catalog(Path(path) if path else None), max_findings=max_findings)

    # ------------------------------------------------------------------ helpers
    def operation(self, name: str) -> dict:
        o = self._ops.get(name)
        if o is None:
            o = self.catalog.operation(name)  # raises UnknownOperation (did-you-mean)
            if isinstance(name, str):
                self._ops[name] = o
        return o

    def _plan(self, op: str, kind: str, surface: str) -> _Plan:
        key = (op, kind, surface)
        p = self._plans.get(key)
        if p is None:
            o = self.operation(op)
            p = self._plans[key] = _Plan(o, self.compiled(o["id"], kind, surface))
        return p

    def _cap(self, max_findings: int | None) -> int:
        return self.max_findings if max_findings is None else _max_findings(max_findings)

    def compiled(self, op: str, kind: str, surface: str = "rest", status: int | None = None) -> Compiled:
        key = (op, kind, surface, status)
        c = self._compiled.get(key)
        if c is None:
            c = self._compiled[key] = self._compile(op, kind, surface, status)
        return c

    def _compile(self, op: str, kind: str, surface: str, status: int | None) -> Compiled:
        try:
            ident = _file_identity(self.catalog, op, kind, surface)
            hit = _SHARED.get((*ident, kind, status)) if ident is not None else None
            if hit is not None:
                return hit
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
        if ident is not None and ident == _file_identity(self.catalog, op, kind, surface):  # unchanged meanwhile
            if len(_SHARED) >= 4096:
                _SHARED.clear()
            _SHARED[(*ident, kind, status)] = c
        return c

    def _check(self, c: Compiled, body: Any, **kw) -> list[Finding]:
        # the strict copy only adds constraints: a payload it accepts is valid and drift-free,
        # so the common case costs one jsonschema-rs call
        if c.rs_strict.is_valid(body):
            return []
        return self._explain(c, body, **kw)

    def _explain(self, c: Compiled, body: Any, **kw) -> list[Finding]:
        found = explain(c, body, **kw)
        if not found:
            # cannot happen (tests/validate/test_differential.py): the strict schema rejected the payload, so
            # its explanation names a reason; should it not, report jsonschema-rs's own messages
            from .findings import pointer

            for i, e in enumerate(c.rs_strict.iter_errors(body)):
                if i == 100:
                    break
                found.append(Finding(pointer=pointer(e.instance_path), rule="schema", message=e.message,
                                     actual=short_repr(e.instance), source=kw.get("default_source"),
                                     location=kw.get("location", "request")))
        return found

    # ------------------------------------------------------------------ requests
    def read_request(self, op: str, body: Any = None, *, query: str | Mapping | None = None,
                     path_params: Mapping[str, Any] | None = None, method: str | None = None) -> WireRequest:
        """The request message as Wix's gateway reads it (``wixcontracts.validate.wire``): body and query
        merged, proto names mapped to JSON names, the path's fields compared and bound.  ``method`` is the
        HTTP method actually used (None when ``body`` is the request message itself)."""
        o = self.operation(op)
        c = self.compiled(o["id"], "request", "rest")
        return read_wire(root=c.schema, body=body, query=query, path_params=path_params, method=method,
                         message_in=(o.get("wire") or {}).get("message_in", "body"))

    def validate_request(self, op: str, body: Any, *, path_params: Mapping[str, Any] | None = None,
                         query: str | Mapping | None = None, headers: Mapping[str, Any] | None = None,
                         surface: str = "rest", allow_unknown: bool = False, method: str | None = None,
                         max_findings: int | None = None) -> Result:
        """A request.  ``body`` is the JSON body, or the whole request message when no ``method`` is given
        (``validate OP --request FILE``): the path's fields may then appear in it, and are compared with
        ``path_params`` when those are given.  ``query``: the query string (or a mapping) of the request.
        ``max_findings``: at most that many findings per payload (path, message), then one ``truncated``
        finding counting the rest (default: the ``Contracts``' own, 1,000)."""
        res, _wire = self.check_request(op, body, path_params=path_params, query=query, headers=headers,
                                        surface=surface, allow_unknown=allow_unknown, method=method,
                                        max_findings=max_findings)
        return res

    def check_request(self, op: str, body: Any, *, path_params: Mapping[str, Any] | None = None,
                      query: str | Mapping | None = None, headers: Mapping[str, Any] | None = None,
                      surface: str = "rest", allow_unknown: bool = False,
                      method: str | None = None, max_findings: int | None = None,
                      body_names_canonical: bool = False) -> tuple[Result, WireRequest | None]:
        """:meth:`validate_request`, also returning the request as read (None for the SDK surface).
        ``body_names_canonical``: the caller knows no key of ``body`` holds a ``_`` (``wire.read``)."""
        p = self._plan(op, "request", surface)
        o, name, page = p.op, p.name, p.page
        cap = self._cap(max_findings)
        res = Result(name)
        c = p.compiled
        lenient = "warning" if (allow_unknown or p.incomplete) else "error"
        if path_params is not None:  # the path first, as the gateway routes before it reads the message
            pp = self._plan(op, "path", "rest")
            params = dict(path_params)
            if not pp.is_valid(params):
                for f in self._explain(pp.compiled, params, location="path", default_source=page,
                                     undocumented="error", closed_by_us="error", max_findings=cap):
                    res.add(f)
        wire = None
        message = {} if body is None else body
        if surface == "rest":
            wire = read_wire(root=c.schema, body=body, query=query, path_params=path_params, method=method,
                             message_in=(o.get("wire") or {}).get("message_in", "body"),
                             body_names_canonical=body_names_canonical)
            message = wire.message
            for f in wire.findings:
                res.add(f if f.source else f.with_(source=page or None))
        if not p.is_valid(message):
            for f in self._explain(c, message, location="request", default_source=page,
                                 undocumented=lenient, closed_by_us="warning", max_findings=cap):
                res.add(f.with_(location=wire.location(f.pointer)) if wire is not None and f.pointer else f)
        if headers is not None:
            for f in check_headers(headers, o):
                res.add(f)
        return res, wire

    # ------------------------------------------------------------------ responses
    def validate_response(self, op: str, body: Any, status: int | None = 200, *, strict: bool = False,
                          surface: str = "rest", max_findings: int | None = None) -> Result:
        if status != 200 and (status is None or status not in SUCCESS):
            return self.validate_error(op, body, status, strict=strict, surface=surface, max_findings=max_findings)
        p = self._responses.get(op) if surface == "rest" else None
        if p is None:
            p = self._plan(op, "response", surface)
            if surface == "rest" and isinstance(op, str):
                self._responses[op] = p
        if body is None:
            body = {}
        if p.is_valid(body):  # the common case: valid and drift-free
            return Result(p.name)
        res = Result(p.name)
        found = explain_with(p.compiled, body, p.policies[0 if strict else 1],
                             self.max_findings if max_findings is None else _max_findings(max_findings))
        if not found:
            found = self._explain(p.compiled, body, location="response", default_source=p.page,
                                  undocumented="error", closed_by_us="warning")
        for f in found:
            (res.errors if f.severity == "error" else res.warnings).append(f)
        return res

    def validate_error(self, op: str, body: Any, status: int | None = None, *, strict: bool = False,
                       surface: str = "rest", max_findings: int | None = None) -> Result:
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
                               error_rule="envelope", max_findings=self._cap(max_findings))
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
        return self.router.match(method, url)

    @property
    def router(self):
        if self._router is None or self._split_url is None:
            from .exchange import WIX_HOST, Router, split_url

            self._split_url, self._wix_host = split_url, WIX_HOST
            if self._router is None:
                self._router = Router(self.catalog.operations)
        return self._router

    def validate_exchange(self, method: str, url: str, headers: Mapping[str, Any] | None, body: Any,
                          status: int | None, response_body: Any, *, strict: bool = False,
                          allow_unknown: bool = False, max_findings: int | None = None) -> Result:
        if self._split_url is None:
            self.router  # noqa: B018 (made once, with the URL helpers)
        router = self._router
        host, path, query = self._split_url(url or "")
        hit = router.match_path(method or "", path, host)
        if hit is None:
            res = Result(None)
            res.add(Finding(pointer="", rule="route", location="route", actual=short_repr(f"{method} {url}"),
                            message=f"no documented operation for {str(method).upper()} {url}",
                            expected="a documented method and path"))
            return res
        name, params, host = hit
        method = method.upper() if type(method) is str else str(method or "").upper()
        res = self.check_request(name, body, path_params=params, headers=headers or {}, allow_unknown=allow_unknown,
                                 query=query, method=method, max_findings=max_findings)[0]
        WIX_HOST = self._wix_host
        if host and host.lower() != WIX_HOST:  # the route's own finding comes first
            res.warnings.insert(0, Finding(pointer="", rule="host", severity="warning", location="route",
                                           actual=short_repr(host), expected=WIX_HOST,
                                           message=f"host {host} is not {WIX_HOST}"))
        if status is not None:
            res.extend(self.validate_response(name, response_body, status, strict=strict,
                                              max_findings=max_findings))
        return res
