"""The imported IR of a verified SDK package, kept beside the package in the cache.

Parsing the 34 pinned packages with tree-sitter is most of a whole-API build (about 1.1 s of 1.5 s on a quiet
core); reading back what an earlier import produced takes about 0.2 s.  An entry is used only when all of
these hold, else the package is parsed again and the entry rewritten:

* the package folder came from the cache with a verified integrity (``fetch``'s marker beside ``package/``);
  a plain folder given as ``--sdk DIR`` is always parsed, its files may change;
* the entry's key matches: the package's integrity, ``internal``, the bytes of every module that shapes the
  result (``wixcontracts/ir.py`` and ``wixcontracts/sdk/*.py``), the tree-sitter versions and Python's;
* the file belongs to this user and only this user can write it (it is a pickle: it must be ours).

Any problem reading an entry is a miss, never an error; writing is atomic (temporary file + rename) and a
failure to write is ignored.  ``WIXCONTRACTS_NO_IR_CACHE=1`` turns the cache off."""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable, TypeVar

from .fetch import read_integrity

T = TypeVar("T")
PREFIX = "ir-"
SUFFIX = ".pickle"
_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """What the import's result depends on besides the package: our importer's source and the parser's version."""
    from importlib import metadata

    h = hashlib.sha256(sys.version.encode())
    for dist in ("tree-sitter", "tree-sitter-typescript"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=-".encode())
    for p in [_HERE.parent / "ir.py", *sorted(_HERE.glob("*.py"))]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def enabled() -> bool:
    return os.environ.get("WIXCONTRACTS_NO_IR_CACHE", "") in ("", "0")


def entry_path(package_dir: Path, *, internal: bool) -> Path | None:
    """Where the entry of ``package_dir`` lives, or None when the folder has no verified integrity."""
    integrity = read_integrity(package_dir)
    if integrity is None:
        return None
    key = hashlib.sha256(f"{integrity}|{internal}|{code_fingerprint()}".encode()).hexdigest()[:32]
    return Path(package_dir).parent / f"{PREFIX}{key}{SUFFIX}"


def _trusted(path: Path) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    return (getuid is None or st.st_uid == getuid()) and not st.st_mode & 0o022


def load(path: Path) -> object | None:
    if not _trusted(path):
        return None
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - a truncated, stale or foreign entry is a miss
        return None


def store(path: Path, value: object) -> None:
    """Atomically write ``value``; the package's older entries (other keys) are removed."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".ir-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in path.parent.glob(f"{PREFIX}*{SUFFIX}"):
            if old != path:
                old.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - a read-only cache only costs time
        pass


def cached(package_dir: Path, internal: bool, produce: Callable[[], T]) -> T:
    """``produce()``'s result for ``package_dir``, from the cache when a valid entry exists."""
    path = entry_path(package_dir, internal=internal) if enabled() else None
    if path is None:
        return produce()
    hit = load(path)
    if hit is not None:
        return hit  # type: ignore[return-value]
    value = produce()
    store(path, value)
    return value
