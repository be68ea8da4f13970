"""What a failing test shows: one compact block per violation, the nearest operations of an
unknown path, and where in the integrator's code the call was made.

A violation block::

    WixContractViolation: bookings.declineMultiServiceBooking (POST /bookings/multiServiceBookings/v2/…/decline)
      request /declineBookingsInfo/0/revison  rule: undocumented-field
          field 'revison' is not documented for this object
          expected: ['bookingId', 'paymentStatus', 'revision']
          actual:   1
          did you mean: 'revision'?
          docs:     https://dev.wix.com/docs/…
      called at bookings_client.py:27 in _post
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from urllib.parse import urlsplit

MAX_FINDINGS = 6  # per violation block; the rest are counted

# frames of these places are never "the caller": the user's code is the first frame outside them
_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the wixcontracts package


def _internal_prefixes() -> tuple[str, ...]:
    import site
    import sysconfig

    paths = {_PKG + os.sep}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            paths.add(os.path.abspath(p) + os.sep)
    for p in [*getattr(site, "getsitepackages", lambda: [])(), site.getusersitepackages()]:
        paths.add(os.path.abspath(p) + os.sep)
    return tuple(sorted(paths))


_INTERNAL = _internal_prefixes()


class WixContractViolation(AssertionError):
    """A request (or a replayed response) that breaks the Wix contract."""

    __module__ = "wixcontracts"


def did_you_mean(finding) -> str | None:
    """For an unknown field: the nearest documented name (difflib)."""
    if finding.rule not in ("undocumented-field", "non-public-field") or not finding.pointer:
        return None
    name = finding.pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    exp = finding.expected
    if not isinstance(exp, (list, tuple, set)):
        return None
    close = difflib.get_close_matches(name, [str(x) for x in exp], n=1, cutoff=0.6)
    if not close:  # case or separator slips: createdDate vs created_date vs CreatedDate
        norm = re.sub(r"[^a-z0-9]", "", name.lower())
        close = [x for x in exp if re.sub(r"[^a-z0-9]", "", str(x).lower()) == norm][:1]
    return close[0] if close else None


def _expected(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, (list, tuple, set)):
        items = list(v)
        shown = ", ".join(repr(x) for x in items[:12])
        return f"[{shown}{', …' if len(items) > 12 else ''}]"
    return repr(v)


def format_findings(findings, op: dict | None = None, *, indent: str = "  ") -> list[str]:
    lines: list[str] = []
    for f in findings[:MAX_FINDINGS]:
        lines.append(f"{indent}{f.location} {f.pointer or '/'}  rule: {f.rule}")
        pad = indent + "    "
        lines.append(f"{pad}{f.message}")
        lines.append(f"{pad}expected: {_expected(f.expected)}")
        lines.append(f"{pad}actual:   {f.actual}" if f.actual is not None else f"{pad}actual:   (missing)")
        dym = did_you_mean(f)
        if dym:
            lines.append(f"{pad}did you mean: {dym!r}?")
        link = f.source or (op or {}).get("page")
        if link:
            lines.append(f"{pad}docs:     {link}")
    if len(findings) > MAX_FINDINGS:
        lines.append(f"{indent}… and {len(findings) - MAX_FINDINGS} more finding(s)")
    return lines


def format_violation(title: str, findings, op: dict | None = None) -> str:
    return "\n".join([title, *format_findings(findings, op)])


def short_path(url: str, limit: int = 160) -> str:
    p = urlsplit(url).path
    return p if len(p) <= limit else p[: limit - 1] + "…"


def caller() -> str | None:
    """``file:line in function`` of the innermost frame outside HTTP clients, pytest and wixcontracts."""
    f = sys._getframe(1)
    while f is not None:
        fn = f.f_code.co_filename
        if not fn.startswith(_INTERNAL) and "site-packages" not in fn and not fn.startswith("<"):
            try:
                shown = os.path.relpath(fn)
            except ValueError:
                shown = fn
            if shown.startswith(".." + os.sep + ".."):
                shown = fn
            return f"{shown}:{f.f_lineno} in {f.f_code.co_name}"
        f = f.f_back
    return None


def nearest_operations(contracts, method: str, url: str, n: int = 3) -> str:
    path = urlsplit(url).path
    cands = []
    for name, op in contracts.catalog.operations.items():
        for tpl in [op.get("path"), *(op.get("aliases") or [])]:
            if not tpl:
                continue
            filled = re.sub(r"\{[^}]+\}", "{}", tpl)
            ratio = difflib.SequenceMatcher(None, _shape(path, tpl), filled).ratio()
            same_method = (op.get("method") or "").upper() == method.upper()
            cands.append((ratio + (0.25 if same_method else 0), ratio, name, op, tpl))
    cands.sort(key=lambda x: -x[0])
    seen, lines = set(), []
    for _score, ratio, name, op, tpl in cands:
        if name in seen:
            continue
        seen.add(name)
        lines.append(f"  {name}: {op.get('method')} {tpl}   (similarity {ratio:.2f})")
        if (op.get("method") or "").upper() != method.upper():
            lines.append(f"      method: sent {method.upper()}, documented {op.get('method')}")
        want, got = tpl.strip("/").split("/"), path.strip("/").split("/")
        if len(want) == len(got):
            diffs = [(w, g) for w, g in zip(want, got) if not w.startswith("{") and w != g]
            for w, g in diffs:
                lines.append(f"      path segment: documented {w!r}, sent {g!r}")
        else:
            for d in difflib.ndiff(want, got):
                if d[:1] in "+-" and not d.startswith("- {"):
                    lines.append(f"      path {'documented' if d[0] == '-' else 'sent':10} segment: {d[2:]}")
        if op.get("page"):
            lines.append(f"      docs: {op.get('page')}")
        if len(seen) >= n:
            break
    return "\n".join(lines)


def _shape(path: str, tpl: str) -> str:
    """Replace the path's segments that sit where the template has parameters by ``{}``."""
    p, t = path.strip("/").split("/"), tpl.strip("/").split("/")
    if len(p) == len(t):
        p = ["{}" if ts.startswith("{") else ps for ps, ts in zip(p, t)]
    return "/" + "/".join(p)
