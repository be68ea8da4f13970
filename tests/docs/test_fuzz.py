"""Mutated pages never make the compiler raise: every problem is a diagnostic."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wixcontracts.docs.compiler import compile_pages

from .conftest_pages import base_pages

PAGES = base_pages()
MARKERS = ["- name: ", "param name: ", "- ONE-OF: ", "- enum: ", "```", "Return type: ", "| type: ", "\n   ", "HTTP Code: 4"]


@st.composite
def mutated(draw):
    path, text = draw(st.sampled_from(sorted(PAGES.items())))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["cut", "drop", "dup", "insert", "swap"]))
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = min(len(text), i + draw(st.integers(1, 400)))
        if op == "cut":
            text = text[:i]
        elif op == "drop":
            text = text[:i] + text[j:]
        elif op == "dup":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "insert":
            text = text[:i] + draw(st.sampled_from(MARKERS + [draw(st.text(max_size=20))])) + text[i:]
        else:
            k = draw(st.integers(0, len(text) - 1))
            a, b = sorted((i, k))
            text = text[:a] + text[b:j] + text[a:b] + text[j:] if b < j else text
    return path, text


@settings(max_examples=int(__import__("os").environ.get("WIXCONTRACTS_PARSER_FUZZ", 60)), deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_mutated_pages_never_raise(page):
    path, text = page
    model = compile_pages({path: text})
    for d in model.diagnostics:
        assert d.where and d.message
