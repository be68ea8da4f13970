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
    status: str  # ok | failed | skipped (an input is missing) | error (the step crashed: a bug)
    detail: str
    data: dict = field(default_factory=dict)
    seconds: float = 0.0


def step_rebuild(docs: Path, committed: Path | None = None) -> Step:
    """Rebuild from the docs + the pinned SDK typings and compare with the committed files, both ways
    (a file that differs, is missing, or is no longer produced).  Missing inputs make the step
    ``skipped`` -- which ``wixcontracts check`` refuses unless ``--allow-skip``."""
    from .build import GENERATED, SourceError, _generated, build
    from .paths import data_root

    committed = Path(committed or data_root())
    if not docs.is_dir():
        return Step("rebuild + verify", "skipped", f"no docs folder at {docs}: nothing to rebuild from")
    try:
        res = build(docs, committed, committed / "contracts" / "hints.json")
    except SourceError as e:
        return Step("rebuild + verify", "skipped", f"{e}: cannot rebuild")
    stale = sorted(rel for rel, text in res.files.items()
                   if not (committed / rel).is_file() or (committed / rel).read_text(encoding="utf-8") != text)
    extra = sorted(rel for sub in GENERATED if (committed / sub).is_dir()
                   for rel in (p.relative_to(committed).as_posix() for p in (committed / sub).rglob("*.json"))
                   if _generated(rel) and rel not in res.files)
    unresolved = len(res.unresolved)
    ok = not stale and not extra and not unresolved and not res.errors
    detail = (f"{res.operations} operations, {len(res.files)} files identical to a fresh build; "
              f"{len(res.api.decisions)} structure decisions, {unresolved} unresolved, {len(res.errors)} errors")
    if stale or extra:
        bits = ([f"{len(stale)} committed files differ from a fresh build"] if stale else []) + \
               ([f"{len(extra)} committed files are no longer produced"] if extra else [])
        detail = f"{'; '.join(bits)} (run `make schemas`): {', '.join((stale + extra)[:3])}"
    return Step("rebuild + verify", "ok" if ok else "failed", detail,
                {"stale": stale, "extra": extra, "unresolved": unresolved})


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


def step_flow() -> Step:
    """The whole booking flow across services on the emulator (services, time slots, bookings, multi-service,
    extended bookings), every exchange validated (``wixcontracts.emulator.flow``)."""
    from .emulator.flow import run_flow

    return Step(**run_flow())


STEPS = (("rebuild + verify", "step_rebuild"), ("replay docs examples", "step_examples"),
         ("emulator lifecycle", "step_lifecycle"), ("emulator booking flow", "step_flow"),
         ("fuzz emulator (schemathesis)", "step_fuzz"))
# ``check --only KEY``: a step's short name, its function's without ``step_``
STEP_KEYS = {fn.removeprefix("step_"): fn for _, fn in STEPS}


def run(docs: Path, max_examples: int = 25, out_dir: Path | None = None, only: set[str] | None = None) -> list[Step]:
    """Every step in order (``only``: the steps' short names, :data:`STEP_KEYS`, to run just those)."""
    steps = []
    args = {"step_rebuild": (docs,), "step_fuzz": (max_examples,)}
    chosen = {STEP_KEYS[k] for k in only} if only else None
    for name, fn_name in STEPS:
        if chosen is not None and fn_name not in chosen:
            continue
        t0 = time.perf_counter()
        try:
            s = globals()[fn_name](*args.get(fn_name, ()))
        except Exception as e:  # a broken step is reported (exit 3), the others still run
            s = Step(name, "error", f"{type(e).__name__}: {' '.join(str(e).split())[:300]}")
        s.seconds = time.perf_counter() - t0
        steps.append(s)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "check.json").write_text(json.dumps([s.__dict__ for s in steps], indent=2, default=str) + "\n",
                                            encoding="utf-8")
        (out_dir / "check.md").write_text(markdown(steps), encoding="utf-8")
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
