"""Download each catalog ``page`` (the ``.md`` pages) into a cache that mirrors the URL path under
``wix-docs/`` (``https://dev.wix.com/docs/api-reference/x.md`` → ``<cache>/wix-docs/api-reference/x.md``),
so ``<cache>/wix-docs`` is a docs folder ``build.build`` can read. Retries 429/5xx/transport errors with
exponential backoff (``Retry-After`` honoured). Writes are atomic; unchanged pages are not rewritten."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urlsplit

import httpx

from ..live.client import retry_after

RETRY = {429, 500, 502, 503, 504}


@dataclass
class PageResult:
    url: str
    path: Path | None
    status: str  # new | changed | unchanged | failed
    detail: str = ""


def cache_path(cache: Path, url: str) -> Path:
    path = urlsplit(url).path
    if path.startswith("/docs/"):
        path = path[len("/docs/"):]
    parts = [p for p in path.split("/") if p and p not in (".", "..")]
    if not parts:
        raise ValueError(f"{url}: no path")
    return Path(cache) / "wix-docs" / Path(*parts)


def page_urls(catalog=None) -> list[str]:
    if catalog is None:
        from ..catalog import Catalog

        catalog = Catalog()
    # the catalog links the page a person opens; the markdown rendering is that URL + ".md"
    pages = {o["page"].split("#", 1)[0] for o in catalog.operations.values() if o.get("page")}
    return sorted(p if p.endswith(".md") else p + ".md" for p in pages)


def _atomic_write(p: Path, text: str) -> None:
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, p)


def fetch_pages(urls: Iterable[str], cache: Path, *, client: httpx.Client | None = None, retries: int = 3,
                backoff: float = 0.5, max_backoff: float = 30.0,
                sleep: Callable[[float], None] = time.sleep) -> list[PageResult]:
    own = client is None
    client = client or httpx.Client(timeout=30.0, follow_redirects=True)
    out: list[PageResult] = []
    try:
        for url in urls:
            dest = cache_path(cache, url)
            text, detail = None, ""
            for attempt in range(retries + 1):
                resp = None
                try:
                    resp = client.get(url)
                except httpx.TransportError as e:
                    detail = f"{type(e).__name__}: {e}"
                else:
                    if resp.status_code == 200:
                        text = resp.text
                        break
                    detail = f"HTTP {resp.status_code}"
                    if resp.status_code not in RETRY:
                        break
                if attempt < retries:
                    ra = retry_after(resp.headers.get("retry-after")) if resp is not None else None
                    sleep(min(ra if ra is not None else backoff * 2 ** attempt, max_backoff))
            if text is None:
                out.append(PageResult(url, dest, "failed", detail))
                continue
            old = dest.read_text(encoding="utf-8") if dest.exists() else None
            if old == text:
                out.append(PageResult(url, dest, "unchanged"))
            else:
                _atomic_write(dest, text)
                out.append(PageResult(url, dest, "new" if old is None else "changed"))
    finally:
        if own:
            client.close()
    return out
