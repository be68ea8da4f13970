"""``DriftFinding``: the one record type shared by response drift, contract diffs and the reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass

BREAKING = "breaking"
INFORMATIONAL = "informational"
SEVERITIES = (BREAKING, INFORMATIONAL)


@dataclass
class DriftFinding:
    operation: str | None
    kind: str  # e.g. undocumented-field, response-enum-value-added
    severity: str  # breaking | informational
    pointer: str  # JSON pointer-ish path; array items as "*"
    message: str
    example: str | None = None  # one observed / changed value (short repr)
    side: str = "response"  # response | request | error | path | operation
    file: str | None = None  # schemas/... file the finding maps to (SARIF)
    source: str | None = None  # docs URL (x-wix-source) when known
    count: int = 1
    origin: str = "drift"  # drift (observed responses) | diff (contract change)
    evidence: str | None = None  # drift: FILE#INDEX of the first observation (fixture file, interaction)

    def key(self) -> tuple:
        return (self.origin, self.operation, self.side, self.kind, self.pointer)

    def to_dict(self) -> dict:
        return asdict(self)


def short(value, limit: int = 80) -> str:
    try:
        import json

        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fails(findings: list[DriftFinding], fail_on: str) -> bool:
    if fail_on == "none":
        return False
    if fail_on == "any":
        return bool(findings)
    return any(f.severity == BREAKING for f in findings)
