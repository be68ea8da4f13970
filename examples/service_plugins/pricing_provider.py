"""A Bookings pricing-provider service plugin (Wix calls the app to price a booking): the code a
``wixcontracts spi test pricing-provider`` run checks.

``POST /v1/calculate-price`` takes the JWT Wix sends, verifies it (RS256, the app's public key,
issuer ``wix.com``; the audience, your app ID, when ``app_id`` is given), reads ``data.request.booking``
and answers ``{"calculatedPrice": ...}``: 25 per participant.

    WIX_PUBLIC_KEY="$(cat public.pem)" python pricing_provider.py --port 8791
"""

from __future__ import annotations

import jwt  # PyJWT
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

PRICE_PER_PARTICIPANT = 25.0


def create_app(public_key: str, app_id: str | None = None) -> Starlette:
    async def calculate_price(request: Request) -> JSONResponse:
        try:
            claims = jwt.decode(await request.body(), public_key, algorithms=["RS256"], issuer="wix.com",
                                audience=app_id, options={"verify_aud": app_id is not None})
        except jwt.InvalidTokenError:
            return JSONResponse({"applicationError": {"code": "UNAUTHORIZED"}}, status_code=401)
        booking = ((claims.get("data") or {}).get("request") or {}).get("booking") or {}
        participants = booking.get("totalParticipants")
        if isinstance(participants, bool) or not isinstance(participants, (int, float)) or participants < 1:
            choices = booking.get("participantsChoices") or {}
            participants = sum(c.get("numberOfParticipants") or 0 for c in choices.get("serviceChoices") or []) or 1
        return JSONResponse({"calculatedPrice": PRICE_PER_PARTICIPANT * int(participants)})

    return Starlette(routes=[Route("/v1/calculate-price", calculate_price, methods=["POST"])])


if __name__ == "__main__":  # pragma: no cover - a manual run
    import argparse
    import os

    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    key = os.environ.get("WIX_PUBLIC_KEY")
    if not key:
        raise SystemExit("set WIX_PUBLIC_KEY to the app's public key (PEM)")
    uvicorn.run(create_app(key, os.environ.get("WIX_APP_ID")), host="127.0.0.1", port=args.port, log_level="warning")
