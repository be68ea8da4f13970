"""Determinism and the committed output."""

from __future__ import annotations

import json

import pytest

from wixcontracts.build import ROOT, build, write


@pytest.fixture(scope="module")
def fresh(fresh_build):
    """A fresh build from the docs + the pinned SDK typings (the test process's own, tests/conftest.py)."""
    return fresh_build


@pytest.mark.slow
def test_committed_output_matches_a_fresh_build(fresh):
    res = fresh
    stale = [rel for rel, text in res.files.items()
             if not (ROOT / rel).exists() or (ROOT / rel).read_text(encoding="utf-8") != text]
    assert stale == [], f"committed schemas/contracts differ from a fresh build; run `make schemas`: {stale[:5]}"
    committed = {p.relative_to(ROOT).as_posix() for p in (ROOT / "schemas").rglob("*.json")}
    assert committed <= set(res.files), f"stale files: {sorted(committed - set(res.files))[:5]}"


@pytest.mark.slow
def test_two_builds_are_byte_identical(docs_dir, fresh, tmp_path):
    a, b = fresh, build(docs_dir)
    assert a.files == b.files
    write(a, tmp_path)
    assert (tmp_path / "contracts" / "catalog.json").read_text() == a.files["contracts/catalog.json"]
    assert write(a, tmp_path) == []  # nothing changes on a rewrite


def test_docs_only_builds_are_byte_identical(docs_dir):
    a, b = build(docs_dir, sources=("docs",)), build(docs_dir, sources=("docs",))
    assert a.files == b.files and a.operations == 3
    assert list(a.api.services) == ["bookings"]  # the pages' URL paths name the service


def test_provenance_on_every_property(fresh):
    res = fresh
    missing = []

    def walk(node, where):
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if "x-wix-source" not in sub:
                    missing.append(f"{where}/{name}")
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    for rel, text in res.files.items():
        if rel.startswith("schemas/") and ".error." not in rel and ".path." not in rel:
            walk(json.loads(text), rel)
    assert missing == []


def test_no_docs_prose_in_the_repository(docs_dir):
    """No 12-word run of the pages' text in any committed file (facts and links only).
    Links are facts we must carry (provenance), so URLs are left out on both sides."""
    import re
    import subprocess

    def words(t):
        return re.findall(r"[A-Za-z][A-Za-z'’-]+", re.sub(r"https?://\S+", " ", t).lower())

    from wixcontracts.docs.lexer import segments

    shingles = set()
    for p in docs_dir.rglob("*.md"):
        # example code (curl bodies, SDK snippets) is data the catalog keeps on purpose
        text = " ".join(s.text for s in segments(p.read_text(encoding="utf-8", errors="replace"))
                        if s.lang not in {"curl", "javascript"})
        w = words(text)
        shingles.update(" ".join(w[i:i + 12]) for i in range(len(w) - 11))
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    hits = []
    for rel in files:
        p = ROOT / rel
        if not p.is_file() or p.stat().st_size > 5_000_000:
            continue
        try:
            w = words(p.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue
        if any(" ".join(w[i:i + 12]) in shingles for i in range(len(w) - 11)):
            hits.append(rel)
    assert hits == []
