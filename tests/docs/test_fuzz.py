"""Mutated pages never make the compiler or the emitters raise: every problem is a diagnostic.

Each example damages one page (``mutator.mutate``: cut, drop, duplicate, insert markers,
swap, adversarial names, recursive types, deep nesting), compiles it alone or with the other
pages, then runs every emitter on every operation and named type and serialises the result.

``make test`` runs a bounded number of examples (``WIXCONTRACTS_PARSER_FUZZ``, default 300);
``make fuzz`` runs 10,000.
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
import pytest
from hypothesis import strategies as st

from wixcontracts.docs.compiler import compile_pages
from wixcontracts.docs.names import is_identifier

from ..conftest import ROOT
from .conftest_pages import base_pages
from .emit_all import dangling_refs, emit_everything
from .mutator import HypothesisChooser, mutate

PAGES = base_pages()
HINTS = json.loads((ROOT / "contracts" / "hints.json").read_text(encoding="utf-8"))
EXAMPLES = int(os.environ.get("WIXCONTRACTS_PARSER_FUZZ", 100))  # `make fuzz-docs` (CI): 10,000


@st.composite
def mutated(draw):
    path, text = draw(st.sampled_from(sorted(PAGES.items())))
    text = mutate(text, HypothesisChooser(draw))
    if draw(st.integers(0, 3)) == 0:  # with the other pages: one shape registry, names taken twice
        return {**PAGES, path: text}
    return {path: text}


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_mutated_pages_compile_and_emit_without_raising(pages):
    model = compile_pages(pages, HINTS)
    emitted = emit_everything(model)
    assert "openapi" in emitted and "catalog" in emitted
    assert dangling_refs(emitted) == []
    # names that become file names and keys are plain identifiers, whatever the page said
    assert all(is_identifier(n) for n in model.operations)
    assert all(is_identifier(n) for n in model.types) and all(is_identifier(n) for n in model.sdk_types)
    for d in model.diagnostics:
        assert d.where and d.message and d.severity in {"error", "warning", "info"}
        # the per-page safety nets (an exception turned into a diagnostic, the page or tree
        # lost) stay for what nobody foresaw; damage the fuzzer makes is handled where it is
        assert d.code not in {"page.parse-failed", "structure.failed"}, d
