"""Benchmark of the validator: ``python -m wixcontracts.bench``.

Builds ~2.5 KB createBooking responses (a full Booking each, all valid), measures
fast-path responses/s on one core (``Contracts.validate_response``: jsonschema-rs on the
committed and strict schemas), plain Python jsonschema on the same data, and a cold
``wixcontracts validate`` subprocess of one payload.  Prints a table; asserts nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


def booking_payload(i: int) -> dict:
    u = lambda n: str(uuid.UUID(int=(i * 7919 + n) % (1 << 122) | (4 << 76)))  # noqa: E731
    return {"booking": {
        "id": u(1), "revision": str(i + 1), "status": "CONFIRMED", "paymentStatus": "PAID",
        "selectedPaymentOption": "ONLINE", "createdDate": "2024-05-01T10:00:00.000Z",
        "updatedDate": "2024-05-01T10:05:00.000Z", "startDate": "2024-05-02T09:00:00Z",
        "endDate": "2024-05-02T10:00:00Z", "doubleBooked": False, "totalParticipants": 1 + i % 4,
        "appId": u(2), "createdByAppId": u(2), "formId": u(3), "externalUserId": u(4),
        "bookedEntity": {"title": f"Deep tissue massage #{i}", "tags": ["INDIVIDUAL"], "slot": {
            "serviceId": u(5), "scheduleId": u(6), "eventId": u(7), "startDate": "2024-05-02T09:00:00Z",
            "endDate": "2024-05-02T10:00:00Z", "timezone": "Europe/Dublin",
            "resource": {"id": u(8), "name": "Tom Jones", "email": "tom@example.com", "scheduleId": u(9)},
            "location": {"id": u(10), "name": "Main studio", "formattedAddress": "1 Main St, Dublin",
                         "locationType": "OWNER_BUSINESS"}}},
        "contactDetails": {"contactId": u(11), "firstName": "John", "lastName": "Doe",
                           "email": f"john{i}@example.com", "phone": "+353 1 234 5678", "countryCode": "IE",
                           "fullAddress": {"country": "IE", "subdivision": "IE-D", "city": "Dublin",
                                           "postalCode": "D02", "addressLine": "1 Main St",
                                           "formattedAddress": "1 Main St, Dublin, Ireland",
                                           "geocode": {"latitude": 53.34, "longitude": -6.26},
                                           "subdivisions": [{"code": "D", "name": "Dublin"}]}},
        "createdBy": {"memberId": u(12), "contactId": u(11)},
        "bookedAddOns": [{"id": u(20 + k), "groupId": u(30), "durationInMinutes": 15, "quantity": 1,
                          "name": f"Hot stones {k}", "nameTranslated": f"Pierres chaudes {k}"} for k in range(3)],
        "extendedFields": {"namespaces": {"@my-app/ns": {"note": "VIP", "priority": 2}}},
    }}


def _rate(fn, items, min_seconds: float = 1.0) -> float:
    n, start = 0, time.perf_counter()
    while True:
        for it in items:
            fn(it)
        n += len(items)
        el = time.perf_counter() - start
        if el >= min_seconds:
            return n / el


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        except OSError:
            pass
    from rich.console import Console
    from rich.table import Table

    from .validate import Contracts
    from .validate.formats import format_checker

    c = Contracts.load()
    payloads = [booking_payload(i) for i in range(500)]
    size = sum(len(json.dumps(p)) for p in payloads) / len(payloads)
    assert all(c.validate_response("createBooking", p).ok for p in payloads[:20])

    fast = _rate(lambda p: c.validate_response("createBooking", p), payloads)
    comp = c.compiled("createBooking", "response")
    rs_only = _rate(comp.rs.is_valid, payloads)

    from jsonschema import Draft202012Validator

    py = Draft202012Validator(comp.schema, format_checker=format_checker())
    plain = _rate(py.is_valid, payloads[:100], 2.0)
    stock = Draft202012Validator(comp.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    plain_stock = _rate(stock.is_valid, payloads[:100], 1.0)

    exe = shutil.which("wixcontracts", path=str(Path(sys.executable).parent)) or shutil.which("wixcontracts")
    cmd = [exe] if exe else [sys.executable, "-m", "wixcontracts"]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "booking.json"
        p.write_text(json.dumps(payloads[0]))
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            rc = subprocess.run([*cmd, "validate", "createBooking", "--response", str(p)],
                                capture_output=True).returncode
            runs.append(time.perf_counter() - t)
    cold = sorted(runs)[len(runs) // 2]

    t = Table(title=f"createBooking response validation, {size:.0f} B payloads, one core")
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_row("fast path (Contracts.validate_response)", f"{fast:,.0f} responses/s")
    t.add_row("  jsonschema-rs is_valid alone", f"{rs_only:,.0f} responses/s")
    t.add_row("plain Python jsonschema (aligned formats)", f"{plain:,.0f} responses/s")
    t.add_row("plain Python jsonschema (stock FORMAT_CHECKER)", f"{plain_stock:,.0f} responses/s")
    t.add_row("ratio fast / plain", f"{fast / plain:,.1f}x")
    t.add_row("cold `wixcontracts validate` (median of 5)", f"{cold * 1000:,.0f} ms (exit {rc})")
    Console().print(t)


if __name__ == "__main__":
    main()
