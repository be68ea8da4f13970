"""Compile-speed benchmark: the shared pages, and a synthetic corpus of >=200 pages made
by renaming the shared pages' operations (and the test snippet when shared/ is absent)."""

from __future__ import annotations

import re
import time

from .build import default_docs_dir, load_hints
from .docs.compiler import compile_pages, load_pages


def synthetic_corpus(pages: dict[str, str], n: int = 200) -> dict[str, str]:
    out = {}
    base = sorted(pages.items())
    for i in range(n):
        path, text = base[i % len(base)]
        title = re.search(r"^# (\w+)", text, re.M)
        name = title.group(1) if title else "Page"
        new = f"{name}V{i}"
        t = text.replace(name, new).replace(name[:1].lower() + name[1:], new[:1].lower() + new[1:])
        out[path.replace(".md", f"-{i}.md")] = t
    return out


def measure(pages: dict[str, str], hints: dict, repeat: int = 3) -> tuple[float, int]:
    size = sum(len(t.encode()) for t in pages.values() if isinstance(t, str))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        compile_pages(pages, hints)
        best = min(best, time.perf_counter() - t0)
    return best, size


_WHOLE = """
import json, resource, sys, time, tracemalloc
from pathlib import Path
from wixcontracts.build import build
docs = Path(sys.argv[1])
tracemalloc.start()
t0 = time.perf_counter()
res = build(docs if docs.is_dir() else None, sources=("docs", "sdk") if docs.is_dir() else ("sdk",))
secs = time.perf_counter() - t0
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
t0 = time.perf_counter()
build(docs if docs.is_dir() else None, sources=("docs", "sdk") if docs.is_dir() else ("sdk",))
untraced = time.perf_counter() - t0
print(json.dumps({"seconds": untraced, "traced_seconds": secs, "python_peak": peak,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "services": len(res.api.services), "operations": res.operations, "files": len(res.files),
                  "bytes": sum(len(t) for t in res.files.values())}))
"""


def whole_api(docs) -> tuple[str, str] | None:
    """Build the whole API (docs + every pinned SDK package, from the cache) in a fresh process: its time,
    and its peak memory (Python allocations, and the process's resident set)."""
    import json
    import subprocess
    import sys

    from .build import ROOT

    p = subprocess.run([sys.executable, "-c", _WHOLE, str(docs)], cwd=ROOT, capture_output=True, text=True,
                       timeout=600)
    if p.returncode != 0:
        return ("build the whole API", f"unavailable: {(p.stderr.strip().splitlines() or ['?'])[-1][:120]}")
    m = json.loads(p.stdout)
    return (f"build the whole API ({m['services']} services, {m['operations']} operations, {m['files']} files)",
            f"{m['seconds']:.2f} s; peak {m['python_peak'] / 2**20:.0f} MiB Python, {m['rss'] / 2**20:.0f} MiB "
            f"resident; writes {m['bytes'] / 2**20:.1f} MiB")


def scaling(pages: dict[str, str], hints: dict, sizes=(60, 240)) -> tuple[str, str]:
    """How compile time grows with the corpus: the exponent k of time ~ size^k between two sizes (CPU time, best
    of 3), and the peak of Python allocations during a compile against the corpus's size."""
    import math
    import tracemalloc

    times, sizes_b = [], []
    for n in sizes:
        corpus = synthetic_corpus(pages, n)
        sizes_b.append(sum(len(t.encode()) for t in corpus.values()))
        best = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            compile_pages(corpus, hints)
            best = min(best, time.process_time() - t0)
        times.append(best)
    k = math.log(times[-1] / times[0]) / math.log(sizes_b[-1] / sizes_b[0])
    corpus = synthetic_corpus(pages, sizes[0])
    size = sum(len(t.encode()) for t in corpus.values())
    tracemalloc.start()
    try:
        compile_pages(corpus, hints)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (f"compile scaling ({sizes[0]} -> {sizes[-1]} pages) and peak memory",
            f"time ~ size^{k:.2f} (target: linear); peak {peak / size:.1f}x the input "
            f"({peak / 2**20:.0f} MiB for {size / 2**20:.1f} MiB; target <= 5x)")


def run() -> list[tuple[str, str]]:
    from .build import ROOT

    hints = load_hints(ROOT / "contracts" / "hints.json")
    docs = default_docs_dir()
    if docs.is_dir():
        pages = load_pages(docs)
    else:
        import sys

        sys.path.insert(0, str(ROOT))
        from tests.docs.snippets import LIVE, collapse  # type: ignore

        pages = {"snippet/live.md": LIVE, "snippet/collapsed.md": collapse(LIVE)}
    rows = []
    for label, corpus in (("shared pages", pages), ("synthetic corpus", synthetic_corpus(pages, 240))):
        secs, size = measure(corpus, hints)
        mbps = size / secs / 1e6
        rows.append((f"compile {label} ({len(corpus)} pages, {size / 1e3:.0f} kB)",
                     f"{secs * 1e3:.1f} ms, {mbps:.2f} MB/s ({mbps:.1f}x the 1 MB/s target)"))
    rows.append(scaling(pages, hints))
    rows.append(whole_api(docs))
    return rows


if __name__ == "__main__":
    for k, v in run():
        print(f"{k:55} {v}")
