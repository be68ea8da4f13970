"""`docs fetch` against a respx-mocked docs host: cache layout, retries with backoff, summary."""

from __future__ import annotations

import httpx
import respx
from click.testing import CliRunner

from wixcontracts.catalog import Catalog
from wixcontracts.docsfetch.fetch import cache_path, fetch_pages, page_urls

A = "https://dev.wix.com/docs/api-reference/x/create-booking.md"
B = "https://dev.wix.com/docs/velo/apis/y/cancel-booking.md"


def test_cache_path_mirrors_url():
    assert cache_path("c", A).as_posix() == "c/wix-docs/api-reference/x/create-booking.md"
    urls = page_urls(Catalog())
    assert urls and all(u.endswith(".md") for u in urls)


@respx.mock
def test_retries_then_summary(tmp_path):
    respx.get(A).mock(side_effect=[httpx.Response(503), httpx.Response(429, headers={"retry-after": "3"}),
                                   httpx.Response(200, text="page A")])
    respx.get(B).mock(side_effect=[httpx.ConnectError("down")] * 3)
    sleeps = []
    res = fetch_pages([A, B], tmp_path, retries=2, backoff=0.5, sleep=sleeps.append)
    assert [r.status for r in res] == ["new", "failed"]
    assert sleeps == [0.5, 3.0, 0.5, 1.0]
    assert (tmp_path / "wix-docs/api-reference/x/create-booking.md").read_text() == "page A"
    respx.get(A).mock(return_value=httpx.Response(200, text="page A v2"))
    respx.get(B).mock(return_value=httpx.Response(200, text="page B"))
    assert [r.status for r in fetch_pages([A, B], tmp_path, sleep=sleeps.append)] == ["changed", "new"]
    assert [r.status for r in fetch_pages([A], tmp_path, sleep=sleeps.append)] == ["unchanged"]


def test_cli_summary(tmp_path):
    import wixcontracts.commands  # noqa: F401
    from wixcontracts.cli import app

    with respx.mock:
        for u in page_urls(Catalog()):
            respx.get(u).mock(return_value=httpx.Response(200, text="# page"))
        r = CliRunner().invoke(app, ["docs", "fetch", "--cache", str(tmp_path)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "0 failed" in r.output and "unchanged" in r.output
