"""The docs compiler's resource behaviour (no timing asserts; ``make bench`` measures time and memory):
the compile makes no reference cycles to leave for the garbage collector, leaves the collector as it found
it, and peaks at a few times its input."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from wixcontracts.bench_compile import synthetic_corpus
from wixcontracts.docs.compiler import compile_pages, load_pages


@pytest.fixture(scope="module")
def corpus(docs_dir):
    return synthetic_corpus(load_pages(docs_dir), 20)


def test_the_compile_leaves_no_cycles_and_the_collector_as_it_was(corpus, hints):
    was = gc.isenabled()
    try:
        gc.collect()
        gc.disable()
        model = compile_pages(corpus, hints)
        assert not gc.isenabled()  # left as found
        assert gc.collect() < 100  # its trees were taken apart: nothing for the collector
        assert model.operations
        gc.enable()
        compile_pages(corpus, hints)
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_the_compile_peaks_at_a_few_times_its_input(corpus, hints):
    size = sum(len(t.encode()) for t in corpus.values())
    gc.collect()
    tracemalloc.start()
    try:
        compile_pages(corpus, hints)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6 * size, f"{peak / size:.1f}x"  # 4.8x measured (make bench); it was 9.5x
