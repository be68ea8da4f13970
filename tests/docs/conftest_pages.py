from __future__ import annotations

from ..conftest import DOCS
from .snippets import LIVE, collapse


def base_pages() -> dict[str, str]:
    """Real pages when ../shared is there, else the test snippets in both dialects."""
    pages = {"snippet/live.md": LIVE, "snippet/collapsed.md": collapse(LIVE)}
    if DOCS.is_dir():
        for p in sorted(DOCS.rglob("*.md")):
            pages[p.relative_to(DOCS).as_posix()] = p.read_text(encoding="utf-8")
    return pages
