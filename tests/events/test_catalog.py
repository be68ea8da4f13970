"""Events and service-plugin methods in the build, the committed schemas and the catalog (read side)."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest

from wixcontracts.build import ROOT
from wixcontracts.catalog import (
    AmbiguousEvent, Catalog, UnknownEvent, UnknownPluginMethod, UnknownService,
)
from wixcontracts.ir import SDK_PREFIX, service_slug

from .conftest import PINS


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return Catalog(ROOT)


def test_every_pinned_event_is_in_the_catalog_with_its_schemas(cat):
    expected = {(service_slug(pkg), et) for pkg, pin in PINS.items() for et in pin["events"]}
    assert len(expected) == 47
    got = {(e["service"], e["event_type"]) for e in cat.events.values()}
    assert got == expected
    assert len({e["service"] for e in cat.events.values()}) == 14
    for e in cat.events.values():
        layers = {"message", "envelope", "payload"} if e["payload_type"] else {"message", "envelope"}
        assert set(e["schemas"]) == layers, e["id"]
        for layer, rel in e["schemas"].items():
            assert rel == f"schemas/{e['service']}/events/{e['name']}.{layer}.json"
            doc = json.loads((ROOT / rel).read_text(encoding="utf-8"))
            assert doc["x-wix-event-type"] == e["event_type"] and doc["x-wix-layer"] == (
                "event" if layer == "envelope" else layer)
            jsonschema_rs.validator_for(doc)  # compiles
        assert e["id"] == f"{e['service']}.{e['name']}" and e["event_type"].endswith("." + e["name"])


def test_event_entry_facts(cat):
    e = cat.event("booking_created")
    assert (e["event_type"], e["slug"], e["kind"], e["entity_fqdn"], e["entity_type"], e["payload_type"]) == (
        "wix.bookings.v2.booking_created", "created", "created", "wix.bookings.v2.booking", "Booking", "Booking")
    assert e["sdk_name"] == "onBookingCreated" and e["package"] == SDK_PREFIX + "bookings"
    assert {"name": "Manage Bookings", "id": "SCOPE.DC-BOOKINGS.MANAGE-BOOKINGS"} in e["permission_scopes"]
    assert e["source"].startswith("npm:@wix/auto_sdk_bookings_bookings@")
    canceled = cat.event("booking_canceled")
    assert (canceled["kind"], canceled["entity_type"], canceled["payload_type"]) == ("action", None, "BookingCanceled")
    plain = cat.event("CategoryNotification")
    assert plain["kind"] == "plain" and plain["entity_fqdn"] is None and plain["deprecated"] is True
    bodyless = cat.event("attendance_deleted")
    assert bodyless["payload_type"] is None and set(bodyless["schemas"]) == {"message", "envelope"}


def test_service_entries_count_events_and_name_plugins(cat):
    s = cat.service("bookings")
    assert s["events"] == 8 and "plugin" not in s
    plugins = {slug: svc["plugin"] for slug, svc in cat.services.items() if svc.get("plugin")}
    assert set(plugins) == {"availability-time-slots-configuration", "booking-policy", "bookings-validation",
                            "pricing-provider", "staff-sorting"}
    assert plugins["pricing-provider"] == {"component_type": "BOOKINGS_PRICING_PROVIDER", "methods": ["calculatePrice"]}
    assert all(cat.services[slug]["kind"] == "service-plugin" for slug in plugins)


@pytest.mark.parametrize("name", ["booking_created", "wix.bookings.v2.booking_created", "bookings.booking_created",
                                  "onBookingCreated", "BOOKING_CREATED", "bookings.created"])
def test_event_lookup_forms(cat, name):
    assert cat.resolve_event(name) == "bookings.booking_created"


def test_event_lookup_slug_unique_and_ambiguous(cat):
    assert cat.resolve_event("canceled") == "bookings.booking_canceled"  # one event has that slug
    with pytest.raises(AmbiguousEvent) as e:
        cat.resolve_event("created")
    assert len(e.value.candidates) == 11 and "bookings.booking_created" in e.value.candidates
    assert str(e.value).startswith("ambiguous event 'created': 11 events match; use one of ")


def test_unknown_event_did_you_mean(cat):
    with pytest.raises(UnknownEvent) as e:
        cat.event("bookng_created")
    assert str(e.value).startswith("unknown event 'bookng_created'; did you mean booking_created")
    with pytest.raises(UnknownEvent):
        cat.event("")


def test_events_of_and_schemas(cat):
    assert [e["name"] for e in cat.events_of("bookings")] == sorted(
        e["name"] for e in cat.events.values() if e["service"] == "bookings")
    assert cat.events_of("pricing") == []
    with pytest.raises(UnknownService):
        cat.events_of("bookingz")
    msg = cat.event_schema("booking_created")
    assert msg["x-wix-layers"]["payload"] == "#/$defs/Booking"
    assert cat.event_schema("booking_created", "payload")["$ref"] == "#/$defs/Booking"
    assert cat.event_schema_by_type("wix.bookings.v2.booking_created") == msg
    assert cat.event_schema_by_type("wix.nope") is None
    with pytest.raises(KeyError, match="has no payload schema"):
        cat.event_schema("attendance_deleted", "payload")


def test_event_payload_uses_the_service_types(cat):
    """The event's Booking is the service's merged Booking (int64 revision included): the same
    definition the REST responses use."""
    booking = cat.event_schema("booking_created", "payload")["$defs"]["Booking"]
    assert booking["properties"]["revision"].get("x-wix-int64") is True
    rest = cat.schema("bookings.createBooking", "response")["$defs"]["Booking"]
    assert rest == booking


def test_plugin_methods(cat):
    assert len(cat.plugin_methods) == 10
    m = cat.plugin_method("calculatePrice")
    assert (m["id"], m["component_type"], m["http_path"], m["request_type"], m["response_type"]) == (
        "pricing-provider.calculatePrice", "BOOKINGS_PRICING_PROVIDER", "/v1/calculate-price",
        "CalculatePriceRequest", "CalculatePriceResponse")
    assert cat.plugin_method("/v1/calculate-price")["id"] == m["id"]
    assert cat.plugin_method("staff-sorting.sortStaffMembers")["errors"] == ["SortingWixError"]
    assert [x["name"] for x in cat.plugin_methods_of("bookings-validation")] == [
        "validateBeforeCreate", "validateBeforeCancel", "validateBeforeReschedule",
        "validateBeforeCreateMultiService", "validateBeforeCancelMultiService", "validateBeforeRescheduleMultiService"]
    req = cat.plugin_schema("calculatePrice", "request")
    assert req["required"] == ["request", "metadata"] and req["x-wix-plugin"]["httpPath"] == "/v1/calculate-price"
    with pytest.raises(UnknownPluginMethod, match="did you mean calculatePrice"):
        cat.plugin_method("calculatePrise")


def test_a_catalog_without_events_reads_as_none(tmp_path):
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "catalog.json").write_text(json.dumps({"version": "x", "services": [], "operations": []}))
    c = Catalog(tmp_path)
    assert c.events == {} and c.plugin_methods == {}
    with pytest.raises(UnknownEvent):
        c.event("booking_created")


def test_load_service_carries_events_and_plugin(real_packages):
    from wixcontracts.sdk.model import load_service

    svc = load_service(real_packages[SDK_PREFIX + "bookings"])
    assert [e.name for e in svc.events] == sorted(e.name for e in svc.events) and len(svc.events) == 8
    assert {"MessageEnvelope", "DomainEvent", "Booking"} <= set(svc.event_types) and svc.plugin is None
    plug = load_service(real_packages[SDK_PREFIX + "pricing-provider"])
    assert plug.kind == "service-plugin" and plug.events == []
    assert [m.name for m in plug.plugin.methods] == ["calculatePrice"] and "CalculatePriceResponse" in plug.plugin_types
