"""A bucketed index over the validation engine's routes, so matching a URL costs a few regex
calls instead of one per documented path (538 templates).  Same answers as
``validate.exchange.Router.match``: candidates are tried in that router's order (literal text
first), only within the bucket of the same method, segment count and leading literal segments."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def _key_parts(path: str) -> list[str]:
    return path.strip("/").split("/")


class FastRouter:
    def __init__(self, router):
        """``router``: a ``wixcontracts.validate.exchange.Router`` (its ``routes`` are in priority order)."""
        self._buckets: dict[tuple, list] = {}
        self._wild: dict[tuple, list] = {}
        for order, (method, rx, names, op) in enumerate(router.routes):
            tpl = rx.pattern  # the template as a regex; recover its segments from the source template
            segs = _segments_of(rx)
            n = len(segs)
            lits = tuple(s for s in segs[:2])
            entry = (order, rx, names, op)
            if all(s is not None for s in lits) and len(lits) == 2:
                self._buckets.setdefault((method, n, lits), []).append(entry)
            else:
                self._wild.setdefault((method, n), []).append(entry)
            del tpl
        self._cache: dict[tuple[str, str], tuple | None] = {}

    def match(self, method: str, url: str) -> tuple[str, dict[str, str], str] | None:
        parts = urlsplit(url)
        path = parts.path or "/"
        method = method.upper()
        key = (method, path)
        hit = self._cache.get(key, False)
        if hit is False:
            hit = self._match(method, path)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = hit
        if hit is None:
            return None
        op, params = hit
        return op, dict(params), parts.netloc

    def _match(self, method: str, path: str):
        segs = _key_parts(path)
        n = len(segs)
        cands = list(self._buckets.get((method, n, tuple(segs[:2])), ()))
        cands += self._wild.get((method, n), ())
        if len(cands) > 1:
            cands.sort(key=lambda e: e[0])
        for _order, rx, names, op in cands:
            m = rx.fullmatch(path)
            if m:
                return op, {names[g]: unquote(v) for g, v in m.groupdict().items()}
        return None


def _segments_of(rx) -> list[str | None]:
    """The template's segments: the literal text, or None where the segment holds a parameter."""
    import re

    pattern = rx.pattern
    if pattern.endswith("/?"):
        pattern = pattern[:-2]
    # split the regex source on escaped or plain slashes outside groups
    out, depth, cur = [], 0, ""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "/" and depth == 0:
                out.append(cur)
                cur = ""
            else:
                cur += ch + nxt
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "/" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    out.append(cur)
    if out and out[0] == "":
        out = out[1:]
    segs: list[str | None] = []
    for s in out:
        if "(?P<" in s:
            segs.append(None)
        else:
            segs.append(re.sub(r"\\(.)", r"\1", s))
    return segs
