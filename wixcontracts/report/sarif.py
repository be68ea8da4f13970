"""A SARIF 2.1.0 log builder, plus the two things every producer needs for its locations:

- ``relative_uri(path, root)``: a file as a URI relative to ``root`` (POSIX separators, percent-encoded),
  or ``None`` when it lies outside ``root``; an absolute path never reaches a log.
- ``locate(text, pointer)``: the (line, UTF-16 column) of a JSON pointer in a JSON text, or of its
  nearest existing ancestor when the pointer itself is absent (a missing required field points at the
  object that lacks it); ``*`` segments match any array element.

``partialFingerprints`` hash the finding's identity (rule + operation + side + pointer, plus a
producer-given scope such as the payload file), never line numbers or observed values, so a
re-run, a reformatted file or a different example value keeps the same alert."""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from .. import __version__

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "wixcontracts"
FINGERPRINT_KEY = "wixcontracts/v1"
LEVELS = ("error", "warning", "note", "none")
MAX_SOURCE_BYTES = 64 * 1024 * 1024


# ---------------------------------------------------------------- paths

def relative_uri(path: str | Path, root: str | Path) -> str | None:
    """``path`` (relative paths are taken from the current directory) as a URI reference relative
    to ``root``; ``None`` when it is not inside ``root``."""
    try:
        full = Path(path).resolve()
        rel = full.relative_to(Path(root).resolve())
    except (ValueError, OSError, RuntimeError):
        return None
    if not rel.parts:
        return None
    return quote(rel.as_posix(), safe="/")


def display_path(path: str | Path, root: str | Path) -> str:
    """A path for humans in a report: relative to ``root`` when inside it, else the file name only
    (machine-specific absolute paths stay out of reports)."""
    try:
        rel = Path(path).resolve().relative_to(Path(root).resolve())
        if rel.parts:
            return rel.as_posix()
    except (ValueError, OSError, RuntimeError):
        pass
    return Path(path).name or str(path)


# ---------------------------------------------------------------- JSON positions

_WS = " \t\n\r"
_DECODER = json.JSONDecoder()


def split_pointer(pointer: str) -> list[str]:
    """RFC 6901 segments (``~1`` → ``/``, ``~0`` → ``~``); ``""`` and ``"/"``-less input → root."""
    if not pointer or pointer in ("/", "(root)"):
        return []
    if not pointer.startswith("/"):
        pointer = "/" + pointer
    return [s.replace("~1", "/").replace("~0", "~") for s in pointer[1:].split("/")]


def _ws(t: str, i: int) -> int:
    n = len(t)
    while i < n and t[i] in _WS:
        i += 1
    return i


def _find(t: str, i: int, segs: list[str]) -> tuple[int, int]:
    """(position, segments resolved) starting at the value at ``i``."""
    if not segs:
        return i, 0
    seg, rest = segs[0], segs[1:]
    c = t[i] if i < len(t) else ""
    best = (i, 0)
    if c == "{":
        j = _ws(t, i + 1)
        if t[j] == "}":
            return best
        while True:
            kpos = j
            key, j = _DECODER.raw_decode(t, j)
            j = _ws(t, j)
            j = _ws(t, j + 1)  # past ':'
            if key == seg or seg == "*":
                pos, depth = _find(t, j, rest)
                cand = (pos if depth else kpos, depth + 1)
                if cand[1] > best[1]:
                    best = cand
                if best[1] == len(segs) or seg != "*":
                    return best
            _, j = _DECODER.raw_decode(t, j)
            j = _ws(t, j)
            if t[j] == "}":
                return best
            j = _ws(t, j + 1)  # past ','
    if c == "[":
        j = _ws(t, i + 1)
        if t[j] == "]":
            return best
        want = int(seg) if seg.isdigit() else None
        k = 0
        while True:
            if seg == "*" or k == want:
                pos, depth = _find(t, j, rest)
                cand = (pos, depth + 1)
                if cand[1] > best[1]:
                    best = cand
                if best[1] == len(segs) or seg != "*":
                    return best
            _, j = _DECODER.raw_decode(t, j)
            j = _ws(t, j)
            if t[j] == "]":
                return best
            j = _ws(t, j + 1)
            k += 1
    return best


class JsonText:
    """A JSON document's text with pointer → (line, column) lookups."""

    def __init__(self, text: str):
        self.text = text
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, pos: int) -> tuple[int, int]:
        line = bisect_right(self._starts, pos)
        start = self._starts[line - 1]
        return line, len(self.text[start:pos].encode("utf-16-le", "surrogatepass")) // 2 + 1

    def locate(self, pointer: str | list[str], start: int = 0) -> tuple[int, int, bool] | None:
        """(line, column, exact) of ``pointer`` in the JSON value at offset ``start`` (a line of a
        JSON-lines file); ``exact`` is False for the nearest-ancestor fallback. ``None`` when the text
        there is not JSON."""
        segs = split_pointer(pointer) if isinstance(pointer, str) else list(pointer)
        try:
            pos, depth = _find(self.text, _ws(self.text, start), segs)
        except (ValueError, IndexError):
            return None
        return (*self.position(pos), depth == len(segs))


def locate(text: str, pointer: str) -> tuple[int, int, bool] | None:
    return JsonText(text).locate(pointer)


# ---------------------------------------------------------------- text hygiene

_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(v: Any) -> Any:
    """Lone surrogates (from ``\\udXXX`` escapes in payloads) cannot be written as UTF-8: make them visible."""
    if isinstance(v, str):
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", v)
    if isinstance(v, dict):
        return {_clean(k): _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    return v


def information_uri() -> str | None:
    """The project's home page from the installed package metadata, when it declares one."""
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        md = metadata(TOOL_NAME)
    except (ImportError, PackageNotFoundError):
        return None
    urls = {}
    for entry in md.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in ("homepage", "documentation", "repository", "source"):
        if urls.get(label, "").startswith("https://"):
            return urls[label]
    home = md.get("Home-page") or ""
    return home if home.startswith("https://") else None


def fingerprint(*parts: Any) -> str:
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]


# ---------------------------------------------------------------- the log

@dataclass
class Rule:
    id: str
    short: str
    help_uri: str | None = None
    full: str | None = None

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"id": self.id, "name": self.id, "shortDescription": {"text": self.short}}
        if self.full:
            d["fullDescription"] = {"text": self.full}
        if self.help_uri:
            d["helpUri"] = self.help_uri
        return d


@dataclass
class Log:
    """One run of one tool. ``root``: the base every artifact URI is relative to (uriBaseId %SRCROOT%)."""

    root: Path = field(default_factory=Path.cwd)
    category: str | None = None  # runAutomationDetails.id: keeps uploads of different commands apart
    version: str = __version__
    information_uri: str | None = field(default_factory=information_uri)
    rules: dict[str, Rule] = field(default_factory=dict)
    results: list[dict] = field(default_factory=list)
    _sources: dict[str, JsonText | None] = field(default_factory=dict)

    # -- rules
    def rule(self, id: str, short: str, help_uri: str | None = None, full: str | None = None) -> None:
        if id not in self.rules:
            self.rules[id] = Rule(id, short, help_uri, full)

    # -- locations
    def source(self, path: str | Path) -> JsonText | None:
        """The file's text (read once per log), or None when unreadable / too large / not UTF-8."""
        key = str(Path(path).resolve())
        if key not in self._sources:
            try:
                p = Path(path)
                if p.stat().st_size > MAX_SOURCE_BYTES:
                    raise OSError("too large")
                self._sources[key] = JsonText(p.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError):
                self._sources[key] = None
        return self._sources[key]

    def physical(self, path: str | Path, pointer: str | list[str] | None = None, *,
                 line: int | None = None, column: int | None = None) -> dict | None:
        """A physicalLocation for ``path`` if it is a file under ``root`` (else None). Region: ``line``
        given, or the line of ``pointer`` in the file when it can be found."""
        uri = relative_uri(path, self.root)
        if uri is None or not Path(path).is_file():
            return None
        loc: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}
        if line is None and pointer is not None:
            src = self.source(path)
            hit = src.locate(pointer) if src is not None else None
            if hit is not None:
                line, column = hit[0], hit[1]
        if line is not None and line >= 1:
            loc["region"] = {"startLine": line, **({"startColumn": column} if column and column >= 1 else {})}
        return loc

    @staticmethod
    def logical(name: str, fully_qualified: str, kind: str = "member") -> dict:
        return {"name": name, "fullyQualifiedName": fully_qualified, "kind": kind}

    # -- results
    def result(self, rule_id: str, level: str, message: str, *, identity: Iterable[Any],
               physical: dict | None = None, logical: dict | None = None,
               related: list[tuple[dict, str]] | None = None, properties: dict | None = None) -> dict:
        """``identity``: what makes this finding this finding (hashed into partialFingerprints)."""
        if rule_id not in self.rules:
            self.rule(rule_id, rule_id.replace("-", " "))
        if level not in LEVELS:
            raise ValueError(f"SARIF level must be one of {LEVELS}, not {level!r}")
        res: dict[str, Any] = {"ruleId": rule_id, "level": level, "message": {"text": message or rule_id}}
        loc: dict[str, Any] = {}
        if physical:
            loc["physicalLocation"] = physical
        if logical:
            loc["logicalLocations"] = [logical]
        if loc:
            res["locations"] = [loc]
        rel = [{"id": i, "physicalLocation": p, "message": {"text": text}}
               for i, (p, text) in enumerate(related or [], 1) if p]
        if rel:
            res["relatedLocations"] = rel
        res["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(rule_id, *identity)}
        if properties:
            res["properties"] = {k: v for k, v in properties.items() if v is not None}
        self.results.append(_clean(res))
        return res

    def to_dict(self) -> dict:
        ids = sorted(self.rules)
        index = {r: i for i, r in enumerate(ids)}
        driver: dict[str, Any] = {"name": TOOL_NAME, "version": self.version,
                                  "semanticVersion": self.version}
        if self.information_uri:
            driver["informationUri"] = self.information_uri
        driver["rules"] = [self.rules[r].to_dict() for r in ids]
        results = [{**r, "ruleIndex": index[r["ruleId"]]} for r in self.results]
        run: dict[str, Any] = {"tool": {"driver": _clean(driver)}, "columnKind": "utf16CodeUnits",
                               "results": results}
        if self.category:
            run["automationDetails"] = {"id": self.category}
        return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


__all__ = ["Log", "Rule", "JsonText", "locate", "split_pointer", "relative_uri", "display_path", "fingerprint",
           "SCHEMA_URI", "FINGERPRINT_KEY", "LEVELS"]
