"""Reports over ``DriftFinding`` lists: Markdown (paste-ready), JSON, JUnit XML, SARIF 2.1.0.

A report has named sections (``{"response drift": [...], "contract diff": [...]}``); counts come
first in every format. ``fail_on`` (breaking | any | none) decides the JUnit failures and the exit code."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
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


def junit(sections: dict[str, list[DriftFinding]], fail_on: str = "breaking") -> str:
    c = counts(sections)
    suites = ET.Element("testsuites", name="wixcontracts drift", tests="0", failures="0")
    total_t = total_f = 0
    for sec, fs in sections.items():
        ops = sorted({f.operation or "-" for f in fs})
        suite = ET.SubElement(suites, "testsuite", name=sec)
        nfail = 0
        for op in ops:
            mine = [f for f in fs if (f.operation or "-") == op]
            tc = ET.SubElement(suite, "testcase", classname=f"wixcontracts.{sec.replace(' ', '_')}", name=op)
            failing = mine if fail_on == "any" else [f for f in mine if f.severity == BREAKING] \
                if fail_on == "breaking" else []
            if failing:
                nfail += 1
                fe = ET.SubElement(tc, "failure", message=f"{len(failing)} finding(s)", type=failing[0].kind)
                fe.text = "\n".join(f"[{f.severity}] {f.kind} {f.pointer}: {f.message} (e.g. {f.example})"
                                    for f in failing)
            rest = [f for f in mine if f not in failing]
            if rest:
                ET.SubElement(tc, "system-out").text = "\n".join(
                    f"[{f.severity}] {f.kind} {f.pointer}: {f.message}" for f in rest)
        if not ops:
            ET.SubElement(suite, "testcase", classname=f"wixcontracts.{sec.replace(' ', '_')}", name="no findings")
        n = max(len(ops), 1)
        suite.set("tests", str(n))
        suite.set("failures", str(nfail))
        total_t += n
        total_f += nfail
    suites.set("tests", str(total_t))
    suites.set("failures", str(total_f))
    suites.set("breaking", str(c["breaking"]))
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


_RULE_HELP = {
    "undocumented-field": "Field observed in a response but not in the contract",
    "undocumented-enum-value": "Enum value observed but not documented",
    "type-mismatch": "Observed JSON type differs from the contract",
    "format-mismatch": "Observed value does not match the documented format",
    "documented-never-present": "Documented response field never observed",
    "undocumented-error-code": "Error code observed but not documented",
    "undocumented-http-status": "HTTP status observed but not documented",
}


def _line_of(file: str | None, pointer: str, root: Path) -> int:
    if not file:
        return 1
    p = root / file
    try:
        text = p.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    last = next((s for s in reversed(pointer.split("/")) if s and s != "*"), None)
    if last:
        needle = f'"{last}"'
        for i, line in enumerate(text, 1):
            if needle in line:
                return i
    return 1


def sarif(sections: dict[str, list[DriftFinding]], root: Path | None = None) -> str:
    root = root or data_root()
    allf = [f for fs in sections.values() for f in fs]
    kinds = sorted({f.kind for f in allf})
    rules = [{"id": k, "name": k, "shortDescription": {"text": _RULE_HELP.get(k, k.replace("-", " "))}} for k in kinds]
    results = []
    for f in allf:
        uri = f.file or "contracts/catalog.json"
        results.append({
            "ruleId": f.kind, "ruleIndex": kinds.index(f.kind),
            "level": "error" if f.severity == BREAKING else "note",
            "message": {"text": f"{f.operation}: {f.message}" + (f" (e.g. {f.example})" if f.example else "")},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                                "region": {"startLine": _line_of(f.file, f.pointer, root)}},
                           "logicalLocations": [{"name": f.pointer, "fullyQualifiedName":
                                                 f"{f.operation}{f.pointer}", "kind": "member"}]}],
            "properties": {"severity": f.severity, "operation": f.operation, "side": f.side, "origin": f.origin,
                           "example": f.example, "count": f.count, "docs": f.source}})
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "wixcontracts", "rules": rules}},
                     "results": results}]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render(fmt: str, sections: dict[str, list[DriftFinding]], *, fail_on: str = "breaking",
           notes: list[str] | None = None, title: str = "wixcontracts drift report") -> str:
    if fmt == "markdown":
        return markdown(sections, title, notes)
    if fmt == "json":
        return as_json(sections, notes)
    if fmt == "junit":
        return junit(sections, fail_on)
    if fmt == "sarif":
        return sarif(sections)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_all(out_dir: Path, sections: dict[str, list[DriftFinding]], *, fail_on: str = "breaking",
              notes: list[str] | None = None, stem: str = "drift", title: str = "wixcontracts drift report") -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for fmt in FORMATS:
        p = out_dir / f"{stem}.{EXT[fmt]}"
        p.write_text(render(fmt, sections, fail_on=fail_on, notes=notes, title=title), encoding="utf-8")
        paths[fmt] = p
    return paths


__all__ = ["FORMATS", "counts", "markdown", "as_json", "junit", "sarif", "render", "write_all", "fails"]
