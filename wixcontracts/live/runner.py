"""The live scenario runner. Safety: the caller checked ``safety.check`` first; the runner only
mutates bookings it created itself (tracked in ``owned``) and cancels whatever is still open in a
``finally`` block. Operations missing from the catalog are skipped with a note.

Scenarios:
1. lifecycle: createBooking → confirm/decline (if such an operation is in the catalog) → cancelBooking
2. multi-service decline: a multi-service booking of our own (createMultiServiceBooking, or two
   createBookings + the ``make_multi_service`` hook) → declineMultiServiceBooking
3. error probe: declineMultiServiceBooking on a random, nonexistent id (documented 404; mutates nothing)
4. read-backs: getBooking / queryBookings / getMultiServiceBooking when the catalog has them
``operations`` restricts the run to what the target serves (e.g. the emulator's routes).
Every request and response is validated with ``Contracts``; every call is recorded (scrubbed)."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

CONFIRM_OPS = ("confirmBooking", "declineBooking", "confirmOrDeclineBooking")
READ_OPS = ("getBooking", "queryBookings", "getMultiServiceBooking")
CLOSED = ("CANCELED", "DECLINED")


@dataclass
class Step:
    scenario: str
    operation: str
    status: str  # planned | ok | error-response | skipped | failed
    note: str = ""


@dataclass
class RunSummary:
    steps: list[Step] = field(default_factory=list)
    validation: list[dict] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    cleaned: list[str] = field(default_factory=list)
    fixtures: list[str] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return sum(s.status in ("ok", "error-response") for s in self.steps)

    def to_dict(self) -> dict:
        return {"steps": [s.__dict__ for s in self.steps], "validation": self.validation, "created": self.created,
                "cleaned": self.cleaned, "fixtures": self.fixtures, "request_ids": self.request_ids}


def default_create_body(catalog, run_id: str, now: datetime | None = None) -> dict:
    op = catalog.operation("createBooking")
    ex = next((e for e in op.get("examples") or [] if e.get("kind") == "curl" and isinstance(e.get("body"), dict)
               and "slot" in (e["body"].get("booking", {}).get("bookedEntity") or {})), None)
    if ex is None:
        raise LookupError("no createBooking curl example with a slot in the catalog; set live.create_booking_body")
    body = copy.deepcopy(ex["body"])
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    start = now + timedelta(days=30)
    slot = body["booking"]["bookedEntity"]["slot"]
    slot["startDate"] = start.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    slot["endDate"] = (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    body["booking"]["bookedEntity"]["title"] = f"wixcontracts live run {run_id}"
    return body


class Runner:
    def __init__(self, client, contracts=None, recorder=None, *, create_body: dict | None = None,
                 make_multi_service: Callable[[list[str]], str] | None = None, progress=None, run_id: str = "",
                 operations: set[str] | None = None):
        if contracts is None:
            from ..validate import Contracts

            contracts = Contracts.load()
        self.client, self.contracts, self.recorder = client, contracts, recorder
        self.catalog = contracts.catalog
        self.run_id = run_id or uuid.uuid4().hex[:8]
        self.create_body = create_body
        self.make_multi_service = make_multi_service
        self.progress = progress  # callable(step) for the rich progress
        self.operations = operations  # what the target serves (default: every catalog operation)
        self.owned: dict[str, dict] = {}
        self.msb_id: str | None = None
        self.summary = RunSummary()

    # ---------------------------------------------------------------- plan
    def has(self, op: str) -> bool:
        """The catalog has ``op`` (an id or a bare name) and the target serves it (``operations``: ids or names)."""
        from ..catalog import UnknownOperation

        try:
            oid = self.catalog.resolve(op)
        except UnknownOperation:
            return False
        return self.operations is None or oid in self.operations or oid.split(".", 1)[1] in self.operations

    def _msb_source(self) -> str | None:
        if self.make_multi_service is not None:
            return "hook"
        return "createMultiServiceBooking" if self.has("createMultiServiceBooking") else None

    def plan(self) -> list[Step]:
        p: list[Step] = []
        p.append(Step("lifecycle", "createBooking", "planned" if self.has("createBooking") else "skipped"))
        confirm = next((o for o in CONFIRM_OPS if self.has(o)), None)
        p.append(Step("lifecycle", confirm or "confirmOrDeclineBooking", "planned" if confirm else "skipped",
                      "" if confirm else "no confirm/decline operation in the catalog"))
        p.append(Step("lifecycle", "cancelBooking", "planned" if self.has("cancelBooking") else "skipped"))
        src = self._msb_source()
        ms_ok = self.has("declineMultiServiceBooking") and src is not None
        p.append(Step("multi-service decline", "declineMultiServiceBooking", "planned" if ms_ok else "skipped",
                      f"multi-service booking via {src}" if ms_ok
                      else "no operation in the catalog creates a multi-service booking"))
        probe = self.has("declineMultiServiceBooking") and any(
            e["code"] == "MULTI_SERVICE_BOOKING_NOT_FOUND" for e in self.catalog.operation(
                "declineMultiServiceBooking").get("errors") or [])
        p.append(Step("error probe", "declineMultiServiceBooking", "planned" if probe else "skipped",
                      "unknown multi-service booking id → documented 404" if probe else "404 not documented"))
        for o in READ_OPS:
            p.append(Step("read-backs", o, "planned" if self.has(o) else "skipped",
                          "" if self.has(o) else "not in the catalog"))
        p.append(Step("cleanup", "cancelBooking", "planned", "cancel every booking this run created and left open"))
        return p

    # ---------------------------------------------------------------- helpers
    def _record_step(self, step: Step) -> Step:
        self.summary.steps.append(step)
        if self.progress:
            self.progress(step)
        return step

    def _track(self, body: Any) -> None:
        """Update revision/status of owned bookings seen anywhere in a response."""
        stack = [body]
        while stack:
            v = stack.pop()
            if isinstance(v, dict):
                if isinstance(v.get("id"), str) and v["id"] in self.owned and ("revision" in v or "status" in v):
                    self.owned[v["id"]].update({k: v[k] for k in ("revision", "status") if k in v})
                stack.extend(v.values())
            elif isinstance(v, list):
                stack.extend(v)

    def _call(self, scenario: str, op: str, body: Any = None, path_params: dict | None = None):
        call = self.client.call(op, body, path_params)
        if self.recorder is not None:
            self.recorder.add(scenario, call)
        if call.request_id:
            self.summary.request_ids.append(call.request_id)
        req = self.contracts.validate_request(op, body or {}, path_params=path_params)
        resp = self.contracts.validate_response(op, call.response_body, call.status)
        for kind, res in (("request", req), ("response", resp)):
            for f in res.errors:
                self.summary.validation.append({"operation": op, "side": kind, "pointer": f.pointer, "rule": f.rule,
                                                "message": f.message, "status": call.status})
        self._track(call.response_body)
        self._record_step(Step(scenario, op, "ok" if call.ok else "error-response",
                               f"HTTP {call.status}" + (f" after {call.attempts} attempts" if call.attempts > 1
                                                        else "")))
        return call

    def _create(self, scenario: str) -> str | None:
        body = copy.deepcopy(self.create_body) if self.create_body else default_create_body(self.catalog, self.run_id)
        call = self._call(scenario, "createBooking", body)
        b = (call.response_body or {}).get("booking") if isinstance(call.response_body, dict) else None
        if call.ok and isinstance(b, dict) and b.get("id"):
            self.owned[b["id"]] = {"revision": b.get("revision"), "status": b.get("status")}
            self.summary.created.append(b["id"])
            return b["id"]
        return None

    def _cancel(self, scenario: str, bid: str):
        if bid not in self.owned:  # never touch what we did not create
            raise PermissionError(f"refusing to mutate booking {bid}: not created by this run")
        return self._call(scenario, "cancelBooking", {"revision": str(self.owned[bid]["revision"]),
                                                      "participantNotification": {"notifyParticipants": False}},
                          {"bookingId": bid})

    # ---------------------------------------------------------------- scenarios
    def run(self) -> RunSummary:
        plan = {(s.scenario, s.operation): s for s in self.plan()}
        for s in plan.values():
            if s.status == "skipped":
                self._record_step(Step(s.scenario, s.operation, "skipped", s.note))
        try:
            self._lifecycle(plan)
            self._multi_service(plan)
            self._probe(plan)
            self._reads(plan)
        except Exception as e:  # a failed step must not stop the cleanup
            self._record_step(Step("run", "-", "failed", f"{type(e).__name__}: {e}"))
        finally:
            self._cleanup()
            if self.recorder is not None:
                self.summary.fixtures = [str(p) for p in self.recorder.flush()]
        return self.summary

    def _lifecycle(self, plan) -> None:
        if plan[("lifecycle", "createBooking")].status == "skipped":
            return
        bid = self._create("lifecycle")
        if bid is None:
            return
        confirm = next((o for o in CONFIRM_OPS if self.has(o)), None)
        if confirm:
            body = {"revision": str(self.owned[bid]["revision"]), "participantNotification": {"notifyParticipants": False}}
            if confirm == "confirmOrDeclineBooking":
                body = {}
            self._call("lifecycle", confirm, body, {"bookingId": bid})
        if self.has("cancelBooking"):
            self._cancel("lifecycle", bid)

    def _multi_service(self, plan) -> None:
        if plan[("multi-service decline", "declineMultiServiceBooking")].status == "skipped":
            return
        sc = "multi-service decline"
        if self.make_multi_service is not None:
            ids = [i for i in (self._create(sc), self._create(sc)) if i]
            if len(ids) < 2:
                return
            msb = self.make_multi_service(ids)
        else:
            one = default_create_body(self.catalog, self.run_id) if not self.create_body else self.create_body
            call = self._call(sc, "createMultiServiceBooking",
                              {"bookings": [copy.deepcopy(one["booking"]), copy.deepcopy(one["booking"])],
                               "returnFullEntity": True, "participantNotification": {"notifyParticipants": False}})
            m = (call.response_body or {}).get("multiServiceBooking") if isinstance(call.response_body, dict) else None
            if not call.ok or not isinstance(m, dict) or not m.get("id"):
                return
            msb, ids = m["id"], []
            for item in m.get("bookings") or []:
                b = item.get("booking") if isinstance(item, dict) else None
                if isinstance(b, dict) and b.get("id"):
                    self.owned[b["id"]] = {"revision": b.get("revision"), "status": b.get("status")}
                    self.summary.created.append(b["id"])
                    ids.append(b["id"])
            if not ids:
                return
        self.msb_id = msb
        infos = [{"bookingId": i, "revision": str(self.owned[i]["revision"])} for i in ids]
        self._call("multi-service decline", "declineMultiServiceBooking",
                   {"declineBookingsInfo": infos, "returnFullEntity": True,
                    "participantNotification": {"notifyParticipants": False}}, {"multiServiceBookingId": msb})

    def _probe(self, plan) -> None:
        if plan[("error probe", "declineMultiServiceBooking")].status == "skipped":
            return
        ghost = str(uuid.uuid4())
        self._call("error probe", "declineMultiServiceBooking",
                   {"declineBookingsInfo": [{"bookingId": str(uuid.uuid4()), "revision": "1"}]},
                   {"multiServiceBookingId": ghost})

    def _reads(self, plan) -> None:
        targets = {"bookingId": next(iter(self.owned), None), "multiServiceBookingId": self.msb_id}
        for o in READ_OPS:
            if plan[("read-backs", o)].status == "skipped":
                continue
            params = {p: targets.get(p) for p in self.catalog.operation(o).get("path_params") or []}
            if any(v is None for v in params.values()):
                self._record_step(Step("read-backs", o, "skipped", "no id of ours to read back"))
                continue
            self._call("read-backs", o, None, params)

    def _cleanup(self) -> None:
        for bid, st in list(self.owned.items()):
            if st.get("status") in CLOSED or not self.has("cancelBooking"):
                continue
            try:
                call = self._cancel("cleanup", bid)
                if call.ok:
                    self.summary.cleaned.append(bid)
            except Exception as e:
                self._record_step(Step("cleanup", "cancelBooking", "failed", f"{bid}: {type(e).__name__}: {e}"))


def write_summary(summary: RunSummary, run_dir: Path) -> Path:
    import json

    p = Path(run_dir) / "summary.json"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(summary.to_dict(), indent=2) + "\n", encoding="utf-8")
    return p
