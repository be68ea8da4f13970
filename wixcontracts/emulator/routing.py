"""Method + path -> operation, over every path and alias of the catalog (a segment trie, built once per
catalog).  Path parameters are matched on the raw (percent-encoded) path and decoded afterwards, so an encoded
``/`` stays inside its parameter (policy ``route.raw_path``); a trailing ``/`` is ignored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

CONTROL_PREFIX = "/_wixcontracts"  # reserved: no Wix path starts with it (tests/emulator/test_control.py)
_PARAM = re.compile(r"\{([\w.]+)\}")


@dataclass
class _Node:
    literal: dict[str, "_Node"] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern, int, "_Node"]] = field(default_factory=list)  # (segment regex, groups, child)
    ops: dict[str, tuple[dict, list[str]]] = field(default_factory=dict)  # method -> (operation, param names)


class MethodNotAllowed(Exception):
    def __init__(self, allowed: list[str]):
        super().__init__(", ".join(allowed))
        self.allowed = allowed


class Router:
    def __init__(self, operations):
        self.root = _Node()
        # (METHOD, path without its outer "/") -> operation, for the templates without a parameter: what the
        # trie walk finds first for such a path (its literal branch is tried before any pattern)
        self.static: dict[tuple[str, str], dict] = {}
        for op in operations:
            if not op.get("path") or "rest" not in op.get("surfaces", ["rest"]):
                continue
            for template in (op["path"], *op.get("aliases", [])):
                self._add(template, op)

    @staticmethod
    def _segment(seg: str) -> re.Pattern:
        parts = _PARAM.split(seg)  # literal, name, literal, name, ..., literal
        return re.compile("^" + "".join(re.escape(p) if i % 2 == 0 else "([^/]*)" for i, p in enumerate(parts)) + "$")

    def _add(self, template: str, op: dict) -> None:
        node = self.root
        names: list[str] = []
        for seg in template.strip("/").split("/"):
            if "{" in seg:
                rx = self._segment(seg)
                names += _PARAM.findall(seg)
                for prx, _n, child in node.patterns:
                    if prx.pattern == rx.pattern:
                        node = child
                        break
                else:
                    child = _Node()
                    node.patterns.append((rx, rx.groups, child))
                    node = child
            else:
                node = node.literal.setdefault(seg, _Node())
        node.ops.setdefault(op["method"].upper(), (op, names))
        if not names:
            self.static.setdefault((op["method"].upper(), template.strip("/")), node.ops[op["method"].upper()][0])

    def _walk(self, node: _Node, segs: list[str], i: int, values: list, method: str, seen: list):
        if i == len(segs):
            if method in node.ops:
                return node.ops[method], values
            if node.ops:
                seen.append(node)
            return None
        seg = segs[i]
        child = node.literal.get(seg)
        if child is not None:
            hit = self._walk(child, segs, i + 1, values, method, seen)
            if hit is not None:
                return hit
        for rx, _groups, child in node.patterns:
            m = rx.match(seg)
            if m is not None:
                hit = self._walk(child, segs, i + 1, values + list(m.groups()), method, seen)
                if hit is not None:
                    return hit
        return None

    def match(self, method: str, path: str) -> tuple[dict, dict] | None:
        """``(operation, path params)``; None for an unknown path; :class:`MethodNotAllowed` for a known path
        with another method."""
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        method, path = method.upper(), path.strip("/")
        op = self.static.get((method, path))
        if op is not None:
            return op, {}
        seen: list[_Node] = []
        hit = self._walk(self.root, path.split("/"), 0, [], method, seen)
        if hit is None:
            if seen:
                raise MethodNotAllowed(sorted({m for n in seen for m in n.ops}))
            return None
        (op, names), values = hit
        return op, {n: unquote(v) for n, v in zip(names, values)}
