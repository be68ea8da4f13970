"""Schemathesis against the in-process emulator, programmatically (for ``make check``).

``run_fuzz()`` → ``{"operations": n, "cases": n, "failures": [{"operation", "mode", "check", "status",
"message"}], "known_contract_gaps": {...}}``. Statuses the contract fails to document are tolerated only in
the exact combinations listed in ``KNOWN_CONTRACT_GAPS`` (they are contract bugs, reported, not hidden)."""

from __future__ import annotations

from typing import Any

KNOWN_CONTRACT_GAPS = {
    "G1": "every operation declares security wixAuth (apiKey header Authorization) but documents no 401; "
          "a request without Authorization gets 401 UNAUTHENTICATED from Emulator(require_auth=True)",
    "G2": "cancelBooking is complete now (request has the required revision, response {booking}) but its docs "
          "page still documents no error codes: only 200/400; the emulator answers 404 BOOKING_NOT_FOUND and "
          "428 BOOKING_REVISION_MISMATCH / INVALID_BOOKING_STATUS",
    "G3": "operations from the SDK typings document no error codes: they have no docs page, so their OpenAPI "
          "documents only 200 and the generic 400; the emulator answers them with the codes it uses for "
          "cancelBooking / declineMultiServiceBooking (policy sdk_ops.errors), at the statuses in G3_STATUSES",
}

# G3: exactly these operations, exactly these statuses (what their handlers answer without a seed)
_B = "bookings."
G3_STATUSES: dict[str, tuple[int, ...]] = {
    **{_B + n: (404, 428) for n in (
        "confirmBooking", "declineBooking", "markBookingAsPending", "confirmMultiServiceBooking",
        "cancelMultiServiceBooking", "markMultiServiceBookingAsPending", "rescheduleBooking",
        "updateNumberOfParticipants", "confirmOrDeclineBooking", "rescheduleMultiServiceBooking",
        "addBookingsToMultiServiceBooking", "removeBookingsFromMultiServiceBooking", "cancelBookingAnonymously",
        "rescheduleBookingAnonymously", "cancelMultiServiceBookingAnonymously")},
    **{_B + n: (404,) for n in (
        "getMultiServiceBooking", "bulkCancelBooking", "setBookingSubmissionId", "updateExtendedFields",
        "getMultiServiceBookingAvailability", "getAnonymousActionToken", "getAnonymousActionTokenForMultiServiceBooking",
        "getBookingAnonymously", "getServiceAnonymously", "getMultiServiceBookingAnonymously")},
    **{_B + n: () for n in (
        "createMultiServiceBooking", "bulkCreateBooking", "bulkConfirmOrDeclineBooking", "bulkCalculateAllowedActions",
        "bulkGetMultiServiceBookingAllowedActions")},
    **{f"{s}.{v}{e}": codes for s, e in (("services", "Service"), ("staff-members", "StaffMember"),
                                         ("resources", "Resource"))
       for v, codes in (("create", ()), ("get", (404,)), ("update", (404, 428)), ("delete", (404,)))},
    **{op: () for op in ("services.queryServices", "services.countServices", "staff-members.queryStaffMembers",
                         "staff-members.countStaffMembers", "resources.queryResources", "resources.countResources",
                         "extended-bookings.queryExtendedBookings", "extended-bookings.query",
                         "extended-bookings.countExtendedBookings", "event-time-slots.listEventTimeSlots")},
    **{op: (404,) for op in ("availability-time-slots.listAvailabilityTimeSlots",
                             "availability-time-slots.getAvailabilityTimeSlot", "event-time-slots.getEventTimeSlot",
                             "availability-time-slots.listAvailabilityTimeSlotEndOptions",
                             "multi-service-availability-time-slots.listMultiServiceAvailabilityTimeSlots",
                             "multi-service-availability-time-slots.getMultiServiceAvailabilityTimeSlot")},
}


def operation_id(case) -> str:
    """The contract id (``service.operation``) of a schemathesis case's operation."""
    raw = case.operation.definition.raw
    return raw.get("x-wix-id") or raw.get("operationId")


def _has_auth(headers) -> bool:
    return headers is None or any(str(k).lower() == "authorization" and v not in (None, "") for k, v in
                                  dict(headers).items())


def _sent_headers(response):
    """The headers the transport really sent (None when unknown)."""
    req = getattr(response, "request", None)
    return getattr(req, "headers", None)


def tolerated(response, case) -> str | None:
    """The gap id when this (operation, status) is an undocumented-but-known status, else None."""
    op = operation_id(case)
    if response.status_code == 401 and not (_has_auth(case.headers or {}) and _has_auth(_sent_headers(response))):
        return "G1"  # no Authorization was generated, or the transport dropped a malformed one
    if op == "bookings.cancelBooking" and response.status_code in (404, 428):
        return "G2"
    if response.status_code in G3_STATUSES.get(op, ()):
        return "G3"
    return None


def empty_path_parameter(case) -> bool:
    """A path parameter of ``case`` is empty.  Only a link does that (stateful runs): schemathesis puts the value a
    response held (an id the emulator stored as sent, e.g. a booking's ``slot.serviceId`` under
    ``skipAvailabilityValidation``) into the path without the parameter's schema (``minLength: 1``).  Such a request
    is no positive case of its operation, and its path no longer reaches the route: an empty last segment is a
    trailing ``/``, which routing ignores (policy ``route.raw_path``), so the answer is a 404 or 405."""
    return any(v == "" for v in (case.path_parameters or {}).values())


def status_code_conformance_with_known_gaps(ctx, response, case):
    from schemathesis.specs.openapi.checks import status_code_conformance

    if tolerated(response, case):
        return None
    if response.status_code in (404, 405) and empty_path_parameter(case):
        return None  # the route's answer to a path the link emptied (negative_data_rejection still wants a 4xx)
    return status_code_conformance(ctx, response, case)


_CONTRACTS = None


def engine_conformance(ctx, response, case):
    """The response through the validation engine in strict mode (formats such as uuid / date-time, int64
    digit strings, no field the contract does not document), which schemathesis' own check does not enforce."""
    global _CONTRACTS
    if _CONTRACTS is None:
        from ..validate import Contracts

        _CONTRACTS = Contracts.load()
    if str(case.method).upper() != str(case.operation.method).upper():
        return None  # a wrong-method probe (negative mode): 405 is no response of the operation's contract
    op = operation_id(case)
    try:
        body = response.json()
    except ValueError:
        body = response.text
    res = _CONTRACTS.validate_response(op, body, response.status_code, strict=True)
    if not res.ok:
        raise AssertionError("response fails the validation engine (strict): "
                             + "; ".join(f"{f.pointer or '/'} {f.rule}: {f.message}" for f in res.errors[:5]))
    return None


def checks() -> list:
    from schemathesis.specs.openapi.checks import negative_data_rejection, response_schema_conformance

    return [response_schema_conformance, status_code_conformance_with_known_gaps, negative_data_rejection,
            engine_conformance]


from .core import EMULATED  # noqa: E402


def emulated_services() -> list[str]:
    return sorted({op.split(".", 1)[0] for op in EMULATED})


def load_schema(emulator=None, operations=None, service: str = "bookings"):
    """The committed OpenAPI contract of one service, filtered to ``operations`` (ids; default: the emulated
    operations of ``service``) and served by the emulator."""
    import schemathesis

    from ..catalog import Catalog
    from .asgi import create_app
    from .core import Emulator

    cat = Catalog()
    if operations is None:
        operations = [o for o in EMULATED if o.split(".", 1)[0] == service]
    ops = [cat.operation(o) for o in operations]
    services = {o["service"] for o in ops}
    if len(services) != 1:
        raise ValueError(f"load_schema takes the operations of one service, got {sorted(services)}")
    spec = cat.openapi_path(services.pop())
    schema = schemathesis.openapi.from_path(str(spec)).include(operation_id=[o["name"] for o in ops])
    schema.app = create_app(emulator if emulator is not None else Emulator(require_auth=True))
    return schema


def availability_window(start, days: int = 7) -> dict[str, str]:
    """Schemathesis parameter overrides (``schema.config.update(parameters=...)``) for the one input of the flow
    service -> time slots -> booking that no response carries: the availability window a client picks
    (``fromLocalDate`` / ``toLocalDate``, local date-times, required by the emulator as by Wix, optional in the
    contract), here the ``days`` days after ``start``'s day (e.g. the emulator's clock).  Everything else is
    generated or comes through the links."""
    from datetime import datetime, timedelta

    day = datetime(start.year, start.month, start.day) + timedelta(days=1)
    fmt = "%Y-%m-%dT%H:%M:%S"
    return {"body.fromLocalDate": day.strftime(fmt), "body.toLocalDate": (day + timedelta(days=days)).strftime(fmt)}


def load_merged_schema(emulator=None, services: list[str] | None = None, operations=None):
    """One OpenAPI document merged from ``services``' contracts (``multispec.merged_schema``: prefixed components,
    catalog ids as operationIds, cross-service links; default: every emulated service), filtered to ``operations``
    (ids; default: the emulated operations of those services) and served by the emulator."""
    import schemathesis

    from .asgi import create_app
    from .core import Emulator
    from .multispec import merged_schema

    services = list(services or emulated_services())
    if operations is None:
        operations = [o for o in EMULATED if o.split(".", 1)[0] in services]
    outside = sorted(o for o in operations if o.split(".", 1)[0] not in services)
    if outside:
        raise ValueError(f"operations outside {services}: {outside}")
    schema = schemathesis.openapi.from_dict(merged_schema(services)).include(operation_id=list(operations))
    schema.app = create_app(emulator if emulator is not None else Emulator(require_auth=True))
    return schema


def _make_case_runner(report: dict, seen: set, label: str, mode: str, call_kwargs: dict | None = None):
    def one(case):
        report["cases"] += 1
        try:
            response = case.call_and_validate(checks=checks(), **(call_kwargs or {}))
            gap = tolerated(response, case)
            if gap:
                report["gap_hits"][gap] = report["gap_hits"].get(gap, 0) + 1
        except (Exception, BaseExceptionGroup) as exc:  # FailureGroup (a BaseExceptionGroup) or one Failure
            for f in getattr(exc, "exceptions", None) or [exc]:
                title = getattr(f, "title", type(f).__name__)
                if (label, mode, title) in seen:
                    continue
                seen.add((label, mode, title))
                body = case.body if isinstance(case.body, (dict, list, str, int, float, bool, type(None))) else None
                report["failures"].append({"operation": label, "mode": mode, "check": title,
                                           "message": str(getattr(f, "message", f))[:500],
                                           "request": {"path_parameters": case.path_parameters, "body": body}})
    return one


def run_fuzz(max_examples: int = 25, seed: int | None = 0, *, schema=None, base_url: str | None = None,
             headers: dict | None = None, services: list[str] | None = None) -> dict[str, Any]:
    """Schemathesis over ``schema``, or over a running target at ``base_url`` (``wixcontracts fuzz --url``);
    default: every emulated operation in-process, one service document at a time (``services`` narrows)."""
    if schema is None:
        total: dict[str, Any] | None = None
        for slug in services or emulated_services():
            part = run_fuzz(max_examples, seed, schema=load_schema(service=slug), base_url=base_url, headers=headers)
            if total is None:
                total = part
            else:
                for k in ("operations", "cases"):
                    total[k] += part[k]
                total["failures"] += part["failures"]
                total["schema_warnings"] += part["schema_warnings"]
                for g, n in part["gap_hits"].items():
                    total["gap_hits"][g] = total["gap_hits"].get(g, 0) + n
        return total or {"operations": 0, "cases": 0, "failures": [], "schema_warnings": [],
                         "known_contract_gaps": dict(KNOWN_CONTRACT_GAPS), "gap_hits": {}}
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed
    from schemathesis import GenerationMode

    call_kwargs = {k: v for k, v in (("base_url", base_url), ("headers", headers)) if v}
    report: dict[str, Any] = {"operations": 0, "cases": 0, "failures": [],
                              "schema_warnings": [str(getattr(w, "message", w)) for w in schema.iter_schema_warnings()],
                              "known_contract_gaps": dict(KNOWN_CONTRACT_GAPS), "gap_hits": {}}
    seen: set[tuple] = set()
    for result in schema.get_all_operations():
        op = result.ok()
        label = op.definition.raw.get("x-wix-id") or op.definition.raw.get("operationId") or op.label
        report["operations"] += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            one = _make_case_runner(report, seen, label, str(mode), call_kwargs)
            test = settings(max_examples=max_examples, deadline=None, database=None,
                            suppress_health_check=list(HealthCheck))(given(op.as_strategy(generation_mode=mode))(one))
            if seed is not None:
                test = hseed(seed)(test)
            test()
    return report


if __name__ == "__main__":  # python -m wixcontracts.emulator.fuzz [max_examples]
    import json
    import sys

    out = run_fuzz(int(sys.argv[1]) if len(sys.argv) > 1 else 25)
    print(json.dumps(out, indent=2, default=str))
    sys.exit(1 if out["failures"] or out["schema_warnings"] else 0)
