"""``wixcontracts check`` (``make check``): the main job, offline.

1. rebuild the contracts from the docs and verify the committed ones are identical;
2. replay every documented example through the validator and the emulator;
3. run a scripted booking lifecycle on the emulator, validating every exchange;
4. fuzz the emulator with schemathesis;
5. print a report (and write ``reports/check.json`` / ``reports/check.md``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from .ir import WIX_API as HOST
AUTH = {"Authorization": "check-key", "wix-site-id": "00000000-0000-4000-8000-000000000001"}


@dataclass
class Step:
    name: str
    status: str  # ok | failed | skipped
    detail: str
    data: dict = field(default_factory=dict)
    seconds: float = 0.0


def step_rebuild(docs: Path) -> Step:
    from .build import ROOT, SourceError, build

    if not docs.is_dir():
        return Step("rebuild + verify", "skipped", f"no docs folder at {docs}: committed contracts used as they are")
    try:
        res = build(docs)
    except SourceError as e:
        return Step("rebuild + verify", "skipped", f"{e}: committed contracts used as they are")
    stale = [rel for rel, text in res.files.items()
             if not (ROOT / rel).exists() or (ROOT / rel).read_text(encoding="utf-8") != text]
    unresolved = len(res.unresolved)
    ok = not stale and not unresolved and not res.errors
    detail = (f"{len(res.model.operations)} operations, {len(res.files)} files identical to a fresh build; "
              f"{len(res.model.decisions)} structure decisions, {unresolved} unresolved")
    if stale:
        detail = f"{len(stale)} committed files differ from a fresh build (run `make schemas`): {', '.join(stale[:3])}"
    return Step("rebuild + verify", "ok" if ok else "failed", detail, {"stale": stale, "unresolved": unresolved})


def step_examples() -> Step:
    """Each documented curl example, through the validator and then the emulator."""
    from .catalog import Catalog
    from .emulator.core import Emulator
    from .validate import Contracts

    cat = Catalog()
    contracts = Contracts.load()
    emu = Emulator()
    rows = []
    for op in cat.operations.values():
        for ex in op["examples"]:
            if ex.get("kind") != "curl" or "body" not in ex:
                continue
            res = contracts.validate_request(op["id"], ex["body"])
            path = ex.get("path") or op["path"]
            status, _, body = emu.handle(ex.get("method") or op["method"], path, dict(AUTH),
                                         json.dumps(ex["body"]).encode())
            rows.append({"operation": op["id"], "example": ex["title"],
                         "errors": sorted({f"{f.rule} {f.pointer}" for f in res.errors}),
                         "warnings": sorted({f"{f.rule} {f.pointer}" for f in res.warnings}),
                         "emulator_status": status})
    n_err = sum(1 for r in rows if r["errors"])
    # the docs' own examples do not all follow the docs: that is a finding, not a failure
    return Step("replay docs examples", "ok",
                f"{len(rows)} examples replayed; {n_err} break the contract (see report)", {"examples": rows})


def step_lifecycle() -> Step:
    """create -> decline (multi-service) -> cancel on the emulator; every exchange validated."""
    from .emulator.core import Emulator
    from .validate import Contracts

    contracts = Contracts.load()
    emu = Emulator()
    log: list[dict] = []

    def call(method: str, path: str, body: dict) -> tuple[int, dict]:
        status, _, resp = emu.handle(method, path, dict(AUTH), json.dumps(body).encode())
        res = contracts.validate_exchange(method, HOST + path, AUTH, body, status, resp)
        log.append({"call": f"{method} {path}", "status": status, "errors": [f.message for f in res.errors]})
        return status, resp

    booking = {"booking": {"totalParticipants": 1, "bookedEntity": {"slot": {
        "serviceId": "8ee826a3-64c4-416d-a22c-e01d39f56931", "startDate": "2030-01-01T10:00:00",
        "endDate": "2030-01-01T11:00:00", "timezone": "UTC"}}, "contactDetails": {"firstName": "Ada"}}}
    ids = []
    for _ in range(2):
        s, r = call("POST", "/_api/bookings-service/v2/bookings", booking)
        if s == 200:
            ids.append(r["booking"]["id"])
    msb = "11111111-2222-4333-8444-555555555555"
    emu.seed({"bookings": emu.snapshot()["bookings"], "multiServiceBookings": {msb: ids}})
    decline = {"declineBookingsInfo": [{"bookingId": i, "revision": "1"} for i in ids], "returnFullEntity": True}
    call("POST", f"/_api/bookings-service/v2/multi_service_bookings/{msb}/decline", decline)
    call("POST", f"/bookings/multiServiceBookings/v2/multi_service_bookings/{msb}/decline", decline)  # alias; already declined
    s, r = call("POST", "/_api/bookings-service/v2/bookings", booking)
    if s == 200:
        call("POST", f"/_api/bookings-service/v2/bookings/{r['booking']['id']}/cancel", {"revision": "1"})
    bad = [x for x in log if x["errors"]]
    statuses = [x["status"] for x in log]
    expected = [200, 200, 200, 428, 200, 200]
    ok = not bad and statuses == expected
    return Step("emulator lifecycle", "ok" if ok else "failed",
                f"{len(log)} calls, statuses {statuses} (expected {expected}); {len(bad)} contract violations",
                {"calls": log})


def step_fuzz(max_examples: int) -> Step:
    from .emulator.fuzz import run_fuzz

    out = run_fuzz(max_examples)
    ok = not out["failures"] and not out["schema_warnings"]
    gaps = ", ".join(f"{k}×{v}" for k, v in sorted(out["gap_hits"].items())) or "none"
    return Step("fuzz emulator (schemathesis)", "ok" if ok else "failed",
                f"{out['operations']} operations, {out['cases']} cases, {len(out['failures'])} failures, "
                f"{len(out['schema_warnings'])} schema warnings; known contract gaps hit: {gaps}", out)


def run(docs: Path, max_examples: int = 25, out_dir: Path | None = None) -> list[Step]:
    steps = []
    for fn, args in ((step_rebuild, (docs,)), (step_examples, ()), (step_lifecycle, ()), (step_fuzz, (max_examples,))):
        t0 = time.perf_counter()
        try:
            s = fn(*args)
        except Exception as e:  # a broken step is reported, the others still run
            s = Step(fn.__name__.replace("step_", ""), "failed", f"{type(e).__name__}: {e}")
        s.seconds = time.perf_counter() - t0
        steps.append(s)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "check.json").write_text(json.dumps([s.__dict__ for s in steps], indent=2, default=str) + "\n")
        (out_dir / "check.md").write_text(markdown(steps))
    return steps


def markdown(steps: list[Step]) -> str:
    lines = ["# wixcontracts check", "", "| step | status | detail | s |", "|---|---|---|---|"]
    for s in steps:
        lines.append(f"| {s.name} | {s.status} | {s.detail} | {s.seconds:.1f} |")
    ex = next((s for s in steps if s.name == "replay docs examples"), None)
    if ex and ex.data.get("examples"):
        lines += ["", "## Docs examples vs the contract", "", "| operation | example | errors | warnings | emulator |", "|---|---|---|---|---|"]
        for r in ex.data["examples"]:
            lines.append(f"| {r['operation']} | {r['example']} | {'; '.join(r['errors']) or '—'} | "
                         f"{'; '.join(r['warnings']) or '—'} | {r['emulator_status']} |")
    return "\n".join(lines) + "\n"
