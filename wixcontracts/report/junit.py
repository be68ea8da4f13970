"""A tiny JUnit XML model: suites → cases → failure / error / skipped / system-out.

The output is valid against the common JUnit XSD (Jenkins' xunit ``junit-10.xsd``):

- ``<testsuite>`` always carries ``name``, ``tests``, ``failures``, ``errors`` (required there) and
  ``skipped``; ``time`` only when a producer measured one; extra facts go into ``<properties>``.
- ``<testsuites>`` carries only what that schema allows there: ``name``, ``tests``, ``failures``,
  ``errors``, ``time``.
- Counts are derived from the cases, never passed in: a case with an ``<error>`` counts as an error,
  else one with a ``<failure>`` as a failure, else one with ``<skipped>`` as skipped.
- Text is escaped for XML 1.0: ``& < > "`` as entities; characters XML 1.0 forbids (NUL and the other
  C0 controls except TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF) become a visible ``\\xNN`` / ``\\uNNNN``.
  In attributes TAB/LF/CR are character references so a parser gives them back unchanged.
- Order is the order of construction (producers sort); attributes are in a fixed order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MESSAGE_LIMIT = 1000  # attribute messages are summaries; the full text goes in the element body

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _visible(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def xml_safe(text) -> str:
    """``text`` as a str with every character XML 1.0 forbids replaced by a visible escape."""
    return _FORBIDDEN.sub(_visible, "" if text is None else str(text))


def _text(s) -> str:
    return (xml_safe(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _attr(s) -> str:
    return (_text(s).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;"))


def summary(text, limit: int = MESSAGE_LIMIT) -> str:
    """One line, at most ``limit`` characters: for ``message`` attributes."""
    s = " ".join(str(text or "").split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


@dataclass
class Outcome:
    """The body of a ``<failure>``, ``<error>`` or ``<skipped>``."""

    message: str = ""
    type: str = ""
    text: str = ""


@dataclass
class Case:
    name: str
    classname: str = ""
    time: float | None = None
    failures: list[Outcome] = field(default_factory=list)
    errors: list[Outcome] = field(default_factory=list)
    skipped: Outcome | None = None
    system_out: str = ""
    system_err: str = ""

    def fail(self, message: str, text: str = "", type: str = "") -> "Case":
        self.failures.append(Outcome(message, type, text))
        return self

    def error(self, message: str, text: str = "", type: str = "") -> "Case":
        self.errors.append(Outcome(message, type, text))
        return self

    def skip(self, message: str = "", text: str = "") -> "Case":
        self.skipped = Outcome(message, "", text)
        return self

    @property
    def status(self) -> str:
        if self.errors:
            return "error"
        if self.failures:
            return "failure"
        if self.skipped is not None:
            return "skipped"
        return "passed"


@dataclass
class Suite:
    name: str
    cases: list[Case] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    time: float | None = None
    system_out: str = ""

    def add(self, case: Case) -> Case:
        self.cases.append(case)
        return case

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.cases)

    @property
    def tests(self) -> int:
        return len(self.cases)

    @property
    def failures(self) -> int:
        return self.count("failure")

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    @property
    def total_time(self) -> float | None:
        if self.time is not None:
            return self.time
        times = [c.time for c in self.cases if c.time is not None]
        return sum(times) if times else None


def _time(t: float | None) -> str | None:
    return None if t is None else f"{max(t, 0.0):.3f}"


def _open(tag: str, attrs: list[tuple[str, object]], close: bool = False) -> str:
    a = "".join(f' {k}="{_attr(v)}"' for k, v in attrs if v is not None)
    return f"<{tag}{a}{'/' if close else ''}>"


def _outcome(tag: str, o: Outcome, ind: str) -> str:
    attrs = [("message", summary(o.message)), ("type", o.type or None)]
    if not o.text:
        return ind + _open(tag, attrs, close=True)
    return f"{ind}{_open(tag, attrs)}{_text(o.text)}</{tag}>"


def _case(c: Case, ind: str) -> list[str]:
    attrs = [("name", c.name), ("classname", c.classname or None), ("time", _time(c.time))]
    body = [_outcome("error", o, ind + "  ") for o in c.errors]
    body += [_outcome("failure", o, ind + "  ") for o in c.failures]
    if c.skipped is not None:
        body.append(_outcome("skipped", c.skipped, ind + "  "))
    if c.system_out:
        body.append(f"{ind}  <system-out>{_text(c.system_out)}</system-out>")
    if c.system_err:
        body.append(f"{ind}  <system-err>{_text(c.system_err)}</system-err>")
    if not body:
        return [ind + _open("testcase", attrs, close=True)]
    return [ind + _open("testcase", attrs), *body, f"{ind}</testcase>"]


def _suite(s: Suite, ind: str) -> list[str]:
    attrs = [("name", s.name), ("tests", s.tests), ("failures", s.failures), ("errors", s.errors),
             ("skipped", s.skipped), ("time", _time(s.total_time))]
    out = [ind + _open("testsuite", attrs)]
    if s.properties:
        out.append(f"{ind}  <properties>")
        out += [f"{ind}    " + _open("property", [("name", k), ("value", v)], close=True)
                for k, v in s.properties.items()]
        out.append(f"{ind}  </properties>")
    for c in s.cases:
        out += _case(c, ind + "  ")
    if s.system_out:
        out.append(f"{ind}  <system-out>{_text(s.system_out)}</system-out>")
    out.append(f"{ind}</testsuite>")
    return out


_DECL = '<?xml version="1.0" encoding="UTF-8"?>'


def render_suite(suite: Suite) -> str:
    """A document whose root is one ``<testsuite>``."""
    return "\n".join([_DECL, *_suite(suite, "")]) + "\n"


def render(suites: list[Suite], name: str | None = None) -> str:
    """A document whose root is ``<testsuites>`` with the totals of ``suites``."""
    times = [s.total_time for s in suites if s.total_time is not None]
    attrs = [("name", name), ("tests", sum(s.tests for s in suites)),
             ("failures", sum(s.failures for s in suites)), ("errors", sum(s.errors for s in suites)),
             ("time", _time(sum(times)) if times else None)]
    lines = [_DECL, _open("testsuites", attrs)]
    for s in suites:
        lines += _suite(s, "  ")
    lines.append("</testsuites>")
    return "\n".join(lines) + "\n"


__all__ = ["Outcome", "Case", "Suite", "render", "render_suite", "xml_safe", "summary"]
