from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT.parent / "shared" / "wix-docs"
NO_DOCS = "../shared/wix-docs is absent (a user's clone has no shared docs); whole-page tests need it"


@pytest.fixture(scope="session")
def docs_dir() -> Path:
    if not DOCS.is_dir():
        pytest.skip(NO_DOCS)
    return DOCS


@pytest.fixture(scope="session")
def fresh_build(docs_dir):
    """One fresh whole-API build per test process (the docs + the pinned SDK typings, fetched with npm pack),
    for the tests that only read it (a determinism test builds again itself)."""
    from wixcontracts.build import SourceError, build

    try:
        return build(docs_dir)
    except SourceError as e:
        pytest.skip(f"the pinned SDK typings package is unavailable here ({e}); the docs-only build is tested "
                    "elsewhere")


@pytest.fixture(scope="session")
def hints() -> dict:
    return json.loads((ROOT / "contracts" / "hints.json").read_text())


@pytest.fixture(scope="session")
def model(docs_dir, hints):
    from wixcontracts.docs.compiler import compile_pages, load_pages

    return compile_pages(load_pages(docs_dir), hints)


def pytest_collection_modifyitems(config, items):
    """Slow tests first (a stable sort): started last, one of them would keep a worker busy while the other idles."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_configure(config):
    """``pytester`` for every folder whose tests run pytest inside pytest (the plugin's, the events')."""
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")


def pytest_collection_finish(session):
    """The collector tuned for a test worker: what collection made (modules, strategies, parametrized data) is
    moved out of its sight (``gc.freeze``), and the young generation is collected every 100,000 new objects
    instead of 700.  It took ~20% of the workers' CPU, walking the same long-lived schemas and models over and
    over; now ~4%, for ~40-80 MiB more resident.  Tests that count cycles call ``gc.collect()`` themselves."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)
