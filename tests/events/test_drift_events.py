"""`diff` and `drift` cover webhook events (and service-plugin methods) the way they cover operations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import wixcontracts.commands  # noqa: F401
from wixcontracts.build import ROOT
from wixcontracts.cli import app
from wixcontracts.drift.diff import TABLE, diff_roots
from wixcontracts.drift.response import analyse_path

EVENTS = ("bookings.booking_created", "bookings.booking_canceled", "bookings.booking_updated")
METHODS = ("pricing-provider.calculatePrice",)


def contract_root(tmp: Path, name: str) -> Path:
    """A contract root holding a few committed events and plugin methods (no operations)."""
    cat = json.loads((ROOT / "contracts" / "catalog.json").read_text())
    r = tmp / name
    (r / "contracts").mkdir(parents=True)
    events = [e for e in cat["events"] if e["id"] in EVENTS]
    methods = [m for m in cat["plugin_methods"] if m["id"] in METHODS]
    for entry in events + methods:
        for rel in entry["schemas"].values():
            (r / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / rel, r / rel)
    data = {"version": name, "services": cat["services"], "operations": [], "events": events,
            "plugin_methods": methods}
    (r / "contracts" / "catalog.json").write_text(json.dumps(data))
    return r


def edit(root: Path, rel: str, fn) -> None:
    doc = json.loads((root / rel).read_text())
    fn(doc)
    (root / rel).write_text(json.dumps(doc))


def edit_catalog(root: Path, fn) -> None:
    edit(root, "contracts/catalog.json", fn)


def kinds(found):
    return {(f.operation, f.side, f.kind, f.pointer, f.severity) for f in found}


def test_same_contracts_no_change(tmp_path):
    assert diff_roots(contract_root(tmp_path, "a"), contract_root(tmp_path, "b")) == []


def test_events_added_removed_and_changed(tmp_path):
    a, b = contract_root(tmp_path, "a"), contract_root(tmp_path, "b")

    def cat(c):
        c["events"] = [e for e in c["events"] if e["id"] != "bookings.booking_updated"]
        c["events"].append({**c["events"][0], "id": "bookings.booking_no_show", "name": "booking_no_show",
                            "event_type": "wix.bookings.v2.booking_no_show", "schemas": {}})
        for e in c["events"]:
            if e["id"] == "bookings.booking_canceled":
                e["payload_type"] = "BookingCanceledV2"
    edit_catalog(b, cat)
    k = kinds(diff_roots(a, b))
    assert ("bookings.booking_updated", "event", "event-removed", "", "breaking") in k
    assert ("bookings.booking_no_show", "event", "event-added", "", "informational") in k
    assert ("bookings.booking_canceled", "event", "event-changed", "", "breaking") in k


def test_payload_fields_classified_like_a_response(tmp_path):
    a, b = contract_root(tmp_path, "a"), contract_root(tmp_path, "b")
    rel = "schemas/bookings/events/booking_created.payload.json"

    def payload(doc):
        booking = doc["$defs"]["Booking"]["properties"]
        del booking["doubleBooked"]
        booking["noShow"] = {"type": "boolean", "x-wix-source": "npm:x"}
        doc["$defs"]["BookingStatus"]["enum"].append("NO_SHOW")
    edit(b, rel, payload)
    found = [f for f in diff_roots(a, b) if f.operation == "bookings.booking_created"]
    k = kinds(found)
    assert ("bookings.booking_created", "event", "field-removed", "/doubleBooked", "breaking") in k
    assert ("bookings.booking_created", "event", "field-added", "/noShow", "informational") in k
    assert ("bookings.booking_created", "event", "enum-value-added", "/status", "breaking") in k
    assert all(f.file == rel for f in found if f.side == "event")


def test_envelope_fields_without_the_payload(tmp_path):
    a, b = contract_root(tmp_path, "a"), contract_root(tmp_path, "b")
    rel = "schemas/bookings/events/booking_created.envelope.json"

    def env(doc):
        doc["properties"]["entityEventSequence"]["type"] = "integer"
        doc["$defs"]["Booking"]["properties"]["doubleBooked"]["type"] = "string"  # the payload: not here
    edit(b, rel, env)
    k = kinds(diff_roots(a, b))
    assert k == {("bookings.booking_created", "event-envelope", "type-changed", "/entityEventSequence", "breaking")}


def test_plugin_methods(tmp_path):
    a, b = contract_root(tmp_path, "a"), contract_root(tmp_path, "b")
    edit(b, "schemas/pricing-provider/plugin/calculatePrice.response.json",
         lambda d: d["$defs"]["CalculatePriceResponse"].update(required=["calculatedPrice"]))
    edit(b, "schemas/pricing-provider/plugin/calculatePrice.request.json",
         lambda d: d["$defs"]["CalculatePriceRequest"]["properties"].pop("booking"))
    k = kinds(diff_roots(a, b))
    m = "pricing-provider.calculatePrice"
    assert (m, "plugin-response", "required-added", "/calculatedPrice", "breaking") in k  # the app must now send it
    assert (m, "plugin-request", "field-removed", "/request/booking", "breaking") in k  # the app stops getting it

    def cat(c):
        c["plugin_methods"][0]["http_path"] = "/v2/calculate-price"
    edit_catalog(b, cat)
    assert (m, "operation", "plugin-method-changed", "", "breaking") in kinds(diff_roots(a, b))
    edit_catalog(b, lambda c: c.update(plugin_methods=[]))
    assert (m, "operation", "plugin-method-removed", "", "breaking") in kinds(diff_roots(a, b))
    assert set(TABLE) >= {f.kind for f in diff_roots(a, b)}


def test_a_catalog_without_events_diffs_as_all_added(tmp_path):
    a, b = contract_root(tmp_path, "a"), contract_root(tmp_path, "b")
    edit_catalog(a, lambda c: (c.pop("events"), c.pop("plugin_methods")))
    k = {(f.operation, f.kind, f.severity) for f in diff_roots(a, b)}
    assert k == {(e, "event-added", "informational") for e in EVENTS} | {
        (m, "plugin-method-added", "breaking") for m in METHODS}


# ------------------------------------------------------------------ drift on recorded deliveries


@pytest.fixture
def recorded(tmp_path, test_cache):
    from wixcontracts.webhooks.deliver import example_entity, make_delivery

    d = tmp_path / "deliveries"
    d.mkdir()
    (d / "ok.jwt").write_text(make_delivery("booking_created")[0])
    drifted = example_entity("booking_created", seed=3)
    drifted.update(status="NO_SHOW", revision=7, newThing={"x": 1})
    (d / "drifted.jwt").write_text(make_delivery("booking_created", drifted)[0])
    (d / "message.json").write_text(json.dumps(make_delivery("booking_canceled", form="object")[1].message))
    (d / "unknown.json").write_text(json.dumps({"eventType": "wix.nope.v1.thing_created", "data": "{}"}))
    (d / "broken.jwt").write_text("not a token")
    return d


def test_drift_on_recorded_deliveries(recorded):
    a = analyse_path(recorded)
    got = {(f.operation, f.side, f.kind, f.pointer, f.severity) for f in a.findings}
    assert got == {
        ("bookings.booking_created", "event", "undocumented-enum-value", "/status", "breaking"),
        ("bookings.booking_created", "event", "type-mismatch", "/revision", "breaking"),
        ("bookings.booking_created", "event", "undocumented-field", "/newThing", "informational"),
    }
    assert a.observations == 3 and a.operations == {"bookings.booking_created": 2, "bookings.booking_canceled": 1}
    f = next(f for f in a.findings if f.kind == "undocumented-enum-value")
    assert f.evidence.endswith("drifted.jwt") and f.file == "schemas/bookings/events/booking_created.payload.json"
    notes = " ".join(a.notes)
    assert "wix.nope.v1.thing_created" in notes and "broken.jwt: not a webhook delivery" in notes


def test_drift_cli_on_deliveries(recorded):
    r = CliRunner().invoke(app, ["drift", str(recorded), "--format", "json"])
    assert r.exit_code == 1, r.output  # breaking drift
    data = json.loads(r.output)
    text = json.dumps(data)
    assert "undocumented-enum-value" in text and "bookings.booking_created" in text
    r = CliRunner().invoke(app, ["drift", str(recorded), "--format", "markdown", "--fail-on", "none"])
    assert r.exit_code == 0 and "`/status`" in r.output
