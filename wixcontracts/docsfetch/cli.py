"""``wixcontracts docs fetch``: the catalog's docs pages into a local cache (``fetch.py``)."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import Format, console, emit_rows, fail, format_option, sub_app

docs_app = sub_app("docs", "The Wix docs cache.")


@docs_app.command("fetch")
@click.option("--cache", type=click.Path(path_type=Path), default=Path(".docs-cache"), show_default=True,
              help="cache dir (pages go to <cache>/wix-docs)")
@click.option("--retries", type=click.IntRange(0, None), default=3, show_default=True, help="retries per page")
@format_option
def fetch(
    cache: Path = Path(".docs-cache"),
    retries: int = 3,
    fmt: Format = Format.text,
) -> None:
    """Download every catalog page into the docs cache; summary of changed/unchanged/failed (exit 1 if any failed)."""
    from .fetch import fetch_pages, page_urls

    if cache.exists() and not cache.is_dir():
        fail(f"--cache {cache}: not a folder")
    urls = page_urls()
    if not urls:
        fail("the catalog names no docs pages to fetch")
    try:
        res = fetch_pages(urls, cache, retries=retries)
    except OSError as e:
        fail(f"cannot write the docs cache under {cache}: {e.strerror or e}")
    emit_rows(("status", "url", "detail"), [[r.status, r.url, r.detail] for r in res], fmt,
              styles={"status": {"failed": "red", "changed": "yellow", "new": "yellow"}})
    n = {k: sum(r.status == k for r in res) for k in ("new", "changed", "unchanged", "failed")}
    console(stderr=True).print(f"{len(res)} pages: {n['new'] + n['changed']} changed ({n['new']} new), "
                               f"{n['unchanged']} unchanged, {n['failed']} failed → {cache / 'wix-docs'}")
    if n["failed"]:
        raise click.exceptions.Exit(1)
