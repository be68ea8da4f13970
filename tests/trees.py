"""Copies of the checkout's trees for tests that only read them: hard links where the file system allows."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or links refused: a real copy
        shutil.copy2(src, dst)


def link_tree(src: Path, dst: Path) -> None:
    """``dst`` holds ``src``'s files as hard links (copying the 2,000 committed schema files was seconds of
    system time).  Only code that replaces files (a build's writes do) may touch them; edit one with
    :func:`replace_text`, never through the link, which is the checkout's own file."""
    shutil.copytree(src, dst, copy_function=_link)


def replace_text(path: Path, text: str) -> None:
    """New contents for a file of a :func:`link_tree` copy: the link is removed first."""
    path.unlink()
    path.write_text(text)
