"""The whole nightly flow offline: docs fetch (respx) → rebuild → docs diff; live run against the
emulator (with and without injected drift) → response drift; the combined report."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from tests.drift.helpers import API_KEY, SITE_ID, DriftingEmulator, live_run
from wixcontracts.build import ROOT, build, write
from wixcontracts.catalog import Catalog
from wixcontracts.docsfetch.fetch import cache_path, fetch_pages, page_urls
from wixcontracts.drift.diff import diff_roots
from wixcontracts.drift.nightly import DOCS_SECTION, DRIFT_SECTION, docs_dir_of, nightly

DOCS_ONLY = ("docs",)  # the SDK typings would mask docs-only changes (and need the pinned package)
from wixcontracts.drift.report import as_json, markdown
from wixcontracts.emulator.core import Emulator

DOCS = ROOT.parent / "shared" / "wix-docs"
CREATE = "api-reference/business-solutions/bookings/bookings/bookings-writer-v2/create-booking.md"


def _served_pages(modify: bool) -> dict[str, str]:
    """Catalog page URL → text: copies of ../shared/wix-docs, optionally with drift."""
    pages = {}
    for url in page_urls(Catalog()):
        rel = cache_path(Path("/"), url).relative_to(Path("/") / "wix-docs")
        src = DOCS / rel
        if not src.is_file():
            continue
        text = src.read_text(encoding="utf-8")
        if modify:  # a removed field (from every page: the compiler learns shapes across pages)
            text = "\n".join(ln for ln in text.split("\n") if "- name: externalUserId |" not in ln)
        if modify and rel.as_posix() == CREATE:
            lines = text.split("\n")
            i = next(i for i, ln in enumerate(lines) if ln.strip().startswith("-     WAITING_LIST:"))
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines.insert(i + 1, indent + "-     NO_SHOW: The customer did not show up.")  # a new enum value
            text = "\n".join(lines)
        pages[url] = text
    return pages


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """'Committed' contracts rebuilt from the unmodified shared docs (robust to concurrent contract edits)."""
    if not DOCS.is_dir():
        pytest.skip("../shared/wix-docs is absent: the docs half of the nightly flow needs it")
    root = tmp_path_factory.mktemp("baseline")
    write(build(DOCS, sources=DOCS_ONLY), root)
    return root


def _fetch(cache: Path, pages: dict[str, str]):
    with respx.mock(assert_all_called=False) as mock:
        for url, text in pages.items():
            mock.get(url).mock(return_value=httpx.Response(200, text=text))
        return fetch_pages(list(pages), cache, sleep=lambda s: None)


def _by(findings, **kw):
    return [f for f in findings if all(getattr(f, k) == v for k, v in kw.items())]


def test_nightly_catches_each_injected_drift_with_the_right_severity(tmp_path, baseline):
    pages = _served_pages(modify=True)
    assert pages, "no catalog page found in ../shared/wix-docs"
    res = _fetch(tmp_path / "cache", pages)
    assert [r.status for r in res] == ["new"] * len(pages)
    summary = live_run(DriftingEmulator(), tmp_path / "run")
    assert summary.fixtures and summary.created and set(summary.created) >= set(summary.cleaned)
    assert all(API_KEY not in Path(p).read_text() and SITE_ID not in Path(p).read_text() for p in summary.fixtures)

    sections, notes = nightly(tmp_path / "cache", tmp_path / "run", committed=baseline, sources=DOCS_ONLY)
    docs, drift = sections[DOCS_SECTION], sections[DRIFT_SECTION]
    # docs diff: removed field, new enum value, classified per side
    rm = _by(docs, operation="bookings.createBooking", kind="field-removed", pointer="/booking/externalUserId")
    assert {f.side: f.severity for f in rm} == {"request": "breaking", "response": "breaking"}
    en = _by(docs, operation="bookings.createBooking", kind="enum-value-added", pointer="/booking/status")
    assert {f.side: f.severity for f in en} == {"request": "informational", "response": "breaking"}
    assert all(f.example == '"NO_SHOW"' for f in en)
    # the build is compared in memory: the same findings as the diff of the same build written out
    written = tmp_path / "written"
    write(build(docs_dir_of(tmp_path / "cache"), sources=DOCS_ONLY), written)
    assert diff_roots(baseline, written) == docs
    # response drift from the emulator
    expect = {("bookings.createBooking", "undocumented-field", "/booking/loyaltyTier"): "informational",
              ("bookings.createBooking", "undocumented-enum-value", "/booking/status"): "breaking",
              ("bookings.createBooking", "type-mismatch", "/booking/revision"): "breaking",
              ("bookings.declineMultiServiceBooking", "undocumented-error-code", "/details/applicationError/code"): "breaking",
              ("bookings.declineMultiServiceBooking", "undocumented-http-status", "/status/409"): "breaking"}
    got = {(f.operation, f.kind, f.pointer): f.severity for f in drift}
    for k, sev in expect.items():
        assert got.get(k) == sev, (k, got)
    assert _by(drift, kind="undocumented-enum-value")[0].example == '"NO_SHOW"'
    assert set(got) == set(expect), got
    md = markdown(sections, notes=notes)
    assert md.splitlines()[2].startswith("**") and "breaking" in md.splitlines()[2]
    data = json.loads(as_json(sections))
    assert data["summary"]["breaking"] == sum(f.severity == "breaking" for f in docs + drift) > 0


def test_clean_nightly_reports_nothing(tmp_path, baseline):
    pages = _served_pages(modify=False)
    _fetch(tmp_path / "cache", pages)
    again = _fetch(tmp_path / "cache", pages)
    assert {r.status for r in again} == {"unchanged"}
    summary = live_run(Emulator(), tmp_path / "run")
    assert not summary.validation, summary.validation
    assert {s.scenario for s in summary.steps if s.status == "ok"} >= {"lifecycle", "multi-service decline"}
    assert len(summary.created) == 3 and summary.cleaned == []  # every booking already closed by its scenario
    sections, _ = nightly(tmp_path / "cache", tmp_path / "run", committed=baseline, sources=DOCS_ONLY)
    assert sections == {DOCS_SECTION: [], DRIFT_SECTION: []}


def test_response_drift_without_docs(tmp_path):
    """The emulator half alone, against the committed contracts (runs even without shared docs)."""
    from wixcontracts.drift.response import analyse_path

    live_run(DriftingEmulator(), tmp_path / "run")
    kinds = {(f.kind, f.severity) for f in analyse_path(tmp_path / "run").findings}
    assert ("undocumented-enum-value", "breaking") in kinds and ("undocumented-field", "informational") in kinds
    live_run(Emulator(), tmp_path / "clean")
    assert analyse_path(tmp_path / "clean").findings == []


def test_nightly_cli_writes_all_formats(tmp_path, baseline):
    from click.testing import CliRunner

    import wixcontracts.commands  # noqa: F401
    from wixcontracts.cli import app

    _fetch(tmp_path / "cache", _served_pages(modify=True))
    live_run(DriftingEmulator(), tmp_path / "run")
    args = ["nightly", "--docs-cache", str(tmp_path / "cache"), "--fixtures", str(tmp_path / "run"),
            "--contracts", str(baseline), "--docs-only", "--out", str(tmp_path / "out")]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output  # --fail-on none by default
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["nightly.json", "nightly.md", "nightly.sarif",
                                                                    "nightly.xml"]
    r = CliRunner().invoke(app, args + ["--fail-on", "breaking", "--format", "json"])
    assert r.exit_code == 1
    r = CliRunner().invoke(app, ["drift", str(tmp_path / "run"), "--fail-on", "none", "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["summary"]["breaking"] >= 4
