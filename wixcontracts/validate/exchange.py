"""Finding the operation of an HTTP exchange from its method and URL."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from ..ir import WIX_API  # noqa: E402

WIX_HOST = urlsplit(WIX_API).netloc


def template_regex(template: str) -> re.Pattern:
    parts = re.split(r"(\{[^{}/]+\})", template.rstrip("/"))
    rx = "".join(f"(?P<{_group(p[1:-1])}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(rx + "/?")


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


class Router:
    def __init__(self, operations: dict[str, dict]):
        self.routes: list[tuple[str, re.Pattern, dict[str, str], str]] = []
        for name, op in operations.items():
            method = (op.get("method") or "").upper()
            for tpl in [op.get("path"), *(op.get("aliases") or [])]:
                if tpl:
                    names = {_group(p[1:-1]): p[1:-1] for p in re.findall(r"\{[^{}/]+\}", tpl)}
                    self.routes.append((method, template_regex(tpl), names, name))
        # literal segments beat templates: longer literal text first
        self.routes.sort(key=lambda r: -len(re.sub(r"\(\?P<[^>]+>\[\^/\]\+\)", "", r[1].pattern)))

    def match(self, method: str, url: str) -> tuple[str, dict[str, str], str] | None:
        """(operation, path params, host) or None."""
        parts = urlsplit(url)
        path = parts.path or "/"
        for m, rx, names, op in self.routes:
            if m and m != method.upper():
                continue
            hit = rx.fullmatch(path)
            if hit:
                return op, {names[g]: unquote(v) for g, v in hit.groupdict().items()}, parts.netloc
        return None
