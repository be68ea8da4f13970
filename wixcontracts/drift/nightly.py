"""The combined nightly report: docs diff (contracts rebuilt from the fetched docs vs the committed
ones) + response drift (fixtures of the live run)."""

from __future__ import annotations

from pathlib import Path

from .diff import ContractRoot, diff_roots
from .model import DriftFinding
from .response import analyse_path

DOCS_SECTION, DRIFT_SECTION = "docs diff", "response drift"


def docs_dir_of(cache: Path) -> Path:
    cache = Path(cache)
    return cache / "wix-docs" if (cache / "wix-docs").is_dir() else cache


def docs_diff(docs_cache: Path, committed: Path | None = None, hints: Path | None = None,
              sources: tuple[str, ...] | None = None) -> tuple[list[DriftFinding], list[str]]:
    """The committed contracts vs a build from the docs in ``docs_cache``, compared in memory (the build's
    ~2,000 files are never written)."""
    from ..build import ROOT, build

    committed = Path(committed or ROOT)
    docs = docs_dir_of(docs_cache)
    if not docs.is_dir() or not any(docs.rglob("*.md")):
        return [], [f"docs cache {docs_cache}: no pages; docs diff skipped"]
    res = build(docs, hints_path=hints, **({"sources": tuple(sources)} if sources is not None else {}))
    notes = [f"rebuild: {d.code}: {d.message}" for d in res.diagnostics if d.severity == "error"]
    return diff_roots(committed, ContractRoot.of_files(res.files)), notes


def nightly(docs_cache: Path | None, fixtures: Path | None, committed: Path | None = None,
            absent: bool = False, sources: tuple[str, ...] | None = None) -> tuple[dict[str, list[DriftFinding]], list[str]]:
    notes: list[str] = []
    sections: dict[str, list[DriftFinding]] = {DOCS_SECTION: [], DRIFT_SECTION: []}
    if docs_cache is not None:
        found, n = docs_diff(docs_cache, committed, sources=sources)
        sections[DOCS_SECTION] = found
        notes += n
    else:
        notes.append("no docs cache given; docs diff skipped")
    if fixtures is not None and Path(fixtures).exists():
        contracts = None
        if committed is not None:
            from ..validate import Contracts

            contracts = Contracts.load(committed)
        a = analyse_path(Path(fixtures), contracts, absent)
        sections[DRIFT_SECTION] = a.findings
        notes += a.notes
    else:
        notes.append(f"fixtures {fixtures}: not found; response drift skipped")
    return sections, notes


def missing_inputs(docs_cache: Path | None, fixtures: Path | None) -> list[str]:
    """What a nightly run would have to skip: no docs pages in the cache, no fixture files."""
    out = []
    if docs_cache is None:
        out.append("no --docs-cache given (docs diff)")
    else:
        docs = docs_dir_of(docs_cache)
        if not docs.is_dir() or not any(docs.rglob("*.md")):
            out.append(f"docs cache {docs_cache} holds no pages (docs diff; fill it with `wixcontracts docs fetch`)")
    if fixtures is None:
        out.append("no --fixtures given (response drift)")
    else:
        f = Path(fixtures)
        if not f.exists():
            out.append(f"fixtures {fixtures} not found (response drift)")
        elif f.is_dir() and not any(f.rglob("*.json")):
            out.append(f"fixtures {fixtures} holds no fixture files (response drift)")
    return out
