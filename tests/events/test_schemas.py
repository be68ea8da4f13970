"""Event and plugin-method schemas: standalone, draft 2020-12, layers annotated."""

from __future__ import annotations

import json
import re

import jsonschema_rs
import pytest

from tests.schemacheck import check_schema, walk
from wixcontracts.emit.events import event_schemas, plugin_schemas
from wixcontracts.sdk.events import load_events
from wixcontracts.sdk.plugins import load_service_plugin


def _check(doc: dict) -> None:
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    check_schema(doc)
    jsonschema_rs.validator_for(doc)
    text = json.dumps(doc)
    for ref in re.findall(r'"\$ref": "#/\$defs/([^"]+)"', text):  # standalone: every ref is bundled
        assert ref in doc.get("$defs", {}), ref
    for node in walk(doc):
        if isinstance(node.get("pattern"), str):
            assert not node["pattern"].endswith("$"), node["pattern"]


@pytest.mark.slow
def test_every_real_event_schema_compiles(real_packages):
    n = 0
    for pkg in real_packages.values():
        events, types, _ = load_events(pkg)
        for e in events:
            docs = event_schemas(e, types)
            assert set(docs) == ({"message", "envelope", "payload"} if e.payload_type else {"message", "envelope"})
            for doc in docs.values():
                _check(doc)
                assert doc["x-wix-event-type"] == e.event_type and doc["x-wix-source"].startswith("npm:")
            n += 1
    assert n == 47


def test_layers_and_json_string_annotations(mini):
    events, types, _ = mini
    docs = event_schemas(events["wix.mini.v1.booking_created"], types)
    msg = docs["message"]
    assert msg["x-wix-layer"] == "message"
    assert msg["x-wix-layers"] == {"message": "#", "event": "#/$defs/_Event", "payload": "#/$defs/Booking",
                                   "identity": "#/$defs/IdentificationData"}
    data = msg["properties"]["data"]
    assert (data["type"], data["contentMediaType"], data["contentSchema"], data["x-wix-json-string"]) == (
        "string", "application/json", {"$ref": "#/$defs/_Event"}, "DomainEvent")
    assert msg["properties"]["eventType"]["const"] == "wix.mini.v1.booking_created"
    assert msg["properties"]["identity"]["x-wix-json-string"] == "IdentificationData"
    ev = msg["$defs"]["_Event"]
    assert ev["properties"]["slug"]["const"] == "created"
    assert ev["properties"]["entityFqdn"]["const"] == "wix.mini.v1.booking"
    body = ev["properties"]["createdEvent"]["properties"]
    assert body["entityAsJson"]["x-wix-json-string"] == "Booking" and body["entityAsJson"]["type"] == "string"
    assert body["entityAsJson"]["x-wix-source"].startswith("npm:@example/mini@1.0.0/build/cjs/meta.d.ts#L")
    assert body["entity"]["$ref"] == "#/$defs/Booking" and body["entity"]["x-wix-wire-form"] == "object"
    assert "createdEvent" in ev["required"]
    env = docs["envelope"]
    assert env["x-wix-layers"] == {"event": "#", "payload": "#/$defs/Booking"} and env["title"].endswith(" event")
    assert docs["payload"]["$ref"] == "#/$defs/Booking"
    for doc in docs.values():
        _check(doc)


def test_plain_and_bodyless_events(mini):
    events, types, _ = mini
    plain = event_schemas(events["com.example.mini.v1.Notice"], types)
    assert plain["message"]["properties"]["data"]["contentSchema"] == {"$ref": "#/$defs/Notice"}
    assert plain["envelope"]["x-wix-layers"] == {"event": "#", "payload": "#"}
    deleted = event_schemas(events["wix.mini.v1.booking_deleted"], types)
    assert set(deleted) == {"message", "envelope"}
    body = deleted["envelope"]["properties"]["deletedEvent"]
    assert "contentSchema" not in body["properties"]["deletedEntityAsJson"]
    assert "deletedEvent" not in deleted["envelope"]["required"]


def test_plugin_schemas(mini_plugin_pkg):
    plugin, types, _ = load_service_plugin(mini_plugin_pkg)
    docs = plugin_schemas(plugin, types)["calc"]
    req, resp = docs["request"], docs["response"]
    for doc in (req, resp):
        _check(doc)
    assert req["required"] == ["request", "metadata"] and req["x-wix-plugin"]["httpPath"] == "/v1/calc"
    assert set(req["$defs"]["Booking"]["properties"]) == {"id", "createdDate", "status"}
    assert "additionalProperties" not in req["$defs"]["Booking"]  # Wix -> app: drift tolerated
    assert resp["$defs"]["CalcResponse"]["additionalProperties"] is False  # app -> Wix: exact
    assert resp["$defs"]["CalcResponse"]["properties"]["notes"]["maxItems"] == 3
    v = jsonschema_rs.validator_for(resp)
    assert v.is_valid({"calculatedPrice": 10}) and not v.is_valid({"calculatedPrice": "10"})
