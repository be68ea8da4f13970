"""Fuzz the unwrapper: mangled JWTs and mangled JSON-text layers never raise anything but
WebhookError (decode) and never anything at all but WebhookError / a Result (validate)."""

from __future__ import annotations

import json
import os

import pytest

pytest.importorskip("jwt", reason="PyJWT is not installed (pip install 'wixcontracts[webhooks]')")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from wixcontracts.validate.findings import Result  # noqa: E402
from wixcontracts.webhooks import EventContracts, WebhookError, build_delivery, decode_delivery, validate_event  # noqa: E402
from wixcontracts.webhooks.jwt import b64url_encode  # noqa: E402

from .conftest import UUID, mini_booking  # noqa: E402

# `make test` runs 400 examples a property; `make fuzz` (CI) 5,000
FUZZ = settings(max_examples=int(os.environ.get("WIXCONTRACTS_EVENTS_FUZZ", 400)), database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
KEYS = ["data", "eventType", "identity", "instanceId", "createdEvent", "updatedEvent", "actionEvent", "deletedEvent",
        "entityAsJson", "currentEntityAsJson", "bodyAsJson", "entity", "entityFqdn", "slug", "status", "id"]


def mangled_json_text(depth: int = 0):
    """JSON text of objects shaped like the layers, whose string fields are JSON text again,
    broken JSON, or anything."""
    leaf = st.one_of(st.text(max_size=30), json_values.map(json.dumps),
                     st.sampled_from(["{", "[1,", "NaN", "1e999", '{"a":', "[" * 3000, '"\\ud800"', "", "null"]))
    if depth >= 2:
        return leaf
    obj = st.dictionaries(st.sampled_from(KEYS), st.one_of(mangled_json_text(depth + 1), json_values), max_size=5)
    return st.one_of(leaf, obj.map(json.dumps))


def unsigned(claims_text: str) -> str:
    return b64url_encode(b'{"alg":"RS256"}') + "." + b64url_encode(claims_text.encode("utf-8", "surrogatepass")) + ".c2ln"


@pytest.fixture(scope="module")
def setting(mini, keys):
    events, _, schemas = mini
    a, _ = keys
    token, _ = build_delivery(events["wix.mini.v1.booking_created"], mini_booking(), instance_id=UUID, key=a)
    return token, a.public_pem, EventContracts(schemas)


def _mutate(token: str, data) -> str:
    ops = data.draw(st.lists(st.tuples(st.sampled_from(["replace", "delete", "insert", "dot", "swap"]),
                                       st.integers(0, len(token)), st.text(max_size=5)), min_size=1, max_size=4))
    t = token
    for op, i, text in ops:
        i = min(i, len(t))
        if op == "replace":
            t = t[:i] + text + t[i + 1:]
        elif op == "delete":
            t = t[:i] + t[i + len(text) + 1:]
        elif op == "insert":
            t = t[:i] + text + t[i:]
        elif op == "dot":
            t = t[:i] + "." + t[i:]
        else:
            parts = t.split(".")
            t = ".".join(reversed(parts))
    return t


def _run(raw, public_key, contracts, verify):
    try:
        d = decode_delivery(raw, public_key=public_key, verify=verify, check_expiry=False)
        assert d.message is not None
    except WebhookError as exc:
        assert str(exc) and "\n" not in str(exc)
    try:
        r = validate_event(contracts, raw, public_key=public_key, verify=verify, check_expiry=False)
        assert isinstance(r, Result)
    except WebhookError as exc:
        assert str(exc) and "\n" not in str(exc)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_mangled_tokens(setting, data):
    token, public_key, contracts = setting
    choice = data.draw(st.integers(0, 3))
    if choice <= 1:
        raw = _mutate(token, data)
    elif choice == 2:
        raw = data.draw(st.text(max_size=60))
    else:
        raw = data.draw(st.binary(max_size=60))
    _run(raw, public_key, contracts, verify=data.draw(st.booleans()))


def _event_text(body, entity_text):
    return json.dumps({"id": UUID, "entityFqdn": "wix.mini.v1.booking", "slug": "created", "entityId": UUID,
                       "eventTime": "2024-05-01T10:00:00.000Z", body: {"entityAsJson": entity_text}})


# messages of a known event type, so that every layer below is reached
deep_messages = st.builds(
    lambda data, identity: json.dumps({"data": json.dumps({"eventType": "wix.mini.v1.booking_created",
                                                           "instanceId": UUID, "data": data, "identity": identity})}),
    st.one_of(mangled_json_text(), st.builds(_event_text, st.sampled_from(["createdEvent", "updatedEvent"]),
                                             st.one_of(mangled_json_text(), json_values.map(json.dumps)))),
    st.one_of(mangled_json_text(), st.just('{"identityType":"APP","appId":"%s"}' % UUID)))


@FUZZ
@given(claims=st.one_of(st.dictionaries(st.sampled_from(["data", "iat", "exp"]), mangled_json_text(), max_size=3).map(json.dumps),
                        mangled_json_text(), deep_messages))
@pytest.mark.slow
def test_mangled_layers(setting, claims):
    _, public_key, contracts = setting
    _run(unsigned(claims), public_key, contracts, verify=False)
