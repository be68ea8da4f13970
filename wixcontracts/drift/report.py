"""Reports over ``DriftFinding`` lists: Markdown (paste-ready), JSON, JUnit XML, SARIF 2.1.0.

A report has named sections (``{"response drift": [...], "contract diff": [...]}``); counts come
first in every format. ``fail_on`` (breaking | any | none) decides the JUnit failures and the exit code."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ..paths import data_root
from .model import BREAKING, INFORMATIONAL, DriftFinding, fails

FORMATS = ("markdown", "json", "junit", "sarif")
EXT = {"markdown": "md", "json": "json", "junit": "xml", "sarif": "sarif"}


def counts(sections: dict[str, list[DriftFinding]]) -> dict:
    allf = [f for fs in sections.values() for f in fs]
    return {"total": len(allf),
            "breaking": sum(f.severity == BREAKING for f in allf),
            "informational": sum(f.severity == INFORMATIONAL for f in allf),
            "by_section": {k: {"total": len(v), "breaking": sum(f.severity == BREAKING for f in v)}
                           for k, v in sections.items()},
            "by_kind": dict(sorted(Counter(f.kind for f in allf).items()))}


def _esc(s) -> str:
    return str(s if s is not None else "").replace("|", "\\|").replace("\n", " ")


def markdown(sections: dict[str, list[DriftFinding]], title: str = "wixcontracts drift report",
             notes: list[str] | None = None) -> str:
    c = counts(sections)
    lines = [f"## {title}", "",
             f"**{c['breaking']} breaking**, {c['informational']} informational ({c['total']} findings)", "",
             "| section | findings | breaking |", "|---|---:|---:|"]
    lines += [f"| {k} | {v['total']} | {v['breaking']} |" for k, v in c["by_section"].items()]
    for sec, fs in sections.items():
        lines += ["", f"### {sec}", ""]
        if not fs:
            lines.append("No findings.")
            continue
        for op in sorted({f.operation or "-" for f in fs}):
            lines += [f"#### `{op}`", "", "| severity | kind | side | where | example | detail |",
                      "|---|---|---|---|---|---|"]
            for f in [f for f in fs if (f.operation or "-") == op]:
                sev = "🔴 breaking" if f.severity == BREAKING else "ℹ️ informational"
                times = f" (×{f.count})" if f.count > 1 else ""
                lines.append(f"| {sev} | {f.kind} | {f.side} | `{_esc(f.pointer)}` | `{_esc(f.example)}` | "
                             f"{_esc(f.message)}{times} |")
            lines.append("")
    if notes:
        lines += ["", "<details><summary>notes</summary>", ""] + [f"- {_esc(n)}" for n in notes] + ["", "</details>"]
    return "\n".join(lines).rstrip() + "\n"


def as_json(sections: dict[str, list[DriftFinding]], notes: list[str] | None = None) -> str:
    return json.dumps({"summary": counts(sections), "sections": {k: [f.to_dict() for f in v]
                                                                 for k, v in sections.items()},
                       "notes": notes or []}, indent=2, ensure_ascii=False) + "\n"


def _line(f: DriftFinding, with_example: bool = True) -> str:
    ex = f" (e.g. {f.example})" if with_example and f.example else ""
    return f"[{f.severity}] {f.kind} {f.side} {f.pointer or '/'}: {f.message}{ex}"


def junit(sections: dict[str, list[DriftFinding]], fail_on: str = "breaking") -> str:
    """One suite per section, one case per operation; the findings ``fail_on`` selects are the case's
    failure, the others its system-out. Severity counts are suite properties."""
    from ..report import junit as J

    suites = []
    for sec, fs in sections.items():
        cls = f"wixcontracts.{sec.replace(' ', '_')}"
        suite = J.Suite(sec, properties={
            "findings": str(len(fs)), "breaking": str(sum(f.severity == BREAKING for f in fs)),
            "informational": str(sum(f.severity == INFORMATIONAL for f in fs)), "fail-on": fail_on})
        for op in sorted({f.operation or "-" for f in fs}):
            mine = [f for f in fs if (f.operation or "-") == op]
            failing = mine if fail_on == "any" else [f for f in mine if f.severity == BREAKING] \
                if fail_on == "breaking" else []
            case = suite.add(J.Case(op, cls))
            if failing:
                case.fail(f"{len(failing)} finding(s): " + "; ".join(f"{f.kind} {f.pointer}" for f in failing),
                          "\n".join(_line(f) for f in failing), failing[0].kind)
            rest = [f for f in mine if f not in failing]
            if rest:
                case.system_out = "\n".join(_line(f, with_example=False) for f in rest)
        if not fs:
            suite.add(J.Case("no findings", cls))
        suites.append(suite)
    return J.render(suites, "wixcontracts drift")


_RULE_HELP = {
    # response drift (observed responses vs the contract)
    "undocumented-field": "Field observed in a response but not in the contract",
    "undocumented-enum-value": "Enum value observed but not documented",
    "type-mismatch": "Observed JSON type differs from the contract",
    "format-mismatch": "Observed value does not match the documented format",
    "documented-never-present": "Documented response field never observed",
    "undocumented-error-code": "Error code observed but not documented",
    "undocumented-http-status": "HTTP status observed but not documented",
    # contract diff (two contract versions)
    "operation-removed": "Operation removed from the contract",
    "operation-added": "Operation added to the contract",
    "route-changed": "Method or path of an operation changed",
    "field-removed": "Field removed from a schema",
    "field-added": "Field added to a schema",
    "type-changed": "JSON type of a field changed",
    "format-added": "Format constraint added to a field",
    "format-removed": "Format constraint removed from a field",
    "format-changed": "Format of a field changed",
    "enum-value-added": "Enum value added",
    "enum-value-removed": "Enum value removed",
    "required-added": "Field became required",
    "required-removed": "Field no longer required",
    "one-of-group-added": "ONE-OF group added",
    "one-of-group-removed": "ONE-OF group removed",
    "one-of-member-added": "Field joined a ONE-OF group",
    "one-of-member-removed": "Field left a ONE-OF group",
    "one-of-group-became-required": "ONE-OF group became required",
    "one-of-group-became-optional": "ONE-OF group became optional",
    "error-code-added": "Error code added to an operation",
    "error-code-removed": "Error code removed from an operation",
}
# diff kinds whose identity includes the changed value (several enum values can change at one pointer)
_VALUE_KINDS = ("enum-value-", "one-of-")


def _schema_segments(schema: dict, segs: list[str]) -> list[str]:
    """The path inside a JSON Schema document to the node describing data pointer ``segs`` (through
    local ``$ref``s, ``properties``, ``items`` and allOf/anyOf/oneOf); stops at the deepest found."""
    from ..report.sarif import split_pointer

    def deref(node, at):
        for _ in range(50):
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#/")):
                break
            parts, target = split_pointer(ref[1:]), schema
            for p in parts:
                target = target.get(p) if isinstance(target, dict) else None
            if not isinstance(target, dict):
                break
            node, at = target, parts
        return node, at

    node, at = schema, []
    for seg in segs:
        node, at = deref(node, at)
        if not isinstance(node, dict):
            break
        cands = [(node, at)] + [deref(sub, at + [k, str(i)]) for k in ("allOf", "anyOf", "oneOf")
                                for i, sub in enumerate(node.get(k) or []) if isinstance(sub, dict)]
        step = None
        for cand, cat in cands:
            if seg == "*" and isinstance(cand.get("items"), dict):
                step = (cand["items"], cat + ["items"])
            elif seg != "*" and isinstance((cand.get("properties") or {}).get(seg), dict):
                step = (cand["properties"][seg], cat + ["properties", seg])
            if step:
                break
        if step is None:
            break
        node, at = step
    return at


def _contract_location(log, contract_root: Path, f: DriftFinding, cache: dict) -> dict | None:
    """The contract file of ``f`` (under the log's root only) with the line of what it describes."""
    from ..report.sarif import split_pointer

    if not f.file:
        return None
    path = contract_root / f.file
    if not path.is_file() or log.physical(path) is None:
        return None
    src = log.source(path)
    if src is None:
        return log.physical(path)
    if path not in cache:
        try:
            cache[path] = json.loads(src.text)
        except ValueError:
            cache[path] = None
    doc = cache[path]
    segs = split_pointer(f.pointer)
    if f.file.endswith("catalog.json"):
        ops = doc.get("operations") if isinstance(doc, dict) else None
        i = next((i for i, o in enumerate(ops or []) if isinstance(o, dict)
                  and f.operation in (o.get("id"), o.get("name"))), None)
        return log.physical(path, ["operations", str(i)] if i is not None else None)
    if f.side == "error" and segs[:1] == ["errors"] and len(segs) == 2:  # error-code-*: the code's enum entry
        pos = src.text.find(json.dumps(segs[1]))
        return log.physical(path, line=src.position(pos)[0]) if pos >= 0 else log.physical(path)
    if f.side == "error" and segs[:1] == ["status"]:
        return log.physical(path, ["x-wix-documented-statuses"])
    if not isinstance(doc, dict):
        return log.physical(path)
    return log.physical(path, _schema_segments(doc, segs))


def _observation_location(log, f: DriftFinding) -> tuple[dict | None, str | None]:
    """The fixture file and interaction the finding was first observed in (if under the log's root)."""
    from ..report.sarif import display_path, split_pointer

    if not f.evidence:
        return None, None
    file, _, idx = f.evidence.rpartition("#")
    if not file or not idx.isdigit():
        file, idx = f.evidence, ""
    base = ["interactions", idx, "response"] if idx else []
    if f.side == "error" and f.pointer.startswith("/status/"):
        segs = base + ["status"]
    else:
        segs = base + (["body"] if idx else []) + split_pointer(f.pointer)
    shown = display_path(file, log.root) + (f"#{idx}" if idx else "")
    return log.physical(file, segs), shown


def sarif(sections: dict[str, list[DriftFinding]], root: Path | None = None,
          contract_root: Path | None = None, category: str | None = None) -> str:
    """SARIF 2.1.0. ``root``: the base of every location (default: the current directory); nothing
    outside it is named. ``contract_root``: where the findings' contract files (``schemas/...``) live.
    ``category``: runAutomationDetails.id (default: from the section names).

    - response drift: the fixture / live-run observation file where the finding was first seen, at
      the line of the field; the contract file as a related location when it is under ``root``;
    - contract diff: a logical location (operation, side, pointer) and, when the contract file
      exists under ``root``, that file at the line of the changed node."""
    from ..report.sarif import Log

    # one category per kind of report, so code scanning keeps a drift upload and a diff upload apart
    category = category or "wixcontracts-" + "-".join("-".join(k.split()) for k in sections) + "/"
    log = Log(root=Path(root) if root else Path.cwd(), category=category)
    contract_root = Path(contract_root) if contract_root else data_root()
    cache: dict = {}
    for sec, fs in sections.items():
        for f in fs:
            log.rule(f.kind, _RULE_HELP.get(f.kind, f.kind.replace("-", " ")))
            op = f.operation or "-"
            qualified = op  # operation ids are qualified already (service.operation)
            ptr = f.pointer or "/"
            contract = _contract_location(log, contract_root, f, cache)
            observed, shown = _observation_location(log, f) if f.origin == "drift" else (None, None)
            related = [(contract, f"contract: {f.file}")] if observed and contract else []
            times = f" (×{f.count})" if f.count > 1 else ""
            example = f" (e.g. {f.example})" if f.example else ""
            value = f.example if f.origin == "diff" and f.kind.startswith(_VALUE_KINDS) else None
            log.result(f.kind, "error" if f.severity == BREAKING else "note",
                       f"{op}: {f.message}{example}{times}",
                       identity=(f.origin, f.operation, f.side, f.pointer, value),
                       physical=observed or contract, logical=log.logical(ptr, f"{qualified} {f.side} {ptr}"),
                       related=related,
                       properties={"section": sec, "severity": f.severity, "operation": f.operation, "side": f.side,
                                   "origin": f.origin, "example": f.example, "count": f.count, "docs": f.source,
                                   "contract": f.file, "observed": shown})
    return log.dumps()


def render(fmt: str, sections: dict[str, list[DriftFinding]], *, fail_on: str = "breaking",
           notes: list[str] | None = None, title: str = "wixcontracts drift report",
           root: Path | None = None, contract_root: Path | None = None) -> str:
    if fmt == "markdown":
        return markdown(sections, title, notes)
    if fmt == "json":
        return as_json(sections, notes)
    if fmt == "junit":
        return junit(sections, fail_on)
    if fmt == "sarif":
        return sarif(sections, root, contract_root)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_all(out_dir: Path, sections: dict[str, list[DriftFinding]], *, fail_on: str = "breaking",
              notes: list[str] | None = None, stem: str = "drift", title: str = "wixcontracts drift report",
              root: Path | None = None, contract_root: Path | None = None) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for fmt in FORMATS:
        p = out_dir / f"{stem}.{EXT[fmt]}"
        p.write_text(render(fmt, sections, fail_on=fail_on, notes=notes, title=title, root=root,
                            contract_root=contract_root), encoding="utf-8", errors="backslashreplace")
        paths[fmt] = p
    return paths


__all__ = ["FORMATS", "counts", "markdown", "as_json", "junit", "sarif", "render", "write_all", "fails"]
