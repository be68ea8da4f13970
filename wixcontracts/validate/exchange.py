"""Finding the operation of an HTTP exchange from its method and URL.

The routes (every operation's canonical path and aliases) are a trie of path segments per method, so
routing costs a walk over the URL's segments, whatever the number of operations.  Which route wins when
several match is unchanged: the one with the longest literal text (then the catalog's order), which makes
literal segments beat parameters.  Most Wix paths are answered before any walk, by two tables of the walk's
own answers worked out when the router is made: the paths without parameters, and the paths whose one
parameter is an id in the last or last but one segment."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from ..ir import WIX_API  # noqa: E402

WIX_HOST = urlsplit(WIX_API).netloc
_PARAM = re.compile(r"\{[^{}/]+\}")
_ORDER = 1 << 32  # a route's priority: -(literal text length) * _ORDER + its position (lower wins)
_WORST = 1 << 62
_GROUP = re.compile(r"\(\?P<[^>]+>\[\^/\]\+\)")


def template_regex(template: str) -> re.Pattern:
    parts = re.split(r"(\{[^{}/]+\})", template.rstrip("/"))
    rx = "".join(f"(?P<{_group(p[1:-1])}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(rx + "/?")


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


class _Node:
    __slots__ = ("literal", "patterns", "param", "routes", "best")

    def __init__(self):
        self.literal: dict[str, _Node] = {}
        self.patterns: list[tuple[re.Pattern, _Node]] = []  # a segment mixing text and a parameter
        self.param: _Node | None = None  # a whole-segment parameter
        self.routes: list[tuple[int, str, list[str]]] = []  # (priority, operation, parameter names)
        self.best: int = _WORST  # the best priority of a route under this node


class Router:
    def __init__(self, operations: dict[str, dict], *, cache_size: int = 4096):
        """``cache_size``: how many recent (method, path) answers to keep (a test suite asks for the same
        paths again and again); 0 for none."""
        self._cache_size = cache_size
        self._operations = operations
        self._routes: list | None = None
        self._tries: dict[str, _Node] = {}
        literals: set[str] = set()  # every literal segment of every route
        mixed: list[str] = []  # the regexes of segments mixing text and a parameter (``{id}:cancel``)
        hints: set[str] = set()  # one character of each one's text (``:``): a segment without any is no match
        n = 0
        for name, method, tpl in _templates(operations):
            # the former linear scan's order: longer literal text first, then the catalog's order
            priority = -len(_GROUP.sub("", template_regex(tpl).pattern)) * _ORDER + n
            n += 1
            node = self._tries.setdefault(method, _Node())
            names: list[str] = []
            for seg in _segments(tpl.rstrip("/")):
                params = _PARAM.findall(seg)
                if not params:
                    literals.add(seg)
                    node = node.literal.setdefault(seg, _Node())
                elif len(params) == 1 and params[0] == seg:
                    names.append(seg[1:-1])
                    node.param = node.param or _Node()
                    node = node.param
                else:
                    rx = template_regex(seg)
                    rx = re.compile(rx.pattern[:-2])  # one segment: no trailing slash
                    mixed.append(_GROUP.sub("[^/]+", rx.pattern))
                    hints.add(max(_PARAM.split(seg), key=len)[0])
                    names.extend(p[1:-1] for p in params)
                    hit = next((child for r, child in node.patterns if r.pattern == rx.pattern), None)
                    if hit is None:
                        hit = _Node()
                        node.patterns.append((rx, hit))
                    node = hit
            node.routes.append((priority, name, names))
        for trie in self._tries.values():
            _sort(trie)
        self._any = self._tries.get("")
        self._literals = frozenset(literals)
        self._mixed = re.compile("|".join(f"(?:{m})" for m in mixed)).fullmatch if mixed else None
        self._hints = "".join(sorted(hints))
        # two tables of the walk's own answers, worked out once (kept whatever ``cache_size``):
        # * the paths of routes without parameters (create, query, bulk...);
        # * routes whose one parameter is the last or the last but one segment, the others literal
        #   (``/bookings/v2/bookings/{id}``, ``/bookings/v2/bookings/{id}/cancel``): any segment there that the
        #   walk cannot tell from an id (not empty, no route's literal segment, matching no mixed segment) takes
        #   the same way, so the answer for one such segment holds for all.  Key: (method, the path before the
        #   id, the segment after it or None)
        self._ids: dict[tuple[str, str, str | None], tuple[str, str]] = {}  # (empty while it is worked out)
        self._exact: dict[tuple[str, str], tuple[str, dict[str, str]] | None] = {}
        probe = "\x00"
        assert probe not in literals and not (self._mixed and self._mixed(probe))
        ids = {}
        for _name, method, tpl in _templates(operations):
            if not method:
                continue
            if "{" not in tpl:
                self._exact[(method, tpl)] = self._match(method, tpl)
            segs = tpl.rstrip("/").split("/")
            for at in (-1, -2):
                before, after = "/".join(segs[:at]), segs[-1] if at == -2 else None
                if len(segs) + at < 1 or not _PARAM.fullmatch(segs[at]) or "{" in before or (after and "{" in after):
                    continue
                hit = self._match(method, "/".join([before, probe] if after is None else [before, probe, after]))
                if hit is not None and list(hit[1].values()) == [probe]:
                    ids[(method, before, after)] = (hit[0], next(iter(hit[1])))
        self._ids = ids
        self._known = dict(self._exact)  # the table, then the recent answers (``cache_size`` of them)

    @property
    def routes(self) -> list[tuple[str, re.Pattern, dict[str, str], str]]:
        """Every route as (method, regex, {group: parameter}, operation), in the order they win: the former
        linear router's table, for code that indexes the routes itself (matching uses the trie)."""
        if self._routes is None:
            routes = []
            for name, method, tpl in _templates(self._operations):
                names = {_group(p[1:-1]): p[1:-1] for p in _PARAM.findall(tpl)}
                routes.append((method, template_regex(tpl), names, name))
            routes.sort(key=lambda r: -len(_GROUP.sub("", r[1].pattern)))
            self._routes = routes
        return self._routes

    def match(self, method: str, url: str) -> tuple[str, dict[str, str], str] | None:
        """(operation, path params, host) or None."""
        host, path, _query = split_url(url)
        return self.match_path(method, path, host)

    def match_path(self, method: str, path: str, host: str = "") -> tuple[str, dict[str, str], str] | None:
        """:meth:`match` for a URL already split."""
        key = (method, path)
        hit = self._known.get(key, False)
        if hit is False:  # worked out afresh: its parameters are the caller's
            hit = self._match(method, path)
            if self._cache_size:
                if len(self._known) >= self._cache_size + len(self._exact):
                    self._known = dict(self._exact)
                self._known[key] = hit if hit is None else (hit[0], dict(hit[1]))
            return None if hit is None else (hit[0], hit[1], host)
        if hit is None:
            return None
        return hit[0], dict(hit[1]), host

    def _plain(self, seg: str) -> bool:
        """No mixed segment (``{id}:cancel``) matches ``seg``."""
        for ch in self._hints:
            if ch in seg:
                return not self._mixed(seg)  # type: ignore[misc]
        return True

    def _match(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        path = path or "/"
        if path.endswith("/") and len(path) > 1:
            path = path[:-1]
        if self._ids:
            parent, _, last = path.rpartition("/")
            hit = self._ids.get((method, parent, None))
            if hit is not None:
                seg = last
            else:
                parent, _, seg = parent.rpartition("/")
                hit = self._ids.get((method, parent, last))
            if hit is not None and seg and seg not in self._literals and self._plain(seg):
                return hit[0], {hit[1]: unquote(seg) if "%" in seg else seg}
        segs = path.split("/")
        trie = self._tries.get(method if method.isupper() else method.upper())
        best = _find(trie, segs, _WORST, self._plain) if trie is not None else None
        if self._any is not None:  # routes of no particular method
            hit = _find(self._any, segs, best[0] if best is not None else _WORST, self._plain)
            if hit is not None:
                best = hit
        if best is None:
            return None
        _prio, op, names, values = best
        if "%" in path:
            return op, {k: unquote(v) if "%" in v else v for k, v in zip(names, values)}
        if len(names) == 1:  # the usual one (dict(zip()) costs four times as much)
            return op, {names[0]: values[0]}
        return op, dict(zip(names, values))


_PLAIN_URL = re.compile(r"(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#.*)?", re.S)
_ODD = re.compile(r"[\x00-\x20\[\]\x7f]")


# the usual ``http(s)://host/path?query#fragment``, nothing urlsplit would treat specially
_USUAL_URL = re.compile(r"https?://([^/?#\x00-\x20\[\]\x7f]*)([^?#\x00-\x20\[\]\x7f]*)"
                        r"(?:\?([^#\x00-\x20\[\]\x7f]*))?(?:#[^\x00-\x20\[\]\x7f]*)?")


def split_url(url: str) -> tuple[str, str, str]:
    """(host, path, query) of a URL, as ``urllib.parse.urlsplit`` reads them, without its cost for the
    usual ``https://host/path?query`` (anything unusual goes to urlsplit itself)."""
    m = _USUAL_URL.fullmatch(url)
    if m is not None:  # one regex: the common case
        host, path, query = m.groups()
        return host, path, query or ""
    if not _ODD.search(url):
        m = _PLAIN_URL.fullmatch(url)
        if m is not None:
            scheme = m.group(1)
            # urlsplit reads "host:port/..." without "//" as a scheme only when the part after ":" is not a port
            if scheme is None or m.group(2) is not None or not m.group(3)[:1].isdigit():
                return m.group(2) or "", m.group(3), m.group(4) or ""
    parts = urlsplit(url)
    return parts.netloc, parts.path, parts.query


def _templates(operations: dict[str, dict]):
    """(operation, upper-cased method, path template) for every operation's path and aliases, in the
    catalog's order."""
    for name, op in operations.items():
        method = (op.get("method") or "").upper()
        for tpl in [op.get("path"), *(op.get("aliases") or [])]:
            if tpl:
                yield name, method, tpl


def _segments(path: str) -> list[str]:
    return path.split("/")


def _sort(node: _Node) -> int:
    """Sort each node's routes and note the best priority under it (to prune the walk)."""
    node.routes.sort()
    best = node.routes[0][0] if node.routes else _WORST
    for child in (*node.literal.values(), *(c for _rx, c in node.patterns),
                  *((node.param,) if node.param is not None else ())):
        best = min(best, _sort(child))
    node.best = best
    return best


def _find(node: _Node, segs: list[str], bound: int, plain):
    """:func:`_walk` from the root, without recursion while each segment leaves one way on: a literal
    segment where no parameter could take it, a parameter where no literal does (most of a Wix path:
    ``/bookings/v2/bookings/{id}/cancel``).  At the first real choice, the rest is walked.  ``plain(seg)``:
    no mixed segment (``{id}:cancel``) matches ``seg``."""
    i, n = 0, len(segs)
    values: list[str] = []
    while i < n:
        seg = segs[i]
        if node.patterns and not plain(seg):
            break
        child = node.literal.get(seg)
        if child is not None:
            if node.param is not None:
                break  # the literal or the parameter: weighed by the walk
        else:
            child = node.param
            if child is None or not seg:
                return None
            values.append(seg)
        if child.best >= bound:
            return None
        node = child
        i += 1
    else:
        if node.routes:
            prio, op, names = node.routes[0]
            return prio, op, names, values
        return None
    return _walk(node, segs, i, values, bound)


def _walk(node: _Node, segs: list[str], i: int, values: list[str], bound: int):
    """The best route (lowest priority, below ``bound``) under ``node`` matching ``segs[i:]``:
    (priority, op, names, values)."""
    if i == len(segs):
        if node.routes:
            prio, op, names = node.routes[0]
            return prio, op, names, list(values)
        return None
    seg = segs[i]
    best = None
    child = node.literal.get(seg)
    if child is not None and child.best < bound:
        best = _walk(child, segs, i + 1, values, bound)
        if best is not None:
            bound = best[0]
    if node.patterns:
        for rx, child in node.patterns:
            if child.best >= bound:
                continue
            m = rx.fullmatch(seg)
            if m:
                n = len(values)
                values.extend(m.groups())
                hit = _walk(child, segs, i + 1, values, bound)
                del values[n:]
                if hit is not None:
                    best, bound = hit, hit[0]
    child = node.param
    if child is not None and child.best < bound and seg:
        values.append(seg)
        hit = _walk(child, segs, i + 1, values, bound)
        values.pop()
        if hit is not None:
            best = hit
    return best
