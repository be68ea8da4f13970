"""Contract coverage of a test run: which operations, request fields, enum values and error codes the
tests exercised.

By default the denominator is the operations the suite touched (a client that uses 4 of the 192
operations is scored over those 4's fields, enum values and error codes); ``--wix-cov-all`` scores
over every operation of the API.  ``--wix-cov-fail-under N`` gates on the score shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("operations", "fields", "enums", "codes")
LABELS = {"operations": "operations", "fields": "request fields", "enums": "enum values", "codes": "error codes"}


def _walk(value: Any, ptr: str, fields: set, enums: set, op: str) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            p = f"{ptr}/{k}"
            fields.add(f"{op}:{p}")
            if isinstance(v, (dict, list)):
                _walk(v, p, fields, enums, op)
            elif isinstance(v, (str, int, bool)):
                enums.add(f"{op}:{p}={v}")
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, (dict, list)):
                _walk(v, ptr, fields, enums, op)
            elif isinstance(v, (str, int, bool)):
                enums.add(f"{op}:{ptr}={v}")


@dataclass
class Coverage:
    operations: set = field(default_factory=set)
    fields: set = field(default_factory=set)
    enums: set = field(default_factory=set)
    codes: set = field(default_factory=set)
    used: bool = False

    def to_dict(self) -> dict:
        return {k: sorted(getattr(self, k)) for k in KINDS} | {"used": self.used}

    def merge(self, d: dict) -> None:
        for k in KINDS:
            getattr(self, k).update(d.get(k) or [])
        self.used = self.used or bool(d.get("used"))

    def note(self, op: str, message: Any, code: str | None) -> None:
        self.used = True
        self.operations.add(op)
        if message:
            _walk(message, "", self.fields, self.enums, op)
        if code:
            self.codes.add(f"{op}:{code}")

    def summary(self, contracts, *, scope: str = "touched") -> dict:
        """``scope``: ``touched`` (the operations the tests called) or ``all`` (every operation)."""
        from ..fixtures.schemawalk import inventory

        c = contracts
        names = sorted(c.catalog.operations) if scope == "all" else sorted(self.operations & set(c.catalog.operations))
        avail: dict[str, set] = {k: set() for k in KINDS}
        for name in names:
            op = c.catalog.operations[name]
            avail["operations"].add(name)
            try:
                f, e = inventory(c.catalog.schema(name, "request"))
            except KeyError:
                f, e = set(), set()
            avail["fields"] |= {f"{name}:{p}" for p in f}
            avail["enums"] |= {f"{name}:{x}" for x in e}
            avail["codes"] |= {f"{name}:{x['code']}" for x in op.get("errors") or []}
        rows = {}
        for k in KINDS:
            hit = getattr(self, k) & avail[k]
            rows[k] = {"exercised": len(hit), "available": len(avail[k]),
                       "percent": round(100.0 * len(hit) / len(avail[k]), 1) if avail[k] else 100.0,
                       "missing": sorted(avail[k] - hit)}
        tot_hit = sum(r["exercised"] for r in rows.values())
        tot = sum(r["available"] for r in rows.values())
        per_op = {}
        for name in names:
            pre = name + ":"
            got = sum(1 for k in ("fields", "enums", "codes") for x in getattr(self, k) & avail[k] if x.startswith(pre))
            of = sum(1 for k in ("fields", "enums", "codes") for x in avail[k] if x.startswith(pre))
            per_op[name] = {"exercised": got, "available": of,
                            "percent": round(100.0 * got / of, 1) if of else 100.0,
                            "called": name in self.operations}
        return {"scope": scope, "total": {"exercised": tot_hit, "available": tot,
                                          "percent": round(100.0 * tot_hit / tot, 1) if tot else 100.0},
                **rows, "per_operation": per_op}


def write_table(tr, summary: dict, under: float | None) -> None:
    scope = summary.get("scope", "touched")
    tr.section("Wix contract coverage" + (" (all operations)" if scope == "all" else
                                          " (operations the tests called; --wix-cov-all for the whole API)"))
    tr.write_line(f"{'':14} {'exercised':>10} {'available':>10} {'percent':>8}")
    for k in KINDS:
        r = summary[k]
        tr.write_line(f"{LABELS[k]:14} {r['exercised']:>8} {r['available']:>10} {r['percent']:>7.1f}%")
    t = summary["total"]
    tr.write_line(f"{'total':14} {t['exercised']:>8} {t['available']:>10} {t['percent']:>7.1f}%")
    if scope != "all":
        for name, r in sorted(summary["per_operation"].items()):
            tr.write_line(f"  {name:60} {r['exercised']:>4}/{r['available']:<4} {r['percent']:>6.1f}%")
    if under is not None and t["percent"] < under:
        tr.write_line(f"FAIL: Wix contract coverage {t['percent']:.1f}% is under --wix-cov-fail-under {under:g}",
                      red=True)
