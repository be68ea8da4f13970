"""``wixcontracts docs fetch``."""

from __future__ import annotations

from pathlib import Path

import typer

from ..cli import _console

docs_app = typer.Typer(add_completion=False, no_args_is_help=True, help="The Wix docs cache.")


@docs_app.command("fetch")
def fetch(cache: Path = typer.Option(Path(".docs-cache"), "--cache", help="cache dir (pages go to <cache>/wix-docs)"),
          retries: int = typer.Option(3, help="retries per page")) -> None:
    """Download every catalog page into the docs cache; summary of changed/unchanged/failed."""
    from .fetch import fetch_pages, page_urls

    res = fetch_pages(page_urls(), cache, retries=retries)
    con = _console()
    for r in res:
        colour = {"failed": "red", "changed": "yellow", "new": "yellow"}.get(r.status, "dim")
        con.print(f"  [{colour}]{r.status:9}[/] {r.url} {r.detail}")
    n = {k: sum(r.status == k for r in res) for k in ("new", "changed", "unchanged", "failed")}
    con.print(f"{len(res)} pages: {n['new'] + n['changed']} changed ({n['new']} new), {n['unchanged']} unchanged, "
              f"{n['failed']} failed → {cache / 'wix-docs'}")
    if n["failed"]:
        raise typer.Exit(1)
