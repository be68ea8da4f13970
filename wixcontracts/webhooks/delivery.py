"""Build a webhook delivery the way Wix sends one, and take one apart.

:func:`build_delivery` makes the JWT text Wix POSTs (see :mod:`.layers` for the layers) with
realistic metadata: a UUID event ID, ``entityFqdn`` and ``slug`` of the event, the entity's
ID, ``eventTime`` in RFC 3339 UTC with milliseconds, an identity, ``iat``/``exp`` claims.
:func:`decode_delivery` reverses it, strictly: any layer that is not what it should be is a
:class:`~wixcontracts.webhooks.errors.WebhookError` naming the layer.

The handler must answer 200 quickly: :data:`RESPONSE_DEADLINE_MS`.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..ir import Event
from . import jwt as wjwt
from .errors import WebhookError
from .layers import BODY_FIELDS, KIND_BODY, event_body, parse_json

# Wix's webhook article states a 1250 ms timeout for the 200 answer (the SDK typings state
# none for webhooks): https://dev.wix.com/docs/rest/articles/getting-started/webhooks
RESPONSE_DEADLINE_MS = 1250
RESPONSE_DEADLINE_SOURCE = "https://dev.wix.com/docs/rest/articles/getting-started/webhooks"
DEFAULT_LIFETIME_S = 3600
FORMS = ("json-string", "object")


@dataclass
class Delivery:
    """A delivery's layers, decoded.  ``body_field`` names where the payload sits in the event
    (``("createdEvent", "entityAsJson")``); ``None`` for a plain event or no body."""

    event_type: str | None
    message: dict
    event: Any
    payload: Any = None
    identity: Any = None
    jwt: str | None = None
    header: dict | None = None
    claims: dict | None = None
    body_field: tuple[str, str] | None = None
    layers: dict[str, str] = field(default_factory=dict)  # layer -> JSON pointer from the message

    def as_dict(self) -> dict:
        return {"eventType": self.event_type, "header": self.header, "claims": self.claims, "message": self.message,
                "event": self.event, "identity": self.identity, "payload": self.payload, "layers": self.layers}


def rfc3339_ms(moment: datetime | None = None) -> str:
    """``2024-05-01T10:00:00.123Z``: UTC, milliseconds."""
    moment = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise WebhookError(f"cannot encode as JSON: {exc}") from None


def _event_facts(event: Event | str, kind: str | None, slug: str | None, entity_fqdn: str | None):
    if isinstance(event, Event):
        return (event.event_type, kind or event.kind, slug or event.slug,
                entity_fqdn or event.entity_fqdn)
    if not isinstance(event, str) or not event:
        raise WebhookError(f"event: expected an Event or an event type string, got {type(event).__name__}")
    if kind is None:
        kind = next((k for k in ("created", "updated", "deleted") if event.endswith("_" + k)), None)
        if kind is None:
            raise WebhookError(f"{event}: pass the Event (load_events) or kind= and slug=: "
                               "an action event's slug cannot be told from its type")
    if kind not in (*KIND_BODY, "plain"):
        raise WebhookError(f"kind {kind!r}: expected one of {', '.join([*KIND_BODY, 'plain'])}")
    slug = slug or (kind if kind in ("created", "updated", "deleted") else None)
    if slug is None and kind != "plain":
        raise WebhookError(f"{event}: an action event needs slug=")
    if entity_fqdn is None and slug and event.endswith("_" + slug):
        entity_fqdn = event[: -len(slug) - 1]
    return event, kind, slug or "", entity_fqdn


def _entity_id(payload: Any) -> str | None:
    if isinstance(payload, dict):
        if isinstance(payload.get("id"), str):
            return payload["id"]
        for v in payload.values():  # action bodies: {"booking": {"id": ...}, ...}
            if isinstance(v, dict) and isinstance(v.get("id"), str):
                return v["id"]
    return None


def build_delivery(event: Event | str, entity: Any, *, instance_id: str, key: Any, form: str = "json-string",
                   identity: dict | None = None, app_id: str | None = None, event_id: str | None = None,
                   entity_id: str | None = None, event_time: datetime | str | None = None,
                   account_info: dict | None = None, modified_fields: dict | None = None,
                   kind: str | None = None, slug: str | None = None, entity_fqdn: str | None = None,
                   issued_at: int | None = None, lifetime_s: int = DEFAULT_LIFETIME_S,
                   extra_event_fields: dict | None = None) -> tuple[str, Delivery]:
    """The JWT text Wix would POST for ``event`` carrying ``entity`` (REST-shaped JSON: the
    entity of an entity event, the body of an action event, the payload of a plain event),
    signed RS256 with ``key`` (a :class:`~.keys.KeyPair` or private PEM), and its layers.

    ``form="json-string"`` puts the body in ``entityAsJson`` & co. (what ``meta.d.ts``
    declares); ``form="object"`` in ``entity`` & co. (what Wix's SDK reads)."""
    if form not in FORMS:
        raise WebhookError(f"form {form!r}: expected one of {', '.join(FORMS)}")
    if not isinstance(instance_id, str) or not instance_id:
        raise WebhookError("instance_id: expected a non-empty string (the app instance ID)")
    event_type, kind, slug, fqdn = _event_facts(event, kind, slug, entity_fqdn)
    now = int(time.time()) if issued_at is None else int(issued_at)
    if isinstance(event_time, datetime):
        event_time = rfc3339_ms(event_time)
    body_field = None
    if kind == "plain":
        domain_event: Any = entity
    else:
        domain_event = {
            "id": event_id or str(uuid.uuid4()),
            "entityFqdn": fqdn,
            "slug": slug,
            "entityId": entity_id or _entity_id(entity) or str(uuid.uuid4()),
        }
        prop = KIND_BODY[kind]
        text_field, object_field = BODY_FIELDS[prop]
        body: dict = {}
        if entity is not None:
            body_field = (prop, text_field if form == "json-string" else object_field)
            body[body_field[1]] = _dumps(entity) if form == "json-string" else entity
        if kind == "updated" and modified_fields is not None:
            body["modifiedFields"] = modified_fields
        domain_event[prop] = body
        domain_event["eventTime"] = event_time or rfc3339_ms()
        domain_event["triggeredByAnonymizeRequest"] = False
        domain_event.update(extra_event_fields or {})
    identity = identity if identity is not None else {"identityType": "APP", "appId": app_id or str(uuid.uuid4())}
    message: dict = {"data": _dumps(domain_event), "instanceId": instance_id, "eventType": event_type,
                     "identity": _dumps(identity)}
    if account_info is not None:
        message["accountInfo"] = account_info
    claims: dict = {"data": _dumps(message), "iat": now, "exp": now + int(lifetime_s), "iss": wjwt.ISSUER}
    if app_id:
        claims["aud"] = app_id
    kid = getattr(key, "kid", None)
    token = wjwt.sign(claims, key, kid=kid)
    header, _ = wjwt.decode_unverified(token)
    layers = {"message": "", "event": "/data", "identity": "/identity"}
    if body_field:
        layers["payload"] = f"/data/{body_field[0]}/{body_field[1]}"
    elif kind == "plain":
        layers["payload"] = "/data"
    return token, Delivery(event_type=event_type, message=message, event=domain_event, payload=entity,
                           identity=identity, jwt=token, header=header, claims=claims, body_field=body_field,
                           layers=layers)


def decode_delivery(token: Any, *, public_key: Any = None, verify: bool = True, check_expiry: bool = True,
                    audience: str | None = None, issuer: str | None = None) -> Delivery:
    """Every layer of the JWT text Wix POSTed, verified with ``public_key`` unless
    ``verify=False``.  A layer that is missing or not JSON raises a WebhookError naming it."""
    if verify:
        if public_key is None:
            raise WebhookError("verifying a delivery needs public_key= (or verify=False)")
        claims = wjwt.verify(token, public_key, audience=audience, issuer=issuer, check_expiry=check_expiry)
        header, _ = wjwt.decode_unverified(token)
    else:
        header, claims = wjwt.decode_unverified(token)
    return unwrap_message(claims, header=header, token=wjwt.token_text(token))


def unwrap_message(claims: dict, *, header: dict | None = None, token: str | None = None) -> Delivery:
    """Decode the layers under a JWT's claims (strict)."""
    if "data" not in claims:
        raise WebhookError("JWT payload has no 'data' claim (the message)")
    message = parse_json(claims["data"], "layer 'message' (the JWT's data claim)")
    if not isinstance(message, dict):
        raise WebhookError("layer 'message' (the JWT's data claim) is not a JSON object")
    d = unwrap_layers(message)
    d.jwt, d.header, d.claims = token, header, claims
    return d


def unwrap_layers(message: dict) -> Delivery:
    """Decode ``data``, ``identity`` and the body of a message (strict)."""
    event_type = message.get("eventType") if isinstance(message.get("eventType"), str) else None
    if "data" not in message:
        raise WebhookError("layer 'message' has no 'data' (the event)")
    event = parse_json(message["data"], "layer 'event' (/data)")
    identity = None
    if message.get("identity") is not None:
        identity = parse_json(message["identity"], "layer 'identity' (/identity)")
    layers = {"message": "", "event": "/data"}
    if identity is not None:
        layers["identity"] = "/identity"
    found = event_body(event)
    payload, body_field = None, None
    if found is not None:
        prop, fname, value, is_text = found
        if value is not None:
            body_field = (prop, fname)
            where = f"/data/{prop}/{fname}"
            payload = parse_json(value, f"layer 'payload' ({where})") if is_text else value
            layers["payload"] = where
    elif not (isinstance(event, dict) and ("entityFqdn" in event or "slug" in event)):
        payload = event  # a plain event: the message's data is the payload
        layers["payload"] = "/data"
    return Delivery(event_type=event_type, message=message, event=event, payload=payload, identity=identity,
                    body_field=body_field, layers=layers)
