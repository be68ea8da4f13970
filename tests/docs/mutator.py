"""A reusable docs-page mutator: damaged and adversarial copies of real pages.

``mutate(text, chooser)`` applies 1-6 mutations drawn through ``chooser``, which is either a
Hypothesis ``draw`` (``HypothesisChooser``: shrinkable, used by the tests) or a seeded
``random.Random`` (``RandomChooser``: for quick reproduction from a seed).

Mutations:

* text damage: ``cut`` (truncate), ``drop`` (delete a stretch), ``dup`` (repeat a stretch),
  ``insert`` (a structural marker or a short random text), ``swap`` (exchange two stretches);
* ``rename``: a name the compiler takes from the page (method name, title, Velo signature,
  field name, type, return type, enum value, method link) becomes an adversarial name:
  ``../`` traversal, an absolute path, NUL, backslash, 300 characters, spaces, dots;
* ``retype``: a field's type becomes another type the page names, its parent's type or its
  own return type: self-referential and mutually recursive named types;
* ``nest``: a chain of nested fields (live indentation, up to thousands of levels deep)
  whose types repeat: deep nesting and cycles in one go;
* ``wide``: up to a thousand sibling fields (in a ONE-OF group when one is open there);
* ``deepjson``: an example body nested up to thousands of levels.
"""

from __future__ import annotations

import random
import re

MARKERS = ["- name: ", "param name: ", "- ONE-OF: ", "- enum: ", "```", "Return type: ", "| type: ", "\n   ",
           "HTTP Code: 4", "Method: ", "URL: ", "Required parameters: ", "Method parameters: ", "# Note: ",
           "\n# Method name: ", "\n## REST API\n", "\n## JavaScript SDK\n", "\n### Schema\n", "PROMISE<",
           "- ONE-OF: - required: true ", " | required: true", "array<", "\n", "(", ")", "|", "<", ">"]

BAD_NAMES = [
    "../../x", "../../../../escaped/pwn", "/etc/x", "a\x00b", "\x00", "a\\b", "..\\..\\x", "C:\\x",
    "a" * 300, "A" * 300, "a b", "a.b", "A.B", ".", "..", "", " ", "a/b", "A/../../B", "~/x", "$x", "a\nb",
    "é", "A" * 101, "a:b", "<x>", "A<B>", "1abc", "_", "A\tB",
]

# a name the compiler reads from the page: the group to replace
_NAME_SITES = [
    re.compile(r"Method: (\S+)"),
    re.compile(r"Method name: ([^(\s]+)"),
    re.compile(r"(?:^|\s)# ([A-Z][A-Za-z0-9]*)\s"),
    re.compile(r"(?:param name|- name): ([^\s|]+)"),
    re.compile(r"\| type: ([^\s|]+)"),
    re.compile(r"Return type: (\S+)"),
    re.compile(r"PROMISE<([^>\s]+)>"),
    re.compile(r"-\s+([A-Z][A-Z0-9_]*):"),
    re.compile(r"Method [Ll]ink: (\S+)"),
    re.compile(r"\((\w+)\s*:"),
    re.compile(r":\s*(\w+)[,)]"),
    re.compile(r"Required parameters: ([^\n]+?)\s"),
    re.compile(r"URL: (\S+)"),
]
_TYPE = re.compile(r"(?:\| type: |Return type: |PROMISE<)([A-Z]\w*)")
_FIELD_LINE = re.compile(r"(?m)^( *)- name: [^\n]*$")


class RandomChooser:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def choice(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def text(self, max_size: int) -> str:
        alphabet = "aZ_-|:#<>()[].,/\\ \n\t\x00`*é0"
        return "".join(self.choice(alphabet) for _ in range(self.integer(0, max_size)))


class HypothesisChooser:
    def __init__(self, draw):
        from hypothesis import strategies as st

        self.draw = draw
        self.st = st

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(self.st.integers(lo, hi))

    def choice(self, seq):
        return self.draw(self.st.sampled_from(seq))

    def text(self, max_size: int) -> str:
        return self.draw(self.st.text(max_size=max_size))


OPS = ["cut", "drop", "dup", "insert", "swap", "rename", "rename", "retype", "retype", "nest", "wide", "deepjson"]


def mutate(text: str, c, n: int | None = None) -> str:
    for _ in range(n if n is not None else c.integer(1, 6)):
        if not text:
            break
        text = apply(c.choice(OPS), text, c)
    return text


def apply(op: str, text: str, c) -> str:
    i = c.integer(0, len(text) - 1)
    j = min(len(text), i + c.integer(1, 400))
    if op == "cut":
        return text[:i]
    if op == "drop":
        return text[:i] + text[j:]
    if op == "dup":
        return text[:j] + text[i:j] + text[j:]
    if op == "insert":
        what = c.choice(MARKERS + ["<text>"])
        if what == "<text>":
            what = c.text(20)
        return text[:i] + what + text[i:]
    if op == "swap":
        k = c.integer(0, len(text) - 1)
        a, b = sorted((i, k))
        return text[:a] + text[b:j] + text[a:b] + text[j:] if b < j else text
    if op == "rename":
        return _rename(text, c)
    if op == "retype":
        return _retype(text, c)
    if op == "nest":
        return _nest(text, c)
    if op == "wide":
        return _wide(text, c)
    if op == "deepjson":
        return _deepjson(text, c)
    raise ValueError(op)


def _sites(text: str, patterns) -> list[tuple[int, int]]:
    return [m.span(1) for p in patterns for m in p.finditer(text)]


def _rename(text: str, c) -> str:
    sites = _sites(text, [c.choice(_NAME_SITES)]) or _sites(text, _NAME_SITES)
    if not sites:
        return text
    a, b = c.choice(sites)
    bad = c.choice(BAD_NAMES)
    if c.integer(0, 3) == 0:  # keep a plausible head: Booking/../../x
        bad = text[a:b] + bad
    return text[:a] + bad + text[b:]


def _retype(text: str, c) -> str:
    sites = [m.span(1) for m in _TYPE.finditer(text)]
    if not sites:
        return text
    names = sorted({text[a:b] for a, b in sites})
    k = c.integer(0, len(sites) - 1)
    a, b = sites[k]
    # another type the page names, or the one just before (often the enclosing type): a cycle
    new = c.choice(names) if c.integer(0, 1) else text[slice(*sites[max(0, k - 1)])]
    return text[:a] + new + text[b:]


def _nest(text: str, c) -> str:
    """A chain of nested fields whose types repeat (``A`` holds ``B`` holds ``A`` ...)."""
    lines = list(_FIELD_LINE.finditer(text))
    names = sorted({m.group(1) for m in _TYPE.finditer(text)}) or ["Node"]
    cycle = [c.choice(names) for _ in range(c.integer(1, 3))]
    depth = c.choice([3, 10, 60, 400, 1500])
    if lines:
        m = c.choice(lines)
        at, col = m.end(), len(m.group(1))
    else:
        at, col = c.integer(0, len(text)), 1
    # 0: collapsed (no indentation); indenting thousands of levels would make pages of
    # megabytes (the text grows with depth squared), so the deepest chains are collapsed
    step = c.choice([3, 5, 0]) if depth <= 400 else 0
    parts = []
    for d in range(depth):
        sep = "\n" + " " * (col + step * (d + 1)) if step else " "
        parts.append(f"{sep}- name: n{d % 7} | type: {cycle[d % len(cycle)]} | description: x")
    return text[:at] + "".join(parts) + text[at:]


def _wide(text: str, c) -> str:
    lines = list(_FIELD_LINE.finditer(text))
    n = c.choice([5, 80, 1000])
    if lines:
        m = c.choice(lines)
        at, sep = m.end(), "\n" + m.group(1)
    else:
        at, sep = c.integer(0, len(text)), " "
    return text[:at] + "".join(f"{sep}- name: w{i} | type: string | description: x" for i in range(n)) + text[at:]


def _deepjson(text: str, c) -> str:
    """An example body (``-d '...'``) replaced by one nested ``n`` levels."""
    sites = [m.span(1) for m in re.finditer(r"-d '([^']*)'", text)]
    a, b = c.choice(sites) if sites else (c.integer(0, len(text)),) * 2
    n = c.choice([10, 65, 900, 5000])
    open_, close = c.choice([("[", "]"), ('{"a":', "}")])
    return text[:a] + open_ * n + "1" + close * n + text[b:]
