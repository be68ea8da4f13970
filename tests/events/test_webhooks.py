"""Webhook deliveries: keys, JWT, build, decode, validate (synthetic package offline; the
real Bookings package through npm)."""

from __future__ import annotations

import base64
import json
import os
import stat
import time

import pytest

pytest.importorskip("jwt", reason="PyJWT is not installed (pip install 'wixcontracts[webhooks]')")

from wixcontracts.webhooks import (  # noqa: E402
    RESPONSE_DEADLINE_MS, EventContracts, WebhookError, build_delivery, cache_dir, cached_key_pair, decode_delivery,
    decode_unverified, sign, validate_event, verify,
)
from wixcontracts.webhooks.jwt import b64url_encode  # noqa: E402

from .conftest import UUID, UUID2, mini_booking, real_booking  # noqa: E402

CREATED = "wix.mini.v1.booking_created"


def _rules(result):
    return [(f.pointer, f.rule, f.severity) for f in result.findings]


# ------------------------------------------------------------------ keys


def test_key_pair_lives_in_the_user_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("WIXCONTRACTS_CACHE", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c" / "webhooks"
    pair = cached_key_pair()
    assert pair.private_path.parent == tmp_path / "c" / "webhooks"
    assert stat.S_IMODE(os.stat(pair.private_path).st_mode) == 0o600
    assert pair.public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert pair.public_path.read_text() == pair.public_pem
    again = cached_key_pair()
    assert again.private_pem == pair.private_pem  # created once
    assert not [p for p in pair.private_path.parent.iterdir() if p.name.startswith(".")]  # no temp leftovers
    monkeypatch.delenv("WIXCONTRACTS_CACHE")
    assert cache_dir() == __import__("pathlib").Path.home() / ".cache" / "wixcontracts" / "webhooks"


def test_key_errors(tmp_path):
    with pytest.raises(WebhookError, match="no test key yet"):
        cached_key_pair("x", directory=tmp_path, create=False)
    with pytest.raises(WebhookError, match="key name"):
        cached_key_pair("../evil", directory=tmp_path)
    (tmp_path / "bad.private.pem").write_text("not a key")
    with pytest.raises(WebhookError, match="bad.private.pem: not an unencrypted PEM"):
        cached_key_pair("bad", directory=tmp_path)


def test_keys_main_prints_public_pem(tmp_path, monkeypatch, capsys):
    from wixcontracts.webhooks.keys import main

    monkeypatch.setenv("WIXCONTRACTS_CACHE", str(tmp_path))
    assert main([]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("-----BEGIN PUBLIC KEY-----") and "0600" in out.err


# ------------------------------------------------------------------ JWT


def test_sign_verify_and_decode(keys):
    a, _ = keys
    token = sign({"data": "{}", "iat": int(time.time())}, a)
    assert verify(token, a.public_pem)["data"] == "{}"
    assert verify(token.encode(), a.public_pem.encode())["data"] == "{}"  # bytes both ways
    wrapped = base64.b64encode(a.public_pem.encode()).decode()  # base64 of the PEM
    assert verify(token, wrapped)["data"] == "{}"
    header, claims = decode_unverified(token)
    assert header["alg"] == "RS256" and claims["data"] == "{}"


def test_tampered_signature(keys):
    a, _ = keys
    token = sign({"data": "{}"}, a)
    head, body, sig = token.split(".")
    forged = b64url_encode(json.dumps({"data": '{"x":1}'}).encode())
    with pytest.raises(WebhookError, match="signature does not verify"):
        verify(f"{head}.{forged}.{sig}", a.public_pem)
    flipped = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    with pytest.raises(WebhookError, match="signature does not verify"):
        verify(f"{head}.{body}.{flipped}", a.public_pem)


def test_wrong_key(keys):
    a, b = keys
    with pytest.raises(WebhookError, match="signature does not verify with the given public key"):
        verify(sign({"data": "{}"}, a), b.public_pem)


def test_wrong_alg_and_malformed(keys):
    import jwt as pyjwt

    a, _ = keys
    hs = pyjwt.encode({"data": "{}"}, "secret-secret-secret-secret-secret", algorithm="HS256")
    with pytest.raises(WebhookError, match="alg is 'HS256'; Wix signs webhooks with RS256"):
        verify(hs, a.public_pem)
    none = b64url_encode(b'{"alg":"none"}') + "." + b64url_encode(b"{}") + "."
    with pytest.raises(WebhookError, match="alg is 'none'"):
        verify(none, a.public_pem)
    cases = {"": "body is empty", "abc": "3 dot-separated parts, got 1", "a.b.c.d": "got 4",
             "!!.e30.e30": "header is not base64url", "e30.!!.e30": "payload is not base64url",
             "bm90IGpzb24.e30.e30": "header is not JSON", "W10.e30.e30": "header is not a JSON object",
             ".e30.e30": "header is empty"}
    for token, msg in cases.items():
        with pytest.raises(WebhookError, match=msg):
            verify(token, a.public_pem)
    with pytest.raises(WebhookError, match="public key: not a PEM public key"):
        verify(sign({"data": "{}"}, a), "nonsense")
    with pytest.raises(WebhookError, match="non-ASCII"):
        decode_unverified("é.e30.e30".encode("utf-8"))


def test_expiry(keys):
    a, _ = keys
    token = sign({"data": "{}", "exp": int(time.time()) - 3600}, a)
    with pytest.raises(WebhookError, match="expired at .*check_expiry=False"):
        verify(token, a.public_pem)
    assert verify(token, a.public_pem, check_expiry=False)["data"] == "{}"


def test_audience_and_issuer(keys):
    a, _ = keys
    token = sign({"data": "{}", "aud": UUID, "iss": "wix.com"}, a)
    assert verify(token, a.public_pem)["aud"] == UUID  # not checked unless asked
    assert verify(token, a.public_pem, audience=UUID, issuer="wix.com")
    with pytest.raises(WebhookError, match="audience is"):
        verify(token, a.public_pem, audience=UUID2)
    with pytest.raises(WebhookError, match="issuer is"):
        verify(token, a.public_pem, issuer="example.com")


# ------------------------------------------------------------------ build / decode


def test_build_and_decode(mini, keys):
    events, _, _ = mini
    a, _ = keys
    token, layers = build_delivery(events[CREATED], mini_booking(), instance_id=UUID, key=a, app_id=UUID2)
    d = decode_delivery(token, public_key=a.public_pem, audience=UUID2, issuer="wix.com")
    assert d.event_type == CREATED and d.payload == mini_booking() and d.body_field == ("createdEvent", "entityAsJson")
    assert d.layers == {"message": "", "event": "/data", "identity": "/identity", "payload": "/data/createdEvent/entityAsJson"}
    assert d.identity == {"identityType": "APP", "appId": UUID2}
    ev = d.event
    assert (ev["entityFqdn"], ev["slug"], ev["entityId"]) == ("wix.mini.v1.booking", "created", UUID)
    assert isinstance(ev["createdEvent"]["entityAsJson"], str)
    assert len(ev["id"]) == 36 and ev["id"] != ev["entityId"]
    assert __import__("re").fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", ev["eventTime"])
    assert d.header["kid"] == a.kid and d.claims["exp"] > d.claims["iat"]
    assert layers.message == d.message and layers.jwt == token
    assert RESPONSE_DEADLINE_MS == 1250
    # unverified decode of the same token
    assert decode_delivery(token, verify=False).payload == mini_booking()
    with pytest.raises(WebhookError, match="needs public_key"):
        decode_delivery(token)


def test_build_object_form_and_action(mini, keys):
    events, _, _ = mini
    a, _ = keys
    token, _ = build_delivery(events[CREATED], mini_booking(), instance_id=UUID, key=a, form="object")
    d = decode_delivery(token, public_key=a.public_pem)
    assert d.body_field == ("createdEvent", "entity") and d.payload == mini_booking()
    token, _ = build_delivery(events["wix.mini.v1.booking_canceled"], {"booking": mini_booking()}, instance_id=UUID, key=a)
    d = decode_delivery(token, public_key=a.public_pem)
    assert d.body_field == ("actionEvent", "bodyAsJson") and d.event["entityId"] == UUID


def test_build_errors(keys):
    a, _ = keys
    with pytest.raises(WebhookError, match="action event's slug cannot be told"):
        build_delivery("wix.mini.v1.booking_canceled", {}, instance_id=UUID, key=a)
    with pytest.raises(WebhookError, match="form"):
        build_delivery("wix.mini.v1.booking_created", {}, instance_id=UUID, key=a, form="xml")
    with pytest.raises(WebhookError, match="private key"):
        build_delivery("wix.mini.v1.booking_created", {}, instance_id=UUID, key="nope")
    with pytest.raises(WebhookError, match="cannot encode as JSON"):
        build_delivery("wix.mini.v1.booking_created", {"x": object()}, instance_id=UUID, key=a)


def test_decode_names_the_bad_layer(keys):
    a, _ = keys
    cases = [({"x": 1}, "no 'data' claim"), ({"data": "{"}, "layer 'message'"),
             ({"data": json.dumps({"eventType": "t", "data": "nope"})}, r"layer 'event' \(/data\) is not valid JSON"),
             ({"data": json.dumps({"eventType": "t", "data": json.dumps({"createdEvent": {"entityAsJson": "{x"}})})},
              r"layer 'payload' \(/data/createdEvent/entityAsJson\)"),
             ({"data": json.dumps({"eventType": "t", "data": "{}", "identity": "["})}, "layer 'identity'")]
    for claims, msg in cases:
        with pytest.raises(WebhookError, match=msg):
            decode_delivery(sign(claims, a), public_key=a.public_pem)


# ------------------------------------------------------------------ validate (synthetic package)


def test_delivery_validates_clean(mini, keys):
    events, _, schemas = mini
    a, _ = keys
    for form in ("json-string", "object"):
        token, _ = build_delivery(events[CREATED], mini_booking(), instance_id=UUID, key=a, form=form)
        r = validate_event(schemas, token, public_key=a.public_pem)
        assert r.ok and not r.warnings, r.to_dict()
        assert r.operation == CREATED


def test_bad_enum_deep_inside(mini, keys):
    events, _, schemas = mini
    a, _ = keys
    token, _ = build_delivery(events[CREATED], mini_booking(status="NOPE"), instance_id=UUID, key=a)
    r = validate_event(schemas, token, public_key=a.public_pem)
    assert _rules(r) == [("/data/createdEvent/entityAsJson/status", "enum", "error")]
    f = r.errors[0]
    assert f.expected == ["CREATED", "CONFIRMED", "CANCELED"] and f.location == "webhook"
    assert f.source.startswith("npm:@example/mini@1.0.0/build/cjs/meta.d.ts#L")


def test_each_layer_alone(mini, keys):
    events, _, schemas = mini
    a, _ = keys
    _, layers = build_delivery(events[CREATED], mini_booking(), instance_id=UUID, key=a)
    assert validate_event(schemas, layers.message).ok
    assert validate_event(schemas, json.dumps(layers.message)).ok  # JSON text
    assert validate_event(schemas, layers.event).ok  # event type from entityFqdn + slug
    assert validate_event(schemas, mini_booking(), event_type=CREATED).ok
    bad = validate_event(schemas, mini_booking(totalParticipants=0), event_type=CREATED)
    assert _rules(bad) == [("/totalParticipants", "minimum", "error")]
    env = json.loads(layers.message["data"])
    env["createdEvent"]["entityAsJson"] = json.dumps(mini_booking(status=1))
    assert _rules(validate_event(schemas, env)) == [("/createdEvent/entityAsJson/status", "type", "error"),
                                                     ("/createdEvent/entityAsJson/status", "enum", "error")]
    with pytest.raises(WebhookError, match="needs event_type"):
        validate_event(schemas, mini_booking())


def test_non_json_layer_is_one_finding(mini, keys):
    events, _, schemas = mini
    a, _ = keys
    _, layers = build_delivery(events[CREATED], mini_booking(), instance_id=UUID, key=a)
    msg = dict(layers.message)
    ev = json.loads(msg["data"])
    ev["createdEvent"]["entityAsJson"] = "{'status': 'CONFIRMED'}"
    msg["data"] = json.dumps(ev)
    r = validate_event(schemas, sign({"data": json.dumps(msg)}, a), public_key=a.public_pem)
    assert _rules(r) == [("/data/createdEvent/entityAsJson", "json-string", "error")]
    assert "'entityAsJson' (/data/createdEvent/entityAsJson) is not valid JSON" in r.errors[0].message
    assert "Booking" in r.errors[0].message
    msg["data"] = "not json"
    r = validate_event(schemas, msg)
    assert _rules(r) == [("/data", "json-string", "error")]
    r = validate_event(schemas, sign({"data": "{oops"}, a), public_key=a.public_pem)
    assert _rules(r) == [("", "json-string", "error")] and "layer 'message'" in r.errors[0].message
    r = validate_event(schemas, sign({"nodata": 1}, a), public_key=a.public_pem)
    assert _rules(r) == [("", "layer", "error")]


def test_drift_and_contradictions(mini, keys):
    events, _, schemas = mini
    a, _ = keys
    token, _ = build_delivery(events[CREATED], mini_booking(newField=1), instance_id=UUID, key=a,
                              extra_event_fields={"slug": "updated"})
    r = validate_event(schemas, token, public_key=a.public_pem)
    assert ("/data/createdEvent/entityAsJson/newField", "undocumented-field", "warning") in _rules(r)
    assert ("/data/slug", "enum", "error") in _rules(r)
    both = {"entityAsJson": json.dumps(mini_booking()), "entity": mini_booking()}
    _, layers = build_delivery(events[CREATED], mini_booking(), instance_id=UUID, key=a)
    ev = json.loads(layers.message["data"])
    ev["createdEvent"] = both
    assert ("/createdEvent", "oneOf-at-most-one", "error") in _rules(validate_event(schemas, ev))
    ev["createdEvent"] = {}
    assert ("/createdEvent", "oneOf-required", "error") in _rules(validate_event(schemas, ev))


def test_unknown_event_type_and_lookup_forms(mini, keys):
    events, _, schemas = mini
    a, _ = keys
    token, layers = build_delivery("wix.other.v1.thing_created", {"id": UUID}, instance_id=UUID, key=a)
    r = validate_event(schemas, token, public_key=a.public_pem)
    assert _rules(r) == [("/eventType", "event-type", "error")]
    assert validate_event(schemas.get, layers.message).errors[0].rule == "event-type"  # a function works too
    contracts = EventContracts(schemas.get)
    token, _ = build_delivery(events[CREATED], mini_booking(), instance_id=UUID, key=a)
    assert validate_event(contracts, token, public_key=a.public_pem).ok
    assert validate_event(contracts, token, verify=False).ok  # --no-verify
    with pytest.raises(WebhookError, match="needs public_key"):
        validate_event(contracts, token)
    msg = dict(layers.message)
    del msg["eventType"]
    msg["data"] = "{}"
    assert _rules(validate_event(schemas, msg, layer="message")) == [("/eventType", "event-type", "error")]
    with pytest.raises(WebhookError, match="mapping or a function"):
        EventContracts(42)


def test_plain_and_action_events_validate(mini, keys):
    events, _, schemas = mini
    a, _ = keys
    token, _ = build_delivery(events["com.example.mini.v1.Notice"], {"text": "hello"}, instance_id=UUID, key=a)
    assert validate_event(schemas, token, public_key=a.public_pem).ok
    token, _ = build_delivery(events["com.example.mini.v1.Notice"], {"text": "x" * 30}, instance_id=UUID, key=a)
    assert _rules(validate_event(schemas, token, public_key=a.public_pem)) == [("/data/text", "maxLength", "error")]
    token, _ = build_delivery(events["wix.mini.v1.booking_canceled"], {"booking": mini_booking(status="NO")},
                              instance_id=UUID, key=a)
    assert _rules(validate_event(schemas, token, public_key=a.public_pem)) == [
        ("/data/actionEvent/bodyAsJson/booking/status", "enum", "error")]
    token, _ = build_delivery(events["wix.mini.v1.booking_deleted"], None, instance_id=UUID, key=a, entity_id=UUID)
    assert validate_event(schemas, token, public_key=a.public_pem).ok


def test_identity_layer(mini, keys):
    events, _, schemas = mini
    a, _ = keys
    token, _ = build_delivery(events[CREATED], mini_booking(), instance_id=UUID, key=a,
                              identity={"identityType": "ROBOT", "memberId": UUID, "appId": UUID})
    rules = _rules(validate_event(schemas, token, public_key=a.public_pem))
    assert ("/identity/identityType", "enum", "error") in rules
    assert ("/identity", "oneOf-at-most-one", "error") in rules


# ------------------------------------------------------------------ the real Bookings package


def test_real_booking_created(bookings_events, keys):
    events, schemas = bookings_events
    a, b = keys
    ev = events["wix.bookings.v2.booking_created"]
    token, _ = build_delivery(ev, real_booking(), instance_id=UUID, key=a)
    r = validate_event(schemas, token, public_key=a.public_pem)
    assert r.ok and not r.warnings, r.to_dict()
    token, _ = build_delivery(ev, real_booking(status="NOPE"), instance_id=UUID, key=a)
    r = validate_event(schemas, token, public_key=a.public_pem)
    assert _rules(r) == [("/data/createdEvent/entityAsJson/status", "enum", "error")]
    assert r.errors[0].source.startswith("npm:@wix/auto_sdk_bookings_bookings@1.0.241/build/cjs/meta.d.ts#L")
    with pytest.raises(WebhookError, match="signature does not verify"):
        validate_event(schemas, token, public_key=b.public_pem)
    head, body, sig = token.split(".")
    mid = len(sig) // 2
    altered = sig[:mid] + ("A" if sig[mid] != "A" else "B") + sig[mid + 1:]
    with pytest.raises(WebhookError, match="signature does not verify"):
        validate_event(schemas, f"{head}.{body}.{altered}", public_key=a.public_pem)
    with pytest.raises(WebhookError, match="malformed JWT: the signature is not base64url"):
        validate_event(schemas, f"{head}.{body}.{sig[:-1]}", public_key=a.public_pem)  # 341 characters


def test_real_action_event(bookings_events, keys):
    events, schemas = bookings_events
    a, _ = keys
    token, _ = build_delivery(events["wix.bookings.v2.booking_canceled"],
                              {"booking": real_booking(status="CANCELED"), "previousStatus": "CONFIRMED"},
                              instance_id=UUID, key=a)
    assert validate_event(schemas, token, public_key=a.public_pem).ok
