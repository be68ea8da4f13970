"""Where the committed artefacts live: the repo checkout, or the installed package."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


class DataMissing(RuntimeError):
    """The committed contracts are not where they should be (a partial copy or a broken install): one line."""


def data_root() -> Path:
    """Folder holding ``schemas/`` and ``contracts/``."""
    repo = _PKG.parent
    if (repo / "contracts" / "catalog.json").exists():
        return repo
    return _PKG / "_data"
