"""The committed JSON text: ``json.dumps(value, indent=2, ensure_ascii=False) + "\\n"``, byte for byte.

The standard library writes indented JSON with its pure-Python encoder (its C encoder only writes the
compact form), and that was 60% of a whole-API build.  When orjson is installed (the ``sources`` extra)
it writes the same text several times faster.  The two differ only in how they write some floats: with an
exponent (``1e-05`` against orjson's ``1e-5``), and ``NaN`` / ``Infinity`` (orjson writes ``null``).
So both first write the value compactly (the standard library's C encoder, with orjson's separators):
when the two texts are equal, so are the indented ones, and orjson's is used.  Otherwise (such a float, or
a value orjson refuses: keys that are not strings, integers beyond 64 bits, text that is not valid UTF-8)
the standard library writes it.

What the standard library refuses (a UUID, a date, a dataclass, a reference loop) its compact pass refuses
first, so it is refused as before, with the same error.

``tests/contracts/test_jsontext.py`` holds both writers to the same bytes over generated values."""

from __future__ import annotations

import json

try:  # the fast writer is optional (the sources extra)
    import orjson as _orjson
except ImportError:  # pragma: no cover - an install without the sources extra
    _orjson = None


def dumps(value) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False) + "\\n"``, fast when orjson is installed."""
    if _orjson is not None:
        try:
            if _orjson.dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode():
                return _orjson.dumps(value, option=_orjson.OPT_INDENT_2).decode() + "\n"
        except (TypeError, ValueError):  # not for orjson (orjson.JSONEncodeError is a TypeError)
            pass
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
