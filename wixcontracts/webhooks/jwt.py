"""The JWT a webhook arrives as: sign (RS256), verify with a PEM public key, decode unverified.

Wix POSTs the compact token as the request body and signs it RS256 with its key; the app
verifies with the public key its dashboard shows (PEM, ``-----BEGIN PUBLIC KEY-----``; a
base64-wrapped PEM is accepted too).  Wix's own SDK optionally checks ``iss`` (``wix.com``)
and ``aud`` (the app ID); so does :func:`verify` when given ``issuer`` / ``audience``.

Every failure is one :class:`~wixcontracts.webhooks.errors.WebhookError` line: a malformed
token names the part, a bad signature says so, a wrong ``alg`` names it.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from datetime import datetime, timezone
from typing import Any

from .errors import WebhookError

ALGORITHM = "RS256"
ISSUER = "wix.com"  # the issuer Wix's SDK checks for


def _pyjwt():
    try:
        import jwt as pyjwt  # PyJWT
    except ImportError:  # pragma: no cover - depends on the environment
        raise WebhookError("PyJWT is not installed: pip install 'wixcontracts[webhooks]'") from None
    return pyjwt


def b64url_decode(segment: str, what: str) -> bytes:
    if not segment:
        raise WebhookError(f"malformed JWT: the {what} is empty")
    if any(c not in _B64URL for c in segment):
        bad = next(c for c in segment if c not in _B64URL)
        raise WebhookError(f"malformed JWT: the {what} is not base64url (character {bad!r})")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise WebhookError(f"malformed JWT: the {what} is not base64url (length {len(segment)})") from None


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json_object(raw: bytes, what: str) -> dict:
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise WebhookError(f"malformed JWT: the {what} is not UTF-8") from None
    except RecursionError:
        raise WebhookError(f"malformed JWT: the {what} is nested too deeply") from None
    except ValueError as exc:
        raise WebhookError(f"malformed JWT: the {what} is not JSON ({exc.__class__.__name__})") from None
    if not isinstance(value, dict):
        raise WebhookError(f"malformed JWT: the {what} is not a JSON object")
    return value


def token_text(token: Any) -> str:
    """The compact token as text (bytes are decoded; surrounding whitespace is dropped)."""
    if isinstance(token, (bytes, bytearray, memoryview)):
        try:
            token = bytes(token).decode("ascii")
        except UnicodeDecodeError:
            raise WebhookError("malformed JWT: the body has non-ASCII bytes") from None
    if not isinstance(token, str):
        raise WebhookError(f"malformed JWT: expected text, got {type(token).__name__}")
    return token.strip()


def split_token(token: Any) -> tuple[dict, dict, bytes, bytes]:
    """(header, claims, signing input, signature) of a compact JWS; structure checked only."""
    text = token_text(token)
    if not text:
        raise WebhookError("malformed JWT: the body is empty")
    parts = text.split(".")
    if len(parts) != 3:
        raise WebhookError(f"malformed JWT: expected 3 dot-separated parts, got {len(parts)}")
    header = _json_object(b64url_decode(parts[0], "header"), "header")
    claims = _json_object(b64url_decode(parts[1], "payload"), "payload")
    signature = b64url_decode(parts[2], "signature") if parts[2] else b""
    return header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def decode_unverified(token: Any) -> tuple[dict, dict]:
    """(header, claims) without checking the signature: for inspecting a captured delivery."""
    header, claims, _, _ = split_token(token)
    return header, claims


# -------------------------------------------------------------------- keys


def _pem_bytes(key: Any, what: str) -> bytes:
    pem = getattr(key, "private_pem" if what == "private" else "public_pem", key)  # a KeyPair
    if isinstance(pem, str):
        pem = pem.encode("utf-8")
    if not isinstance(pem, (bytes, bytearray)):
        raise WebhookError(f"{what} key: expected PEM text, got {type(key).__name__}")
    pem = bytes(pem).strip()
    if not pem.startswith(b"-----BEGIN"):
        try:  # the base64-wrapped PEM some dashboards and env vars hold
            decoded = base64.b64decode(pem, validate=False)
        except (binascii.Error, ValueError):
            decoded = b""
        if decoded.strip().startswith(b"-----BEGIN"):
            pem = decoded.strip()
    return pem


@functools.lru_cache(maxsize=16)
def private_key_from_pem(pem: bytes):
    """``load_pem_private_key``, once per PEM: loading an RSA key validates it (~25 ms), and every signed
    delivery needs the key (raises ValueError/TypeError as the loader does; failures are not cached)."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    return load_pem_private_key(pem, password=None)


def load_public_key(key: Any):
    """An RSA public key from PEM (or base64 of PEM); a private key's public half is accepted."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    pem = _pem_bytes(key, "public")
    try:
        loaded = load_pem_public_key(pem)
    except (ValueError, TypeError):
        try:
            loaded = private_key_from_pem(pem).public_key()
        except (ValueError, TypeError):
            raise WebhookError("public key: not a PEM public key (expected -----BEGIN PUBLIC KEY-----)") from None
    if not isinstance(loaded, rsa.RSAPublicKey):
        raise WebhookError(f"public key: {type(loaded).__name__.lstrip('_')} is not RSA; {ALGORITHM} needs an RSA key")
    return loaded


def load_private_key(key: Any):
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = _pem_bytes(key, "private")
    try:
        loaded = private_key_from_pem(pem)
    except (ValueError, TypeError) as exc:
        raise WebhookError(f"private key: not an unencrypted PEM private key ({exc.__class__.__name__})") from None
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise WebhookError(f"private key: {type(loaded).__name__.lstrip('_')} is not RSA; {ALGORITHM} needs an RSA key")
    return loaded


# -------------------------------------------------------------------- sign / verify


def sign(claims: dict, private_key: Any, *, kid: str | None = None) -> str:
    """Compact RS256 JWT of ``claims`` (a JSON object)."""
    if not isinstance(claims, dict):
        raise WebhookError(f"JWT claims must be a JSON object, got {type(claims).__name__}")
    key = load_private_key(private_key)
    headers = {"kid": kid} if kid else None
    try:
        return _pyjwt().encode(claims, key, algorithm=ALGORITHM, headers=headers)
    except (TypeError, ValueError) as exc:
        raise WebhookError(f"JWT claims cannot be encoded ({exc})") from None


def verify(token: Any, public_key: Any, *, audience: str | None = None, issuer: str | None = None,
           check_expiry: bool = True, leeway: float = 60.0) -> dict:
    """The claims of ``token`` once its RS256 signature verifies with ``public_key``.

    ``check_expiry=False`` accepts an expired token (replaying a captured delivery);
    ``audience`` / ``issuer`` are checked only when given."""
    header, claims, _, signature = split_token(token)
    alg = header.get("alg")
    if alg != ALGORITHM:
        raise WebhookError(f"JWT alg is {alg!r}; Wix signs webhooks with {ALGORITHM}")
    if not signature:
        raise WebhookError("JWT has no signature")
    key = load_public_key(public_key)
    pyjwt = _pyjwt()
    options = {"verify_exp": check_expiry, "verify_aud": audience is not None, "verify_iss": issuer is not None,
               "verify_nbf": check_expiry, "verify_iat": False}
    try:
        return pyjwt.decode(token_text(token), key, algorithms=[ALGORITHM], audience=audience, issuer=issuer,
                            options=options, leeway=leeway)
    except pyjwt.InvalidSignatureError:
        raise WebhookError("JWT signature does not verify with the given public key "
                           "(signed with another key, or the token was altered)") from None
    except pyjwt.ExpiredSignatureError:
        raise WebhookError(f"JWT expired at {_when(claims.get('exp'))} (check_expiry=False replays a captured delivery)") from None
    except pyjwt.ImmatureSignatureError:
        raise WebhookError(f"JWT is not valid before {_when(claims.get('nbf') or claims.get('iat'))}") from None
    except pyjwt.InvalidAudienceError:
        raise WebhookError(f"JWT audience is {claims.get('aud')!r}, expected {audience!r}") from None
    except pyjwt.InvalidIssuerError:
        raise WebhookError(f"JWT issuer is {claims.get('iss')!r}, expected {issuer!r}") from None
    except pyjwt.DecodeError as exc:  # what the structural check above lets through (non-canonical base64)
        raise WebhookError(f"malformed JWT: {exc}") from None
    except pyjwt.MissingRequiredClaimError as exc:
        raise WebhookError(f"JWT lacks the {exc.claim!r} claim") from None
    except pyjwt.PyJWTError as exc:
        raise WebhookError(f"JWT rejected: {exc}") from None
    except (TypeError, ValueError, OverflowError) as exc:
        raise WebhookError(f"JWT rejected: {exc.__class__.__name__}: {exc}") from None


def _when(ts: Any) -> str:
    try:
        return datetime.fromtimestamp(float(ts), tz=timezone.utc).isoformat(timespec="seconds")
    except (TypeError, ValueError, OverflowError, OSError):
        return repr(ts)
