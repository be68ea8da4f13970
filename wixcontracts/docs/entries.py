"""Schema-block lines -> flat entries (fields, ONE-OF markers, enums) plus the block's
metadata (method, URL, required parameters, return type, errors).

The entries still carry no nesting: ``structure.resolve`` decides that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexer import Line

HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@dataclass(slots=True)
class FieldEntry:
    name: str
    type_text: str
    doc: str
    line: Line
    is_param: bool = False
    required: bool = False
    enum: list[tuple[str, Line]] = field(default_factory=list)

    @property
    def col(self) -> int | None:
        return self.line.col


@dataclass(slots=True)
class OneOfEntry:
    line: Line
    required: bool = False

    @property
    def col(self) -> int | None:
        return self.line.col


Entry = FieldEntry | OneOfEntry


@dataclass
class ErrorEntry:
    http: int
    status: str
    app_code: str
    line: Line


@dataclass
class SchemaBlock:
    method_name: str = ""  # "declineMultiServiceBooking" or SDK signature
    method_line: Line | None = None
    description: str = ""  # in memory only
    url: str | None = None
    url_line: Line | None = None
    http_method: str | None = None
    required: list[str] = field(default_factory=list)
    required_line: Line | None = None
    params: list[Entry] = field(default_factory=list)
    return_type: str | None = None
    return_line: Line | None = None
    response: list[Entry] = field(default_factory=list)
    errors: list[ErrorEntry] = field(default_factory=list)
    problems: list[tuple[str, Line]] = field(default_factory=list)  # (message, where)


_FIELD = re.compile(r"^(param name|- name):\s*(?P<name>[^\s|]+)\s*(?:\|\s*type:\s*(?P<type>[^\s|]*))?(?P<rest>.*)$", re.S)
_ENUM_VALUE = re.compile(r"(?:^|\s)-\s+([A-Z][A-Z0-9_]*):")
_ERROR = re.compile(
    r"HTTP Code:\s*(\d{3})\s*\|\s*Status Code:\s*([A-Z_]+)\s*\|\s*Application Code:\s*([A-Za-z0-9_.\-]+)"
)


def _field(line: Line, is_param: bool) -> FieldEntry | None:
    m = _FIELD.match(line.text)
    if not m:
        return None
    rest = m.group("rest") or ""
    required = False
    rm = re.search(r"\|\s*required:\s*true\s*$", rest)
    if rm:
        required = True
        rest = rest[: rm.start()]
    doc = ""
    dm = re.search(r"\|\s*description:\s*(.*)$", rest, re.S)
    if dm:
        doc = dm.group(1).strip()
    return FieldEntry(m.group("name"), (m.group("type") or "").strip(), doc, line, is_param, required)


def parse_block(lines: list[Line]) -> SchemaBlock:
    b = SchemaBlock()
    target: list[Entry] | None = None
    last_field: FieldEntry | None = None
    in_enum = False
    in_desc = False
    for ln in lines:
        t = ln.text
        if t.startswith("param name:") or t.startswith("- name:"):
            in_enum = in_desc = False
            is_param = t.startswith("param name:")
            fe = _field(ln, is_param)
            if fe is None:
                b.problems.append(("field line not understood", ln))
                continue
            if target is None:
                target = b.params
            if is_param and target is not b.params:
                b.problems.append(("parameter after the return type", ln))
            target.append(fe)
            last_field = fe
            continue
        if t.startswith("- ONE-OF:"):
            in_enum = in_desc = False
            if target is None:
                b.problems.append(("ONE-OF outside any parameter list", ln))
                continue
            target.append(OneOfEntry(ln, required=bool(re.search(r"-\s*required:\s*true", t))))
            last_field = None
            continue
        if t.startswith("- enum:"):
            in_desc = False
            if last_field is None:
                b.problems.append(("enum with no field before it", ln))
                continue
            in_enum = True
            for m in _ENUM_VALUE.finditer(t[len("- enum:"):]):
                last_field.enum.append((m.group(1), ln))
            continue
        if in_enum and _ENUM_VALUE.match(t):
            for m in _ENUM_VALUE.finditer(t):
                last_field.enum.append((m.group(1), ln))  # type: ignore[union-attr]
            continue
        in_enum = False
        if t.startswith("Method:"):
            value = t[len("Method:"):].strip()
            word = value.split()[0] if value else ""
            if word.upper() in HTTP_METHODS and b.method_name:
                b.http_method = word.upper()
                in_desc = False
            elif not b.method_name:
                head, _, desc = value.partition("Description:")
                b.method_name = head.strip() or word
                b.method_line = ln
                b.description = desc.strip()
                in_desc = True
            continue
        if t.startswith("URL:"):
            in_desc = False
            b.url = t[4:].strip().split()[0] if t[4:].strip() else None
            b.url_line = ln
            continue
        if t.startswith("Required parameters:"):
            in_desc = False
            b.required = [p.strip() for p in t.split(":", 1)[1].split(",") if p.strip()]
            b.required_line = ln
            continue
        if t.startswith("Method parameters:"):
            in_desc = False
            target = b.params
            continue
        if t.startswith("Return type:"):
            in_desc = False
            b.return_type = t.split(":", 1)[1].strip() or None
            b.return_line = ln
            target = b.response
            last_field = None
            continue
        if t.startswith("Possible Errors:"):
            in_desc = False
            target = None
            last_field = None
            continue
        if t.startswith("HTTP Code:"):
            m = _ERROR.search(t)
            if m:
                b.errors.append(ErrorEntry(int(m.group(1)), m.group(2), m.group(3), ln))
            else:
                b.problems.append(("error line not understood", ln))
            continue
        if t.startswith("# Note:"):
            in_desc = False
            continue
        if in_desc:
            b.description += " " + t
            continue
        # anything else inside a schema block is a description continuation of the last field
        if last_field is not None:
            last_field.doc += " " + t
    return b
