"""Importing events and service plugins from SDK packages: the real ones (npm) and synthetic ones."""

from __future__ import annotations

import re

import pytest

from wixcontracts.ir import OneOf, iter_fields
from wixcontracts.sdk.events import load_events
from wixcontracts.sdk.plugins import load_service_plugin

from .conftest import PINS, write_package

EXPECTED_TOTAL = 47
PLUGINS = {name: pin["plugin"] for name, pin in PINS.items() if "plugin" in pin}


# ------------------------------------------------------------------ real packages


def test_every_event_of_every_package(real_packages):
    found = {}
    for name, pkg in real_packages.items():
        events, types, diags = load_events(pkg)
        assert not [d for d in diags if d.severity == "error"], (name, diags)
        found[name] = sorted(e.event_type for e in events)
        for e in events:
            assert e.webhook and e.slug and e.package == name and e.version == PINS[name]["version"]
            assert e.source.url.startswith(f"npm:{name}@") and e.source.line
            if e.payload_type:
                assert e.payload_type in types, e.event_type
    assert found == {name: pin["events"] for name, pin in PINS.items()}
    counts = {name: len(v) for name, v in found.items() if v}
    assert len(counts) == 14
    assert sum(counts.values()) == EXPECTED_TOTAL


def test_booking_events_are_rest_shaped(bookings_events):
    events, _ = bookings_events
    created = events["wix.bookings.v2.booking_created"]
    assert (created.kind, created.slug, created.entity_fqdn, created.payload_type, created.entity_type) == (
        "created", "created", "wix.bookings.v2.booking", "Booking", "Booking")
    assert created.envelope_type == "BookingCreatedEnvelope" and created.sdk_name == "onBookingCreated"
    assert {"name": "Manage Bookings", "id": "SCOPE.DC-BOOKINGS.MANAGE-BOOKINGS"} in created.scopes
    assert "BOOKINGS.BOOKING_READ" in created.permission_ids
    assert created.source.url.endswith("/build/cjs/index.typings.d.ts")
    assert created.also and created.also[0].url.endswith("/build/cjs/index.d.ts")
    canceled = events["wix.bookings.v2.booking_canceled"]
    assert (canceled.kind, canceled.payload_type, canceled.entity_type) == ("action", "BookingCanceled", None)
    assert events["wix.bookings.v2.booking_updated"].modified_fields
    assert events["wix.bookings.v2.booking_number_of_participants_updated"].kind == "action"


def test_rest_payload_has_id_not_underscore(bookings_pkg):
    _, types, _ = load_events(bookings_pkg)
    names = {f.name for f in iter_fields(types["Booking"].members)}
    assert "id" in names and "_id" not in names


def test_chunked_and_plain_events(real_packages):
    events, _, _ = load_events(real_packages["@wix/auto_sdk_bookings_staff-members"])
    assert len(events) == 7 and all(".universal-" in e.source.url for e in events)
    events, _, _ = load_events(real_packages["@wix/auto_sdk_bookings_categories"])
    (plain,) = events
    assert plain.kind == "plain" and plain.metadata_type == "BaseEventMetadata" and plain.deprecated
    assert plain.entity_fqdn is None
    events, _, _ = load_events(real_packages["@wix/auto_sdk_bookings_attendance"])
    (deleted,) = events
    assert deleted.kind == "deleted" and deleted.payload_type is None


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_service_plugin_methods(real_packages, name):
    import jsonschema_rs

    from wixcontracts.emit.events import plugin_schemas

    plugin, types, diags = load_service_plugin(real_packages[name])
    assert not [d for d in diags if d.severity == "error"], diags
    assert plugin.component_type == PLUGINS[name]["componentType"]
    assert [m.name for m in plugin.methods] == PLUGINS[name]["methods"]
    for m in plugin.methods:
        assert m.request_type in types and m.response_type in types and m.metadata_type == "Context"
        assert m.http_path and m.http_path.startswith("/v")
        assert m.also and m.also[0].url.endswith("/build/cjs/index.typings.d.ts")
    for method, docs in plugin_schemas(plugin, types).items():
        assert set(docs) == {"request", "response"}
        for doc in docs.values():
            jsonschema_rs.validator_for(doc)
    for td in types.values():  # REST keys: the SDK's _id became id
        assert not any(f.name.startswith("_") for f in iter_fields(td.members)), td.name


def test_staff_sorting_throws(real_packages):
    plugin, _, _ = load_service_plugin(real_packages["@wix/auto_sdk_bookings_staff-sorting"])
    assert plugin.methods[0].errors == ["SortingWixError"]


def test_rest_package_is_not_a_plugin(bookings_pkg):
    plugin, types, diags = load_service_plugin(bookings_pkg)
    assert plugin is None and types == {}
    assert [d.code for d in diags] == ["sdk.plugin-none"]


# ------------------------------------------------------------------ synthetic packages


def test_mini_events(mini):
    events, types, _ = mini
    assert sorted(events) == ["com.example.mini.v1.Notice", "wix.mini.v1.booking_canceled", "wix.mini.v1.booking_created",
                              "wix.mini.v1.booking_deleted", "wix.mini.v1.booking_updated"]
    kinds = {t: (e.kind, e.payload_type) for t, e in events.items()}
    assert kinds == {"wix.mini.v1.booking_created": ("created", "Booking"),
                     "wix.mini.v1.booking_updated": ("updated", "Booking"),
                     "wix.mini.v1.booking_deleted": ("deleted", None),
                     "wix.mini.v1.booking_canceled": ("action", "BookingCanceled"),
                     "com.example.mini.v1.Notice": ("plain", "Notice")}
    created = events["wix.mini.v1.booking_created"]
    assert created.scopes == [{"name": "Manage Things", "id": "SCOPE.MINI.MANAGE"}]
    assert created.source.url == "npm:@example/mini@1.0.0/build/cjs/mini.universal-Ab12Cd.d.ts"
    assert created.also[0].url.endswith("/index.d.ts") and created.also[0].line == 5
    assert {f.name for f in iter_fields(types["Booking"].members)} >= {"id", "status"}  # meta.d.ts, not the chunk


def test_missing_files_are_diagnostics(tmp_path):
    events, types, diags = load_events(tmp_path)
    assert events == [] and [d.code for d in diags] == ["sdk.missing-file"] and "package.json" in diags[0].message
    pkg = write_package(tmp_path, "@example/empty", {"README.md": "x"})
    events, types, diags = load_events(pkg)
    assert events == [] and diags[0].code == "sdk.missing-file" and diags[0].where.endswith("index.d.ts")
    plugin, _, diags = load_service_plugin(pkg)
    assert plugin is None and diags[0].code == "sdk.missing-file"


def test_broken_declarations_are_diagnostics(tmp_path):
    pkg = write_package(tmp_path, "@example/broken", {
        "build/cjs/index.d.ts": 'declare const onX$1: EventDefinition<XEnvelope, "wix.x.v1.thing_created">;\n'
                                'declare const onY$1: EventDefinition<YEnvelope, "wix.x.v1.thing_updated">;\n',
        "build/cjs/index.typings.d.ts": "interface XEnvelope {\n    entity: Thing;\n    metadata: EventMetadata;\n}\n"
                                        "interface Thing { id?: string }\n"
                                        "interface Broken { a?: ; }\n"})
    events, types, diags = load_events(pkg)
    codes = sorted(d.code for d in diags)
    assert "sdk.event-untagged" in codes and "sdk.event-no-envelope" in codes and "sdk.no-meta" in codes
    assert "sdk.syntax" in codes
    for d in diags:  # file and line, except for the file that is not there
        assert "broken" in d.where
        assert d.code == "sdk.no-meta" or re.search(r"\.d\.ts:[0-9]+(?![\s\S])", d.where), d
    (x,) = events
    assert x.event_type == "wix.x.v1.thing_created" and not x.webhook and x.payload_type == "Thing"
    assert "Thing" in types  # SDK shape, keys renamed, with a warning
    assert any(d.code == "sdk.event-sdk-shape" for d in diags)


def test_mini_plugin(mini_plugin_pkg):
    plugin, types, diags = load_service_plugin(mini_plugin_pkg)
    assert not diags, diags
    (m,) = plugin.methods
    assert (plugin.component_type, plugin.name, m.name, m.request_type, m.response_type, m.envelope_type,
            m.http_path, m.errors) == ("MINI_PROVIDER", "@example/mini-provider", "calc", "CalcRequest", "CalcResponse",
                                       "CalcEnvelope", "/v1/calc", ["CalcError"])
    booking = {f.name for f in iter_fields(types["Booking"].members)}
    assert booking == {"id", "createdDate", "status"}
    assert not any(isinstance(x, OneOf) for x in types["Booking"].members)
