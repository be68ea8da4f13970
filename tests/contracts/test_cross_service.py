"""Cross-service lint: enum values one service returns that another service's request does not accept."""

from __future__ import annotations

from wixcontracts import lint
from wixcontracts.catalog import Catalog

CAT = Catalog()


def test_time_slots_location_type_is_not_what_create_booking_accepts():
    groups = lint.enum_disagreements(CAT)
    hits = [(k, r, q, ops) for (k, r, q), ops in groups.items() if k == "location.locationType" and "BUSINESS" in r]
    assert len(hits) == 1
    _key, returned, accepted, (returning, taking) = hits[0]
    assert {"BUSINESS", "CUSTOMER"} <= returned - accepted and "OWNER_BUSINESS" in accepted
    assert "availability-time-slots.listAvailabilityTimeSlots" in returning
    assert "bookings.createBooking" in taking
    assert all(op.split(".")[0] != "availability-time-slots" for op in taking)  # across services only


def test_findings_name_both_sides_and_are_warnings():
    found = [f for f in lint.cross_service(CAT) if f.path == "location.locationType"]
    assert found and all(f.check == "cross-service" and f.severity == "warning" for f in found)
    f = next(f for f in found if "BUSINESS, CUSTOM, CUSTOMER" in f.message)
    assert "cannot be sent back" in f.message and f.docs.endswith(".response.json") and f.other.endswith(".request.json")
    assert not lint.fails(found, "error")


def test_agreeing_services_give_nothing(tmp_path):
    """Same enum on both sides (or a request that accepts more): no finding."""
    assert not any(f.path == "slot.serviceId" for f in lint.cross_service(CAT))
    assert all(r - q for (_k, r, q) in lint.enum_disagreements(CAT))
