"""An integrator's webhook endpoint for Wix Bookings (the code under test in this example).

A plain Starlette app: ``POST /webhooks`` takes the JWT text Wix sends, verifies it with the app's
public key (RS256), unwraps the layers (claims.data -> message, message.data -> domain event,
the event's body -> the booking) and keeps a tiny booking store in step:

* ``wix.bookings.v2.booking_created``: the entity is the new booking;
* ``wix.bookings.v2.booking_canceled``: the action body carries the canceled booking;
* any other event type: acknowledged and ignored.

It answers 200 quickly (Wix wants an answer within 1250 ms and retries otherwise), 401 to a token
that does not verify, 400 to a delivery it cannot read; a retried event (same event ID) is applied
once.  The body comes as JSON text (``entityAsJson`` / ``bodyAsJson``) or as an object (``entity``
/ ``body``): both are read.

    WIX_WEBHOOK_PUBLIC_KEY="$(cat public.pem)" python bookings_webhooks.py --port 8787
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import jwt  # PyJWT
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

BOOKING_CREATED = "wix.bookings.v2.booking_created"
BOOKING_CANCELED = "wix.bookings.v2.booking_canceled"
# domain-event body: (property, JSON-text field, object field)
BODIES = [("createdEvent", "entityAsJson", "entity"), ("updatedEvent", "currentEntityAsJson", "currentEntity"),
          ("deletedEvent", "deletedEntityAsJson", "deletedEntity"), ("actionEvent", "bodyAsJson", "body")]


class BadDelivery(ValueError):
    pass


@dataclass
class BookingStore:
    bookings: dict[str, str] = field(default_factory=dict)  # booking id -> status
    instances: dict[str, str] = field(default_factory=dict)  # booking id -> app instance it belongs to
    seen_events: set[str] = field(default_factory=set)


def _json(text, what: str):
    if not isinstance(text, str):
        raise BadDelivery(f"{what} is not JSON text")
    try:
        return json.loads(text)
    except ValueError:
        raise BadDelivery(f"{what} is not JSON") from None


def read_delivery(token: bytes, public_key: str) -> tuple[str, str, dict, object]:
    """(event type, instance ID, domain event, body) of a verified delivery."""
    claims = jwt.decode(token, public_key, algorithms=["RS256"])  # raises jwt.InvalidTokenError
    message = _json(claims.get("data"), "data claim")
    event = _json(message.get("data"), "message data")
    if not isinstance(event, dict):
        raise BadDelivery("the event is not an object")
    body = None
    for prop, text_field, object_field in BODIES:
        part = event.get(prop)
        if isinstance(part, dict):
            body = _json(part[text_field], prop) if text_field in part else part.get(object_field)
            break
    return message.get("eventType", ""), message.get("instanceId", ""), event, body


def create_app(public_key: str, store: BookingStore | None = None) -> Starlette:
    store = store if store is not None else BookingStore()

    async def webhooks(request: Request) -> PlainTextResponse:
        try:
            event_type, instance_id, event, body = read_delivery(await request.body(), public_key)
        except jwt.InvalidTokenError:
            return PlainTextResponse("invalid signature", status_code=401)
        except BadDelivery as exc:
            return PlainTextResponse(str(exc), status_code=400)
        if event.get("id") in store.seen_events:
            return PlainTextResponse("")  # a retry: already applied
        store.seen_events.add(event.get("id"))
        booking = None
        if event_type == BOOKING_CREATED and isinstance(body, dict):
            booking = body
        elif event_type == BOOKING_CANCELED and isinstance(body, dict):
            booking = body.get("booking") or {"id": event.get("entityId"), "status": "CANCELED"}
        if booking and booking.get("id"):
            store.bookings[booking["id"]] = booking.get("status", "")
            store.instances[booking["id"]] = instance_id
        return PlainTextResponse("")

    app = Starlette(routes=[Route("/webhooks", webhooks, methods=["POST"])])
    app.state.store = store
    return app


if __name__ == "__main__":  # pragma: no cover - a manual run
    import argparse
    import os

    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8787)
    args = parser.parse_args()
    key = os.environ.get("WIX_WEBHOOK_PUBLIC_KEY")
    if not key:
        raise SystemExit("set WIX_WEBHOOK_PUBLIC_KEY to the app's public key (PEM)")
    uvicorn.run(create_app(key), host="127.0.0.1", port=args.port, log_level="warning")
