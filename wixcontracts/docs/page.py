"""A docs page -> its parts: header facts, surfaces (REST / JS SDK / Velo) with their
schema block lines and examples.  No structure is decided here."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field

from ..ir import Example, Source
from .lexer import Line, LineIndex, prose_lines, schema_lines, segments


class PageError(Exception):
    """The page is not an API method page (or too damaged to be read as one)."""

    def __init__(self, message: str, where: str):
        super().__init__(message)
        self.where = where


@dataclass
class RawSurface:
    kind: str  # rest | sdk | velo
    heading: Line
    schema: list[Line] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)


@dataclass
class RawPage:
    path: str  # relative path of the page file
    url: str  # canonical page URL (Method link), or derived from the path
    title: str = ""
    package: str = ""
    namespace: str = ""
    scopes: list[dict] = field(default_factory=list)
    intro: str = ""  # in memory only
    velo_signature: str = ""
    velo_description: str = ""  # in memory only
    surfaces: list[RawSurface] = field(default_factory=list)
    title_line: Line | None = None
    index: LineIndex | None = None

    def src(self, line: Line | None) -> Source:
        if line is None:
            return Source(self.url)
        if line.col is None:
            return Source(self.url, offset=line.offset)
        return Source(self.url, line=line.lineno)


_SCOPE = re.compile(r"([A-Z][^:]{0,80}?):\s*(SCOPE\.[A-Z0-9._-]+)")
_H = re.compile(r"^(#{1,6})\s+(.*)$", re.S)


def _heading(line: Line) -> tuple[int, str] | None:
    m = _H.match(line.text)
    return (len(m.group(1)), m.group(2).strip()) if m else None


def _first_word(body: str) -> str:
    """The first word after ``Label:`` (``""`` when the heading stops at the colon)."""
    words = body.split(":", 1)[1].split()
    return words[0] if words else ""


def url_for_path(path: str) -> str:
    p = path[:-3] if path.endswith(".md") else path
    return f"https://dev.wix.com/docs/{p}.md"


def read_page(path: str, text: str) -> RawPage:
    index = LineIndex(text)
    page = RawPage(path=path, url=url_for_path(path), index=index)
    section: RawSurface | None = None
    last_title = ""
    in_schema = False
    for seg in segments(text):
        if seg.code:
            if section is None:
                continue
            if in_schema and not section.schema:
                section.schema = schema_lines(seg, index)
            else:
                ex = _example(seg.text, seg.lang, last_title, page.src(Line("", None, seg.offset, index.lineno(seg.offset))))
                if ex is not None:
                    section.examples.append(ex)
            continue
        for line in prose_lines(seg, index):
            h = _heading(line)
            if h is None:
                if section is None and page.title and not page.intro:
                    page.intro = line.text
                m = _SCOPE.search(line.text) if section is None else None
                if m and not any(s["id"] == m.group(2) for s in page.scopes):
                    page.scopes.append({"name": m.group(1).strip(), "id": m.group(2)})
                continue
            level, body = h
            low = body.lower()
            in_schema = False
            if level == 1 and low.startswith("method name:"):
                page.velo_signature = body.split(":", 1)[1].strip()
                page.title_line = line
                section = RawSurface("velo", line)
                page.surfaces.append(section)
            elif level == 1 and low.startswith("method package:"):
                page.package = _first_word(body)
            elif level == 1 and (low.startswith("method link:")):
                page.url = _first_word(body) or page.url
            elif level == 1 and low.startswith("method description:"):
                page.velo_description = body.split(":", 1)[1].strip()
            elif level == 1 and low.startswith("package:"):
                page.package = _first_word(body)
            elif level == 1 and low.startswith("namespace:"):
                page.namespace = _first_word(body)
            elif level == 1 and low.startswith("method "):
                continue  # menu location, code examples...
            elif level == 1 and not page.title and re.fullmatch(r"[A-Z][A-Za-z0-9]*", body):
                page.title = body
                page.title_line = line
            elif level == 2 and low.startswith("permission scopes"):
                m = _SCOPE.search(body)
                if m:
                    page.scopes.append({"name": m.group(1).strip(), "id": m.group(2)})
            elif level == 2 and low.startswith("rest api"):
                section = RawSurface("rest", line)
                page.surfaces.append(section)
            elif level == 2 and (low.startswith("javascript sdk") or low.startswith("sdk")):
                section = RawSurface("sdk", line)
                page.surfaces.append(section)
            elif level == 2 and section is not None and section.kind == "velo":
                last_title = body
            elif level == 3 and low == "schema":
                in_schema = True
            elif level >= 3:
                last_title = body
    if not page.surfaces:
        raise PageError("not an API method page: no REST API, JavaScript SDK or Velo method section", f"{path}:1")
    return page


# ---------------------------------------------------------------- examples

_CURL_URL = re.compile(r"https?://[^\s'\"]+")
# Deepest JSON nesting kept in an example body (the real ones nest a handful of levels).
# Deeper bodies are left out: the catalog walks them recursively, and the JSON parser itself
# gives up (RecursionError) on a few thousand levels.
MAX_BODY_DEPTH = 64


def json_depth(value) -> int:
    """Nesting depth of parsed JSON (a scalar: 0), without recursion."""
    deepest = 0
    todo = [(value, 1)]
    while todo:
        v, d = todo.pop()
        if isinstance(v, dict):
            v = list(v.values())
        if isinstance(v, list):
            deepest = max(deepest, d)
            todo.extend((x, d + 1) for x in v)
    return deepest


def _example(code: str, lang: str, title: str, src: Source) -> Example | None:
    text = code.strip()
    if not text:
        return None
    if lang == "curl" or text.startswith("curl "):
        return parse_curl(text, title, src)
    if lang in {"javascript", "js", "typescript", "ts"} or "import " in text:
        return Example("sdk", title, src)
    return None


def parse_curl(text: str, title: str, src: Source) -> Example:
    """Parse a curl example: method, URL and JSON body (``-d '...'``)."""
    ex = Example("curl", title, src)
    cmd = text.replace("\\\n", " ").replace(" \\ ", " ")
    try:
        argv = shlex.split(cmd)
    except ValueError as e:
        ex.body_error = f"curl command is not well quoted: {e}"
        argv = cmd.split()
    method = "GET"
    body_text = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in {"-X", "--request"} and i + 1 < len(argv):
            method = argv[i + 1].upper()
            i += 2
            continue
        if a in {"-d", "--data", "--data-raw", "--data-binary"} and i + 1 < len(argv):
            body_text = argv[i + 1]
            if method == "GET":
                method = "POST"
            i += 2
            continue
        if a.startswith("http://") or a.startswith("https://"):
            ex.url = a
        i += 1
    ex.method = method
    if ex.url is None:
        m = _CURL_URL.search(text)
        ex.url = m.group(0) if m else None
    if body_text is not None and ex.body_error is None:
        try:
            body = json.loads(body_text)
        except json.JSONDecodeError as e:
            ex.body_error = f"example body is not JSON: {e.msg} at char {e.pos}"
        except RecursionError:
            ex.body_error = f"example body nests deeper than {MAX_BODY_DEPTH} levels: left out"
        else:
            if json_depth(body) > MAX_BODY_DEPTH:
                ex.body_error = f"example body nests deeper than {MAX_BODY_DEPTH} levels: left out"
            else:
                ex.body = body
    return ex
