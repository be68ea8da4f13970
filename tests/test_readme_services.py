"""The README's services table is the catalog's."""

from __future__ import annotations

import re

from wixcontracts.build import ROOT
from wixcontracts.catalog import Catalog


def test_services_table_matches_the_catalog():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| `(@wix/[^`]+)@([0-9.]+)` \| ([^|]+) \|", text, re.M)
    cat = Catalog()
    assert {r[0] for r in rows} == set(cat.services), "every service once"
    for slug, package, version, ops in rows:
        s = cat.services[slug]
        assert (package, version) == (s["package"], s["version"]), slug
        want = str(s["operations"]) if s["kind"] == "rest" else "service plugin"
        assert ops.strip() == want, slug
