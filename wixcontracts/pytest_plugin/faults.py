"""Injected faults: an error answer (any status, documented or not), a timeout, a dropped connection.

``wix_api.fail(op, status=…, code=…, retry_after=…, times=…)`` answers with Wix's error envelope
``{"message", "details": {"applicationError": {"code", "description", "data"}}}``; a 429 carries
``Retry-After``.  ``wix_api.timeout(op)`` raises the client's own timeout exception
(``httpx.ReadTimeout``, ``requests.exceptions.ReadTimeout``) and ``wix_api.disconnect(op)`` a dropped
connection (``httpx.RemoteProtocolError``, ``requests.exceptions.ConnectionError``)."""

from __future__ import annotations

from dataclasses import dataclass, field

# the gateway's canonical code per HTTP status, used when the operation documents none for it
GENERIC_CODES = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    409: "ALREADY_EXISTS", 412: "FAILED_PRECONDITION", 428: "FAILED_PRECONDITION", 429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED", 500: "INTERNAL", 501: "UNIMPLEMENTED", 502: "UNAVAILABLE", 503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
KINDS = ("error", "timeout", "disconnect")


@dataclass
class Fault:
    kind: str  # error | timeout | disconnect
    status: int | None = None
    code: str | None = None
    message: str | None = None
    retry_after: float | int | str | None = None
    data: dict = field(default_factory=dict)
    documented: bool = True  # status and code documented for the operation
    remaining: int | None = 1  # None: every call

    def body(self) -> dict:
        desc = self.message or self.code or ""
        return {"message": f"{self.code}: {desc}" if self.code else desc,
                "details": {"applicationError": {"code": self.code or "", "description": desc,
                                                 "data": dict(self.data)}}}

    def headers(self) -> dict[str, str]:
        h = {"content-type": "application/json"}
        if self.retry_after is not None:
            h["retry-after"] = str(self.retry_after)
        elif self.status == 429:
            h["retry-after"] = "1"
        return h

    def describe(self) -> str:
        if self.kind != "error":
            return self.kind
        return f"{self.status} {self.code}" + ("" if self.documented else " (undocumented)")


def error_fault(op: dict, *, status: int | None, code: str | None, message: str | None,
                retry_after, times: int | None, data: dict | None) -> Fault:
    """The fault for ``fail``: a documented code takes its documented status; any other status or code
    is allowed and marked undocumented (the call log says so)."""
    errors = op.get("errors") or []
    if status is not None:
        try:
            status = int(status)
        except (TypeError, ValueError):
            raise ValueError(f"fail({op['id']!r}): status must be an HTTP status code, got {status!r}") from None
        if not 400 <= status <= 599:
            raise ValueError(f"fail({op['id']!r}): status {status} is not an error status (400-599)")
    if code is None and status is None:
        raise ValueError(f"fail({op['id']!r}): give code= (documented: "
                         f"{', '.join(sorted({e['code'] for e in errors})) or 'none'}) and/or status=")
    documented_codes = {(int(e["http"]), e["code"]) for e in errors}
    if code is not None:
        by_code = [int(e["http"]) for e in errors if e["code"] == code]
        if status is None:
            status = by_code[0] if by_code else 400
        documented = (status, code) in documented_codes
    else:
        same = [e["code"] for e in errors if int(e["http"]) == status]
        code = same[0] if same else GENERIC_CODES.get(status, "UNKNOWN")
        documented = bool(same)
    if times is not None and (not isinstance(times, int) or times < 1):
        raise ValueError(f"fail({op['id']!r}): times must be a positive int, or None for every call")
    return Fault("error", status, code, message, retry_after, dict(data or {}), documented, times)
