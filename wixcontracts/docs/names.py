"""Names a page gives that the build turns into identifiers, keys and file names
(operation names -> ``schemas/rest/<name>.request.json``, type names ->
``schemas/types/<name>.json``, enum values -> coverage keys).

Page text is untrusted: a damaged or hostile page can name a method ``../../x``, put a NUL
or a backslash in a type, or run a name on for hundreds of characters.  Such a name is
rejected where it enters the model (diagnostic ``page.bad-name``); it never reaches a path.
"""

from __future__ import annotations

import re

MAX_NAME = 100
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,%d}" % (MAX_NAME - 1))


def is_identifier(name: object) -> bool:
    """A plain ASCII identifier of at most ``MAX_NAME`` characters."""
    return isinstance(name, str) and IDENTIFIER.fullmatch(name) is not None


def shown(name: str, limit: int = 40) -> str:
    """The name as a diagnostic shows it: escaped (NUL, newlines, backslashes visible) and
    cut to ``limit`` characters with its full length, so a message stays one short line."""
    if len(name) <= limit:
        return repr(name)
    return f"{name[:limit]!r}... ({len(name)} characters)"


def why_bad(name: str) -> str:
    if not name:
        return "it is empty"
    if len(name) > MAX_NAME:
        return f"it is longer than {MAX_NAME} characters"
    if "\x00" in name:
        return "it contains a NUL character"
    if "/" in name or "\\" in name or ".." in name:
        return "it contains a path separator or '..'"
    if any(c.isspace() for c in name):
        return "it contains white space"
    if name[0].isdigit():
        return "it starts with a digit"
    return "it has a character other than A-Z, a-z, 0-9 and _"
