"""Page text -> logical lines, for both page dialects.

* Live pages (what dev.wix.com serves today) put one field per line and indent nested
  fields; ``Line.col`` is that indentation.
* Whitespace-collapsed copies have everything on one line.  We cut that line before every
  structural marker; ``Line.col`` is ``None`` because the nesting was lost.

Both yield the same kind of ``Line``, so the parsers above never ask which dialect a page
is in; structure resolution treats ``col=None`` as "indentation unknown".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    col: int | None
    offset: int  # character offset in the page
    lineno: int  # 1-based physical line


# Markers that start a logical line inside a schema code block.
_SCHEMA_MARKERS = (
    r"param name: ",
    r"- name: ",
    r"- ONE-OF:",
    r"- enum:",
    r"Return type:",
    r"Possible Errors:",
    r"HTTP Code: ",
    r"URL: ",
    r"Method: ",
    r"Method parameters:",
    r"Required parameters:",
    r"# Note:",
)
_SCHEMA_SPLIT = re.compile(r"(?<=\s)(?=" + "|".join(_SCHEMA_MARKERS) + r")")
_PROSE_SPLIT = re.compile(r"(?<=\s)(?=#{1,6} |---(?:\s|$))")


class LineIndex:
    """Offset -> 1-based line number."""

    def __init__(self, text: str):
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def lineno(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the page outside (``code=False``) or inside a ``` fence."""

    text: str
    offset: int
    code: bool
    lang: str = ""


def segments(text: str) -> list[Segment]:
    """Split a page at ``` fences.  Works on collapsed pages too (fences are inline)."""
    out: list[Segment] = []
    pos = 0
    code = False
    for m in re.finditer(r"```", text):
        chunk = text[pos : m.start()]
        if code:
            lm = re.match(r"([A-Za-z]*)[ \t]*\n?", chunk)
            lang = lm.group(1) if lm and lm.group(1) in {"curl", "javascript", "js", "json", "typescript", "ts", "bash"} else ""
            start = len(lang) if lang else 0
            out.append(Segment(chunk[start:], pos + start, True, lang))
        else:
            out.append(Segment(chunk, pos, False))
        pos = m.end()
        code = not code
    out.append(Segment(text[pos:], pos, code))
    return out


def _split(seg_text: str, base: int, pattern: re.Pattern, index: LineIndex) -> list[Line]:
    lines: list[Line] = []
    pos = 0
    for phys in seg_text.split("\n"):
        stripped = phys.strip()
        if stripped:
            indent = len(phys) - len(phys.lstrip(" "))
            cuts = [m.start() for m in pattern.finditer(phys)]
            cuts = [c for c in cuts if c > indent]
            if not cuts:
                off = base + pos + indent
                lines.append(Line(stripped, indent, off, index.lineno(off)))
            else:
                bounds = [indent] + cuts + [len(phys)]
                for a, b in zip(bounds, bounds[1:]):
                    piece = phys[a:b].strip()
                    if piece:
                        off = base + pos + a
                        lines.append(Line(piece, None, off, index.lineno(off)))
        pos += len(phys) + 1
    return lines


def schema_lines(seg: Segment, index: LineIndex) -> list[Line]:
    return _split(seg.text, seg.offset, _SCHEMA_SPLIT, index)


def prose_lines(seg: Segment, index: LineIndex) -> list[Line]:
    return _split(seg.text, seg.offset, _PROSE_SPLIT, index)
