"""Shared bits of the drift tests: an offline Wix (the emulator) with injectable drift, a fake clock."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from wixcontracts.emulator.asgi import create_app
from wixcontracts.emulator.core import Emulator
from wixcontracts.live.client import AsgiSyncTransport, Credentials, WixClient
from wixcontracts.live.ratelimit import TokenBucket
from wixcontracts.live.recorder import Recorder
from wixcontracts.live.runner import Runner, default_create_body

API_KEY, SITE_ID = "IST.test-api-key-123", "0f5e3c1e-1111-4222-8333-444455556666"


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.sleeps.append(s)
        self.now += s


class DriftingEmulator(Emulator):
    """The emulator with injected drift: an extra response field, a new enum value, a changed type
    (int64 revision as a JSON number) and an undocumented error code/status."""

    def handle(self, method, path, headers=None, body_bytes=b""):
        status, out_headers, body = super().handle(method, path, headers, body_bytes)
        p = path.split("?", 1)[0].rstrip("/")
        if method.upper() == "POST" and p.endswith("/bookings") and status == 200:
            body = json.loads(json.dumps(body))
            body["booking"]["loyaltyTier"] = "GOLD"
            body["booking"]["status"] = "NO_SHOW"
            body["booking"]["revision"] = int(body["booking"]["revision"])
        if "multi_service_bookings" in p and status == 404:
            status = 409
            body = {"message": "MULTI_SERVICE_BOOKING_LOCKED: locked",
                    "details": {"applicationError": {"code": "MULTI_SERVICE_BOOKING_LOCKED", "description": "locked",
                                                     "data": {}}}}
        return status, out_headers, body


def live_run(emulator: Emulator, run_dir: Path, contracts=None):
    """One runner pass against the emulator via create_app + ASGI, recording into run_dir/fixtures."""
    from wixcontracts.validate import Contracts

    contracts = contracts or Contracts.load()
    clock = FakeClock()
    client = WixClient(Credentials(API_KEY, SITE_ID), catalog=contracts.catalog,
                       transport=AsgiSyncTransport(create_app(emulator)),
                       bucket=TokenBucket(clock=clock, sleep=clock.sleep), sleep=clock.sleep)

    def make_msb(ids):
        mid = str(uuid.uuid4())
        emulator.seed({"multiServiceBookings": {mid: ids}})
        return mid

    rec = Recorder(run_dir / "fixtures", [API_KEY, SITE_ID], source="emulator")
    body = default_create_body(contracts.catalog, "test")
    body["booking"].pop("additionalFields", None)  # absent from the docs-only contracts of the e2e baseline
    runner = Runner(client, contracts, rec, create_body=body, make_multi_service=make_msb,
                    operations={r.name for r in emulator.routes})
    summary = runner.run()
    client.close()
    return summary
