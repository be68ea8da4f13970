"""Reading payload files safely: size cap, encoding and JSON errors become ``InputError``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Iterator

MAX_BYTES = 64 * 1024 * 1024


class InputError(Exception):
    """Unreadable input: one line naming the file and the problem."""


def decode(data: bytes, name: str, what: str) -> str:
    """Bytes -> text, or a one-line error: binary data (a NUL early on) or not UTF-8."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary data, not {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{name}: not UTF-8 text (byte {e.start})") from None


def parse(text: str | bytes, name: str, *, want_object: bool = True) -> Any:
    if isinstance(text, bytes):
        text = decode(text, name, "JSON")
    if not text.strip():
        raise InputError(f"{name}: empty input, expected a JSON object")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{name}: not valid JSON ({e.msg} at line {e.lineno} column {e.colno})") from None
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply") from None
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
        size = os.stat(p).st_size
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None
    if p.is_dir():
        raise InputError(f"{p}: is a directory")
    if size > limit:
        raise InputError(f"{p}: file is {size / (1024 * 1024):.0f} MB, larger than the "
                         f"{limit // (1024 * 1024)} MB limit")
    try:
        with open(p, "rb") as fh:
            return fh.read(limit + 1)
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None


def load(path: str | Path, *, want_object: bool = True) -> Any:
    name = "<stdin>" if str(path) == "-" else str(path)
    return parse(read_bytes(path), name, want_object=want_object)


def items(path: str | Path) -> Iterator[tuple[str, Any]]:
    """(label, payload or InputError) for a file, a directory of .json, a .jsonl file, or -."""
    p = Path(path)
    if str(path) != "-" and p.is_dir():
        files = sorted(q for q in p.iterdir() if q.suffix == ".json" and q.is_file())
        if not files:
            raise InputError(f"{p}: directory holds no .json files")
        for q in files:
            try:
                yield str(q), load(q)
            except InputError as e:
                yield str(q), e
        return
    if p.suffix == ".jsonl":
        text = decode(read_bytes(p), str(p), "JSON lines")
        n = 0
        for i, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            n += 1
            label = f"{p}:{i}"
            try:
                yield label, parse(line, label)
            except InputError as e:
                yield label, e
        if not n:
            raise InputError(f"{p}: empty input, expected JSON lines")
        return
    yield ("<stdin>" if str(path) == "-" else str(p)), load(path)


def is_batch(path: str | Path) -> bool:
    return str(path) != "-" and (Path(path).is_dir() or Path(path).suffix == ".jsonl")
