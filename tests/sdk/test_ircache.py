"""The imported IR of a verified package is cached beside it (wixcontracts.sdk.ircache): a hit equals a fresh
import, and anything doubtful is a miss."""

from __future__ import annotations

import os

import pytest

from wixcontracts.sdk import ircache, model
from wixcontracts.sdk.fetch import INTEGRITY_MARKER

from test_sdk_model import write_package  # tests/sdk is on sys.path (no __init__: rootdir-relative)


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A small package laid out as the cache lays it out: ``<dest>/package`` + the integrity marker."""
    monkeypatch.delenv("WIXCONTRACTS_NO_IR_CACHE", raising=False)
    pkg = tmp_path / "acme__widgets-1.0.0" / "package"
    pkg.mkdir(parents=True)
    write_package(pkg)
    (pkg.parent / INTEGRITY_MARKER).write_text("sha512-abc\n")
    return pkg


@pytest.fixture
def imports(monkeypatch):
    """How many times the package's files were really parsed."""
    calls = []
    real = model.import_service

    def counting(package_dir, *, internal=False):
        calls.append(package_dir)
        return real(package_dir, internal=internal)

    monkeypatch.setattr(model, "import_service", counting)
    return calls


def entries(pkg):
    return sorted(p.name for p in pkg.parent.glob("ir-*.pickle"))


def test_second_load_is_a_hit_equal_to_a_fresh_import(package, imports):
    first = model.load_service(package)
    assert len(imports) == 1 and len(entries(package)) == 1
    second = model.load_service(package)
    assert len(imports) == 1, "the entry was not used"
    assert second == first == model.import_service(package)
    assert second is not first and second.model is not first.model  # a fresh object graph each time


def test_changed_code_or_integrity_is_a_miss_and_replaces_the_entry(package, imports, monkeypatch):
    model.load_service(package)
    before = entries(package)
    monkeypatch.setattr(ircache, "code_fingerprint", lambda: "another importer")
    model.load_service(package)
    assert len(imports) == 2 and len(entries(package)) == 1 and entries(package) != before
    (package.parent / INTEGRITY_MARKER).write_text("sha512-def\n")
    model.load_service(package)
    assert len(imports) == 3
    model.load_service(package, internal=True)  # internal is part of the key
    assert len(imports) == 4


def test_the_fingerprint_covers_the_importer_source():
    names = set()
    real = ircache.Path.read_bytes

    def spy(self):
        names.add(self.name)
        return real(self)

    ircache.code_fingerprint.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(ircache.Path, "read_bytes", spy)
            ircache.code_fingerprint()
    finally:
        ircache.code_fingerprint.cache_clear()
    assert {"ir.py", "typings.py", "model.py", "events.py", "plugins.py", "operations.py", "ircache.py"} <= names


def test_a_corrupt_entry_is_a_miss_and_is_rewritten(package, imports):
    model.load_service(package)
    (entry,) = package.parent.glob("ir-*.pickle")
    entry.write_bytes(b"\x80\x05 not a pickle")
    os.chmod(entry, 0o644)
    got = model.load_service(package)
    assert len(imports) == 2 and got == model.import_service(package)
    assert model.load_service(package) == got and len(imports) == 3  # the rewritten entry is a hit again


def test_an_entry_others_can_write_is_not_loaded(package, imports):
    model.load_service(package)
    (entry,) = package.parent.glob("ir-*.pickle")
    os.chmod(entry, 0o666)
    model.load_service(package)
    assert len(imports) == 2


def test_a_folder_without_verified_integrity_is_always_parsed(tmp_path, imports, monkeypatch):
    monkeypatch.delenv("WIXCONTRACTS_NO_IR_CACHE", raising=False)
    write_package(tmp_path)
    model.load_service(tmp_path)
    model.load_service(tmp_path)
    assert len(imports) == 2 and not list(tmp_path.parent.glob("ir-*.pickle"))


def test_the_switch_turns_it_off(package, imports, monkeypatch):
    monkeypatch.setenv("WIXCONTRACTS_NO_IR_CACHE", "1")
    model.load_service(package)
    model.load_service(package)
    assert len(imports) == 2 and not entries(package)


def test_a_read_only_cache_only_costs_time(package, imports, monkeypatch):
    def refused(*a, **k):  # what a read-only cache folder answers (chmod would not stop root)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ircache.tempfile, "mkstemp", refused)
    assert model.load_service(package) == model.import_service(package)
    assert not entries(package) and len(imports) == 2
