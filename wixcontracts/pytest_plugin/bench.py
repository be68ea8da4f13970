"""Overhead of the ``wix_api`` plugin per call, over bare respx, measured side by side in one run.

    python -m wixcontracts.pytest_plugin.bench [--calls N] [--rounds R] [--json]

Each round sends the same ``createBooking`` request N times through ``httpx.Client``, for each answer
source (the emulator, a generated response, a recorded fixture): once to a bare respx route answering
that source's own response body, then through ``wix_api`` (route, read + validate the request once,
answer, validate the response, coverage).  The medians of the rounds are compared; the target is ≤ 250 µs per call over bare
respx.  No timing is asserted in tests (a shared machine is noisy)."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_US = 250.0
SERVICE = "8ee826a3-64c4-416d-a22c-e01d39f56931"
SCHEDULE = "844772a6-ad31-49fb-b3d9-7aef1e559b7e"
URL = "https://www.wixapis.com/bookings/v2/bookings"
HEADERS = {"Authorization": "bench-key", "wix-site-id": "bench-site"}
BODY = {"booking": {"bookedEntity": {"slot": {"serviceId": SERVICE, "scheduleId": SCHEDULE,
                                              "startDate": "2026-12-26T12:00:00.000Z",
                                              "endDate": "2026-12-26T13:00:00.000Z"}},
                    "contactDetails": {"firstName": "Ada", "email": "ada@example.com"},
                    "totalParticipants": 1}}


class _Config:
    """What ``WixApi`` reads of a pytest config, outside pytest."""

    def getoption(self, name):
        return None


def _api(backend: str, cassette=None):
    from .core import Settings, WixApi
    from .coverage import Coverage
    from .intercept import make_router

    api = WixApi(config=_Config(), nodeid=f"bench::{backend}", settings=Settings(coverage=Coverage(), backend=backend),
                 cassette=cassette)
    api.router = make_router(api)
    return api


def _time(client, n: int) -> float:
    """CPU time of this process per call (wall time on a shared machine measures the neighbours)."""
    t = time.process_time()
    for _ in range(n):
        r = client.post(URL, json=BODY, headers=HEADERS)
        r.read()
    return (time.process_time() - t) / n * 1e6


def run(calls: int = 300, rounds: int = 7) -> dict:
    """Per answer source: bare respx answering that source's own response body vs ``wix_api``."""
    import httpx
    import respx

    from ..fixtures.format import FixtureFile, Interaction, save
    from .recording import Cassette

    h = {k.lower(): v for k, v in HEADERS.items()}
    raw = json.dumps(BODY).encode()
    scenarios = {"emulator": _api("emulator"), "generated": _api("generated")}
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "bench.json"
        doc = json.loads(_api("generated").exchange("POST", URL, h, raw).content)
        it = Interaction("bookings.createBooking", {"method": "POST", "url": URL, "headers": {}, "body": BODY},
                         {"status": 200, "headers": {}, "body": doc}, "live")
        save(FixtureFile([it] * (calls * (rounds + 1) + 10), "bench", p), p)
        scenarios["fixture"] = _api("emulator", Cassette(p, "none", [], "real"))
        # each scenario's own answer, for its bare-respx twin (same body size: only the plugin's work differs)
        canned = {k: json.loads(_api(k if k != "fixture" else "generated").exchange("POST", URL, h, raw).content)
                  for k in scenarios}
        canned["fixture"] = doc
        bare: dict[str, list[float]] = {k: [] for k in scenarios}
        wix: dict[str, list[float]] = {k: [] for k in scenarios}
        with httpx.Client() as client:
            for r in range(rounds + 1):  # round 0 warms up (schemas compiled, caches filled)
                for name, api in scenarios.items():
                    with respx.mock(base_url="https://www.wixapis.com", assert_all_called=False) as m:
                        m.post("/bookings/v2/bookings").respond(json=canned[name])
                        tb = _time(client, calls)
                    api.router.start()
                    try:
                        tw = _time(client, calls)
                    finally:
                        api.router.stop(quiet=True)
                    if api.violations:
                        raise RuntimeError(f"bench scenario {name}: {api.violations[0]}")
                    if r:
                        bare[name].append(tb)
                        wix[name].append(tw)
    mb = {k: statistics.median(v) for k, v in bare.items()}
    mw = {k: statistics.median(v) for k, v in wix.items()}
    return {"calls_per_round": calls, "rounds": rounds, "target_us": TARGET_US,
            "bare_respx_us_per_call": {k: round(v, 1) for k, v in mb.items()},
            "wix_api_us_per_call": {k: round(v, 1) for k, v in mw.items()},
            "overhead_us_per_call": {k: round(mw[k] - mb[k], 1) for k in mw},
            "ratio": {k: round(mw[k] / mb[k], 2) for k in mw}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    res = run(a.calls, a.rounds)
    if a.json:
        print(json.dumps(res, indent=2))
        return 0
    print(f"wix_api overhead per call over bare respx (median of {a.rounds} rounds x {a.calls} calls, "
          f"httpx.Client, createBooking; bare respx answers the same body)")
    for k, ov in res["overhead_us_per_call"].items():
        ok = "ok" if ov <= TARGET_US else "OVER TARGET"
        print(f"  {k:10} bare {res['bare_respx_us_per_call'][k]:7.1f} µs  wix_api {res['wix_api_us_per_call'][k]:7.1f} µs"
              f"  overhead {ov:6.1f} µs ({res['ratio'][k]:.2f}x)  target ≤ {TARGET_US:.0f} µs: {ok}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
