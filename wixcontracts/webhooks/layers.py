"""The layers of a webhook delivery and how each one is decoded.

    JWT text
      claims            the token's payload: {"data": <message JSON text>, "iat", "exp", ...}
      message           claims.data decoded: {"eventType", "instanceId", "data", "identity", ...}
      event             message.data decoded: the domain event {id, entityFqdn, slug, ...,
                        createdEvent | updatedEvent | deletedEvent | actionEvent}
      identity          message.identity decoded
      payload           the body: createdEvent.entityAsJson, updatedEvent.currentEntityAsJson,
                        deletedEvent.deletedEntityAsJson, actionEvent.bodyAsJson decoded (or the
                        object forms entity / currentEntity / deletedEntity / body)

A plain (legacy) event has no domain-event wrapper: message.data decodes to the payload.
Pointers name the layers from the message down: ``/data/createdEvent/entityAsJson/status``.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import WebhookError

# body property -> (JSON-text field, object field)
BODY_FIELDS = {
    "createdEvent": ("entityAsJson", "entity"),
    "updatedEvent": ("currentEntityAsJson", "currentEntity"),
    "deletedEvent": ("deletedEntityAsJson", "deletedEntity"),
    "actionEvent": ("bodyAsJson", "body"),
}
KIND_BODY = {"created": "createdEvent", "updated": "updatedEvent", "deleted": "deletedEvent", "action": "actionEvent"}
LAYERS = ("jwt", "message", "event", "payload")


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text[:20]} is out of range")
    return value


def parse_json(text: Any, where: str) -> Any:
    """Decode one JSON-text layer; a :class:`WebhookError` naming ``where`` otherwise."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WebhookError(f"{where} is not UTF-8 text (byte {exc.start})") from None
    if not isinstance(text, str):
        raise WebhookError(f"{where} is a JSON {json_kind(text)}, expected JSON text (a string)")
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise WebhookError(f"{where} is nested too deeply to decode") from None
    except ValueError as exc:
        raise WebhookError(f"{where} is not valid JSON ({json_error(exc)})") from None


def json_error(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    return str(exc)


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def event_body(event: Any) -> tuple[str, str, Any, bool] | None:
    """(body property, field, value, value-is-JSON-text) of a domain event's body, else None."""
    if not isinstance(event, dict):
        return None
    for prop, (text_field, object_field) in BODY_FIELDS.items():
        body = event.get(prop)
        if isinstance(body, dict):
            if text_field in body:
                return prop, text_field, body[text_field], True
            if object_field in body:
                return prop, object_field, body[object_field], False
            return prop, text_field, None, True
    return None


def is_domain_event(value: Any) -> bool:
    return isinstance(value, dict) and (any(k in value for k in BODY_FIELDS) or ("entityFqdn" in value and "slug" in value))


def is_message(value: Any) -> bool:
    return isinstance(value, dict) and "eventType" in value and isinstance(value.get("data"), str)


def detect_layer(value: Any) -> str:
    """``message``, ``event`` or ``payload`` for a decoded value."""
    if is_message(value):
        return "message"
    if is_domain_event(value):
        return "event"
    return "payload"


def event_type_of(event: Any) -> str | None:
    """``entityFqdn + "_" + slug`` of a domain event (``wix.bookings.v2.booking_created``)."""
    if isinstance(event, dict) and isinstance(event.get("entityFqdn"), str) and isinstance(event.get("slug"), str):
        return f"{event['entityFqdn']}_{event['slug']}"
    return None
