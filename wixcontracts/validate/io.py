"""Reading payload files safely.  Every problem is an ``InputError``: one line naming the file and, where
the text has one, the line and column.

* only regular files (and ``-`` for stdin) are read: a FIFO, a socket or a device could block forever;
* a size cap (``MAX_BYTES``); binary data and text that is not UTF-8 are refused;
* strict JSON: ``NaN`` / ``Infinity`` (a Python extension, not JSON), numbers too large to hold (an
  integer of more than ``MAX_INT_DIGITS`` digits, a float that overflows) and nesting deeper than
  ``MAX_DEPTH`` are input errors (the emulator also refuses strings that are not valid Unicode);
* duplicate object keys are *not* an input error (the last value wins, as in most parsers, Wix's
  included) but are never silent: ``parse(..., duplicates=list)`` collects the pointer of each repeated
  key, and ``wixcontracts validate`` reports each as a ``duplicate-key`` warning.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any, Iterator

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 512  # validate: deeper payloads are refused (no Wix payload comes close); the emulator uses 100
MAX_INT_DIGITS = 4300  # Python's int-parsing limit (sys.get_int_max_str_digits())


class InputError(Exception):
    """Unreadable input: one line naming the file and the problem."""


class _Bad(Exception):
    """Raised from the decoder hooks; located in the text afterwards."""

    def __init__(self, kind: str, literal: str):
        super().__init__(kind)
        self.kind, self.literal = kind, literal


def decode(data: bytes, name: str, what: str) -> str:
    """Bytes -> text, or a one-line error: binary data (a NUL early on) or not UTF-8."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary data, not {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{name}: not UTF-8 text (byte {e.start})") from None


# ---------------------------------------------------------------- locating things in the text

_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|NaN|-?Infinity|[\[\]{}]')
_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _at(text: str, pos: int | None, offset: int = 0) -> str:
    if pos is None:
        return ""
    line, col = line_col(text, pos)
    return f" at line {line + offset} column {col}"


def _find_literal(text: str, bad: _Bad) -> int | None:
    """Offset of the first number / constant token the decoder refused (strings are skipped whole)."""
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok[0] == '"' or tok in "[]{}":
            continue
        if bad.kind == "constant" and tok in ("NaN", "Infinity", "-Infinity"):
            return m.start()
        if bad.kind == "int" and tok.lstrip("-").isdigit() and len(tok.lstrip("-")) > MAX_INT_DIGITS:
            return m.start()
        if bad.kind == "float" and not tok.lstrip("-").isdigit() and tok not in ("NaN", "Infinity", "-Infinity"):
            try:
                if float(tok) in (float("inf"), float("-inf")):
                    return m.start()
            except ValueError:  # pragma: no cover - the token is a number
                pass
    return None


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _too_deep(text: str, max_depth: int) -> int | None:
    """Offset of the first bracket nested deeper than ``max_depth`` (strings skipped), else ``None``."""
    if text.count("[") + text.count("{") <= max_depth:
        return None
    from itertools import accumulate

    steps = map(_STEP.__getitem__, _BRACKETS.findall(_STRING.sub('""', text)))  # C-speed, no Python loop
    if max(accumulate(steps), default=0) <= max_depth:
        return None
    depth = 0
    for m in _BRACKET.finditer(text):  # the slow pass, only to locate it
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > max_depth:
                return m.start()
        elif c in "]}":
            depth -= 1
    return None  # pragma: no cover - the fast pass found one


def _has_surrogate(s: str) -> bool:
    try:
        s.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def _walk(value: Any) -> Iterator[tuple[list, Any]]:
    """(path, node) for every node, iteratively (no recursion limit)."""
    stack: list[tuple[list, Any]] = [([], value)]
    while stack:
        path, node = stack.pop()
        yield path, node
        if isinstance(node, dict):
            stack.extend((path + [k], v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((path + [i], v) for i, v in reversed(list(enumerate(node))))


def _pointer(path: list) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


# ---------------------------------------------------------------- parsing

def loads(text: str, name: str = "<input>", *, max_depth: int = MAX_DEPTH, line_offset: int = 0,
          duplicates: list[str] | None = None, unicode_strict: bool = False) -> Any:
    """Strict JSON (see the module docstring) or ``InputError``.  ``duplicates``: a list to collect the
    pointer of every repeated key into (``None``: do not look for them).  ``line_offset``: added to the
    reported line (a line of a JSON-lines file).  ``unicode_strict``: a string holding an unpaired
    surrogate escape (``"\\ud800"``: valid JSON syntax, but no Unicode text) is an error -- as for a
    proto3 JSON parser, whose strings are UTF-8; ``validate`` checks such payloads as they are."""
    deep = _too_deep(text, max_depth)
    if deep is not None:
        raise InputError(f"{name}: JSON nested deeper than {max_depth} levels{_at(text, deep, line_offset)}")
    dup_objects: list[tuple[dict, list[str]]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        d = dict(items)
        if len(d) != len(items):
            seen: set[str] = set()
            dup_objects.append((d, [k for k, _ in items if k in seen or seen.add(k)]))
        return d

    def constant(c: str):
        raise _Bad("constant", c)

    def parse_int(s: str) -> int:
        if len(s.lstrip("-")) > MAX_INT_DIGITS:
            raise _Bad("int", s)
        return int(s)

    def parse_float(s: str) -> float:
        f = float(s)
        if f in (float("inf"), float("-inf")):
            raise _Bad("float", s)
        return f

    try:
        value = json.loads(text, object_pairs_hook=pairs if duplicates is not None else None,
                           parse_constant=constant, parse_int=parse_int, parse_float=parse_float)
    except json.JSONDecodeError as e:
        raise InputError(f"{name}: not valid JSON ({e.msg} at line {e.lineno + line_offset} column {e.colno})") from None
    except _Bad as b:
        where = _at(text, _find_literal(text, b), line_offset)
        if b.kind == "constant":
            raise InputError(f"{name}: {b.literal} is not a JSON value{where}") from None
        if b.kind == "int":
            digits = len(b.literal.lstrip("-"))
            raise InputError(f"{name}: integer too large ({digits} digits, more than {MAX_INT_DIGITS}){where}") from None
        raise InputError(f"{name}: number out of range ({b.literal[:40]}){where}") from None
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply") from None
    if unicode_strict and "\\u" in text and re.search(r"\\u[dD][89a-fA-F]", text):
        ptr = surrogate_pointer(value)
        if ptr is not None:
            raise InputError(f"{name}: string at {ptr or '/'}{_pointer_at(text, ptr, line_offset)} is not "
                             f"valid Unicode (an unpaired surrogate escape)")
    if duplicates is not None and dup_objects:
        owners = {id(d): keys for d, keys in dup_objects}
        for path, node in _walk(value):
            if isinstance(node, dict) and id(node) in owners:
                duplicates.extend(_pointer(path + [k]) for k in dict.fromkeys(owners[id(node)]))
    return value


def surrogate_pointer(value: Any) -> str | None:
    """The pointer of the first string (key or value) holding an unpaired surrogate, printable (the
    surrogate itself backslash-escaped); ``None`` when there is none."""
    for path, node in _walk(value):
        bad = [k for k in node if _has_surrogate(k)] if isinstance(node, dict) else []
        if bad or (isinstance(node, str) and _has_surrogate(node)):
            return _pointer(path + bad[:1]).encode("utf-8", "backslashreplace").decode("utf-8")
    return None


def _pointer_at(text: str, ptr: str, line_offset: int = 0) -> str:
    try:
        from ..report.sarif import locate

        hit = locate(text, ptr)
    except Exception:  # noqa: BLE001 - locating is best effort
        return ""
    return f" (line {hit[0] + line_offset} column {hit[1]})" if hit else ""


def parse(text: str | bytes, name: str, *, want_object: bool = True, duplicates: list[str] | None = None,
          line_offset: int = 0) -> Any:
    if isinstance(text, bytes):
        text = decode(text, name, "JSON")
    if not text.strip():
        raise InputError(f"{name}: empty input, expected a JSON object")
    value = loads(text, name, duplicates=duplicates, line_offset=line_offset)
    if want_object and not isinstance(value, dict):
        kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")
        raise InputError(f"{name}: expected a JSON object, got {kind}")
    return value


def read_bytes(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    if str(path) == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"<stdin>: larger than {limit // (1024 * 1024)} MB")
        return data
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{p}: is a directory")
    if not stat.S_ISREG(st.st_mode):  # a FIFO with no writer would block forever; devices never end
        kind = ("a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a file")
        raise InputError(f"{p}: {kind}, not a regular file (pipe data through '-' instead)")
    if st.st_size > limit:
        raise InputError(f"{p}: file is {st.st_size / (1024 * 1024):.0f} MB, larger than the "
                         f"{limit // (1024 * 1024)} MB limit")
    try:
        with open(p, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None
    if len(data) > limit:  # grew while we looked
        raise InputError(f"{p}: larger than the {limit // (1024 * 1024)} MB limit")
    return data


def load(path: str | Path, *, want_object: bool = True, duplicates: list[str] | None = None) -> Any:
    name = "<stdin>" if str(path) == "-" else str(path)
    return parse(read_bytes(path), name, want_object=want_object, duplicates=duplicates)


class Payload:
    """One payload of a batch: its label, the parsed value (or the ``InputError``), and the pointers of
    repeated keys."""

    __slots__ = ("label", "value", "duplicates")

    def __init__(self, label: str, value: Any, duplicates: list[str] | None = None):
        self.label, self.value, self.duplicates = label, value, duplicates or []

    def __iter__(self):  # (label, value) like before
        return iter((self.label, self.value))


def payloads(path: str | Path) -> Iterator[Payload]:
    """Every payload of a file, a directory of .json files, a .jsonl file, or ``-``: a ``Payload`` whose value
    is the parsed JSON or the ``InputError`` (a batch goes on past a bad entry; a single file raises)."""
    p = Path(path)
    if str(path) != "-" and p.is_dir():
        try:
            files = sorted(q for q in p.iterdir() if q.suffix == ".json" and q.is_file())
        except OSError as e:
            raise InputError(f"{p}: cannot list ({e.strerror})") from None
        if not files:
            raise InputError(f"{p}: directory holds no .json files")
        for q in files:
            dups: list[str] = []
            try:
                yield Payload(str(q), load(q, duplicates=dups), dups)
            except InputError as e:
                yield Payload(str(q), e)
        return
    if p.suffix == ".jsonl" and str(path) != "-":
        text = decode(read_bytes(p), str(p), "JSON lines")
        n = 0
        for i, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            n += 1
            label = f"{p}:{i}"
            dups = []
            try:
                yield Payload(label, parse(line, label, duplicates=dups, line_offset=i - 1), dups)
            except InputError as e:
                yield Payload(label, e)
        if not n:
            raise InputError(f"{p}: empty input, expected JSON lines")
        return
    dups = []
    label = "<stdin>" if str(path) == "-" else str(p)
    yield Payload(label, load(path, duplicates=dups), dups)


def items(path: str | Path) -> Iterator[tuple[str, Any]]:
    """(label, payload or InputError) for a file, a directory of .json, a .jsonl file, or -."""
    for x in payloads(path):
        yield x.label, x.value


def is_batch(path: str | Path) -> bool:
    return str(path) != "-" and (Path(path).is_dir() or Path(path).suffix == ".jsonl")
