"""Routing by a segment trie: the same operation as the former linear scan over every route (longest
literal text first, then the catalog's order), at a cost set by the URL's segments, not by how many
operations there are.  (No timing asserts: the walk's steps are counted.)"""

from __future__ import annotations

import random
import re
from urllib.parse import unquote, urlsplit

import pytest

from wixcontracts.catalog import Catalog
from wixcontracts.validate.exchange import Router, _group, template_regex

UUID = "5fa50f19-4c94-4c42-a72b-289505ba2028"


class LinearRouter:
    """The router as it was: every route's regex in turn."""

    def __init__(self, operations):
        self.routes = []
        for name, op in operations.items():
            method = (op.get("method") or "").upper()
            for tpl in [op.get("path"), *(op.get("aliases") or [])]:
                if tpl:
                    names = {_group(p[1:-1]): p[1:-1] for p in re.findall(r"\{[^{}/]+\}", tpl)}
                    self.routes.append((method, template_regex(tpl), names, name))
        self.routes.sort(key=lambda r: -len(re.sub(r"\(\?P<[^>]+>\[\^/\]\+\)", "", r[1].pattern)))

    def match(self, method, url):
        parts = urlsplit(url)
        for m, rx, names, op in self.routes:
            if m and m != method.upper():
                continue
            hit = rx.fullmatch(parts.path or "/")
            if hit:
                return op, {names[g]: unquote(v) for g, v in hit.groupdict().items()}, parts.netloc
        return None


@pytest.fixture(scope="module")
def operations():
    return Catalog().operations


def urls(operations, seed=7):
    rnd = random.Random(seed)
    values = ["abc", UUID, "a%2Fb", "x:setDefault", "v2", "bookings", "", "query", "%E2%9C%93"]
    out = []
    for o in operations.values():
        for tpl in [o["path"], *(o.get("aliases") or [])]:
            for _ in range(4):
                u = re.sub(r"\{[^{}/]+\}", lambda m: rnd.choice(values), tpl)
                u += rnd.choice(["", "", "/", "/extra", "//"])
                if rnd.random() < 0.1:
                    u = u.replace("/v2/", "/v3/")
                for method in (o["method"], rnd.choice(["GET", "POST", "PATCH", "DELETE", "PUT", "get"])):
                    out.append((method, rnd.choice(["https://www.wixapis.com", "http://localhost:8080", ""]) + u
                                + rnd.choice(["", "?a=1", "#f"])))
    return out


def test_the_trie_routes_as_the_linear_scan_did(operations):
    trie, linear = Router(operations), LinearRouter(operations)
    cases = urls(operations)
    assert len(cases) > 4000
    assert sum(linear.match(m, u) is not None for m, u in cases) > len(cases) / 3  # both outcomes occur
    want = [linear.match(m, u) for m, u in cases]
    assert [trie.match(m, u) for m, u in cases] == want
    assert [trie.match(m, u) for m, u in cases] == want  # again, from its cache of recent paths
    hit = trie.match("GET", cases[0][1])
    if hit:  # each answer is the caller's own
        hit[1]["changed"] = "x"
        assert "changed" not in trie.match("GET", cases[0][1])[1]


def test_literal_segments_beat_parameters():
    ops = {"a.byId": {"method": "GET", "path": "/v1/items/{id}"},
           "a.special": {"method": "GET", "path": "/v1/items/special"},
           "a.colon": {"method": "POST", "path": "/v1/items/{id}:cancel"},
           "a.any": {"method": "", "path": "/v1/{kind}/list"},
           "a.archive": {"method": "GET", "path": "/v1/items/{id}:archive"},
           "a.cancelIt": {"method": "POST", "path": "/v1/items/{id}/cancel"}}
    r = Router(ops, cache_size=0)
    assert r.match("GET", "/v1/items/special")[0] == "a.special"
    assert r.match("GET", "/v1/items/other") == ("a.byId", {"id": "other"}, "")
    assert r.match("POST", "https://h/v1/items/7:cancel/") == ("a.colon", {"id": "7"}, "h")
    assert r.match("PATCH", "/v1/items/list")[0] == "a.any"
    assert r.match("GET", "/v1/items/") is None and r.match("DELETE", "/v1/items/7") is None
    # a last segment the table of last ids cannot answer: a literal, a mixed segment's match, empty
    assert r.match("GET", "/v1/items/7:archive") == ("a.archive", {"id": "7"}, "")
    assert r.match("GET", "/v1/items/7:other") == ("a.byId", {"id": "7:other"}, "")
    assert r.match("GET", "/v1/items/a%2Fb") == ("a.byId", {"id": "a/b"}, "")
    # the same for an id before a last literal segment
    assert r.match("POST", "/v1/items/7/cancel") == ("a.cancelIt", {"id": "7"}, "")
    assert r.match("POST", "/v1/items/special/cancel") == ("a.cancelIt", {"id": "special"}, "")
    assert r.match("POST", "/v1/items//cancel") is None and r.match("GET", "/v1/items/7//") is None


def test_routing_cost_follows_the_segments_not_the_operations(operations):
    """Ten times the operations (every route copied under ten other prefixes): routing a URL looks up the
    same trie nodes, no more than a few per segment (each node's literal children are counted)."""
    many = dict(operations)
    for k in range(10):
        for oid, o in operations.items():
            many[f"copy{k}.{oid}"] = {**o, "path": f"/copy{k}{o['path']}",
                                      "aliases": [f"/copy{k}{a}" for a in o.get("aliases") or []]}
    small, big = Router(operations, cache_size=0), Router(many, cache_size=0)
    visits = [0]

    class Counting(dict):
        def get(self, *args):
            visits[0] += 1
            return super().get(*args)

    def count(node):
        node.literal = Counting(node.literal)
        for child in [*node.literal.values(), *(c for _rx, c in node.patterns), node.param]:
            if child is not None:
                count(child)

    for router in (small, big):
        for trie in router._tries.values():
            count(trie)
    cases = urls(operations, seed=11)
    walked = 0
    for method, url in cases:
        visits[0] = 0
        hit = small.match(method, url)
        n_small = visits[0]
        walked += n_small > 0
        visits[0] = 0
        assert big.match(method, url) == hit
        assert visits[0] == n_small <= 3 * len(urlsplit(url).path.split("/")) + 2
    assert walked > len(cases) / 4  # not every URL is answered by the tables of literal paths and last ids


def test_the_route_table_is_still_there(operations):
    """``Router.routes`` (the linear router's table, in the order routes win) stays for code that indexes
    the routes itself (the pytest plugin's bucketed router)."""
    table = [(m, rx.pattern, names, op) for m, rx, names, op in Router(operations).routes]
    assert table == [(m, rx.pattern, names, op) for m, rx, names, op in LinearRouter(operations).routes]


def test_urls_split_as_urlsplit_does():
    from wixcontracts.validate.exchange import split_url

    rnd = random.Random(5)
    alphabet = "ab:/?#@.-+%1 \t[]Ü~"
    cases = ["https://www.wixapis.com/a/b?x=1#f", "/a/b", "a/b", "http:/a", "mailto:x@y", "localhost:8080/a",
             "host:8080", "//h/p", "HTTPS://H/P", "", "?q", "#f", "http://[::1]/x", "x:y:z/p", "1abc:/p",
             "https://h?x#y?z", "https://h/p?", " https://h/p", "https://h/p\n"]
    cases += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 16))) for _ in range(20_000)]
    # the one-regex path for the usual scheme-and-host prefix, followed by anything
    cases += [rnd.choice(["https://", "http://", "https:", "HTTPS://", "https:///"])
              + "".join(rnd.choice(alphabet + "\x00\x7f") for _ in range(rnd.randint(0, 16))) for _ in range(20_000)]
    for url in cases:
        try:
            parts = urlsplit(url)
            want = (parts.netloc, parts.path, parts.query)
        except ValueError:
            with pytest.raises(ValueError):
                split_url(url)
            continue
        assert split_url(url) == want, url
