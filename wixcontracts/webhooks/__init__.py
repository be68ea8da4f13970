"""Webhook deliveries (Wix -> integrator): sign, verify, build, unwrap, validate.

    from wixcontracts.webhooks import build_delivery, cached_key_pair, validate_event
    key = cached_key_pair()                            # test pair in the user cache
    token, layers = build_delivery(event, booking, instance_id=..., key=key)
    result = validate_event(schemas, token, public_key=key.public_pem)

Needs the ``webhooks`` extra (PyJWT, cryptography) for signing and verifying.

Also here, imported on use: :mod:`.deliver` (``deliver(app_or_url, "booking_created")`` for handler
tests), :mod:`.spi` (``run_spi``: a service-plugin implementation against its contracts) and
:mod:`.cli` (``validate --event``, ``webhook list|key|build|send``, ``spi test``).
"""

from .delivery import RESPONSE_DEADLINE_MS, Delivery, build_delivery, decode_delivery, rfc3339_ms, unwrap_layers
from .errors import WebhookError
from .jwt import decode_unverified, sign, verify
from .keys import KeyPair, cache_dir, cached_key_pair, generate
from .validate import EventContracts, validate_event

__all__ = [
    "RESPONSE_DEADLINE_MS", "Delivery", "EventContracts", "KeyPair", "WebhookError", "build_delivery",
    "cache_dir", "cached_key_pair", "decode_delivery", "decode_unverified", "generate", "rfc3339_ms", "sign",
    "unwrap_layers", "validate_event", "verify",
]
