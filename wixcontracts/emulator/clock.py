"""The emulator's clock and the date formats of the API.

:class:`Clock` is real time by default; ``set()`` freezes it at an instant, ``advance()`` moves a frozen
clock, ``release()`` goes back to real time (``POST /_wixcontracts/clock``).  Every timestamp the emulator
writes comes from it, so runs are reproducible with a frozen clock.

Formats: instants are RFC 3339 UTC with milliseconds (``2030-01-07T09:00:00.000Z``, what Wix returns);
local date-times are ``YYYY-MM-DDThh:mm:ss`` without offset, read in a time zone (Time Slots V2)."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Callable

UTC = timezone.utc
_INSTANT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?"
                      r"(Z|z|[+-]\d{2}:?\d{2})?$")


class Clock:
    """Real time, or frozen at an instant (thread-safe)."""

    def __init__(self, now: datetime | str | Callable[[], datetime] | None = None):
        self._lock = threading.Lock()
        self._source: Callable[[], datetime] | None = None
        self._frozen: datetime | None = None
        if callable(now) and not isinstance(now, datetime):
            self._source = now
        elif now is not None:
            self.set(now)

    def now(self) -> datetime:
        frozen = self._frozen
        if frozen is not None:
            return frozen
        if self._source is not None:
            dt = self._source()
            return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
        return datetime.now(UTC)

    __call__ = now

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def set(self, when: datetime | str) -> None:
        """Freeze at ``when`` (an aware datetime or an RFC 3339 string; naive means UTC)."""
        if isinstance(when, str):
            dt = parse_instant(when)
            if dt is None:
                raise ValueError(f"not an RFC 3339 date-time: {when!r}")
            when = dt
        with self._lock:
            self._frozen = when if when.tzinfo else when.replace(tzinfo=UTC)

    def advance(self, seconds: float) -> None:
        """Move the clock forward (freezing it at now + seconds when it runs in real time)."""
        with self._lock:
            base = self._frozen if self._frozen is not None else self.now()
            self._frozen = base + timedelta(seconds=seconds)

    def release(self) -> None:
        """Back to real time."""
        with self._lock:
            self._frozen = None

    def describe(self) -> dict:
        return {"now": rfc3339(self.now()), "frozen": self.frozen}


def rfc3339(dt: datetime) -> str:
    """``2030-01-07T09:00:00.000Z`` (= ``isoformat(timespec="milliseconds")`` in UTC, with ``Z``; formatted
    directly: isoformat is twice as slow)."""
    if dt.tzinfo is not UTC:
        dt = dt.astimezone(UTC)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second,
                                                   dt.microsecond // 1000)


def parse_instant(text: str, tz: tzinfo | None = None) -> datetime | None:
    """An ISO 8601 / RFC 3339 date-time as an aware datetime; without an offset it is read in ``tz``
    (UTC when None).  None when ``text`` is not one."""
    if not isinstance(text, str):
        return None
    m = _INSTANT.match(text.strip())
    if not m:
        return None
    y, mo, d, h, mi, s, frac, off = m.groups()
    try:
        micro = int((frac or ".0")[1:7].ljust(6, "0"))
        naive = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0), micro)
    except ValueError:
        return None
    if off is None:
        return naive.replace(tzinfo=tz or UTC)
    if off in ("Z", "z"):
        return naive.replace(tzinfo=UTC)
    sign = 1 if off[0] == "+" else -1
    digits = off[1:].replace(":", "")
    return naive.replace(tzinfo=timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))))


def parse_local(text: str) -> datetime | None:
    """A local date-time ``YYYY-MM-DDThh:mm[:ss]`` (no offset) as a naive datetime, else None."""
    if not isinstance(text, str):
        return None
    m = _INSTANT.match(text.strip())
    if not m or m.group(8):
        return None
    y, mo, d, h, mi, s, _frac, _ = m.groups()
    try:
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
    except ValueError:
        return None


def local_text(dt: datetime) -> str:
    """A naive (or aware: its wall time) datetime as ``YYYY-MM-DDThh:mm:ss``."""
    return f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}"


@lru_cache(maxsize=64)
def zone(name: str | None) -> tzinfo:
    """The IANA time zone ``name`` (``UTC`` for None / ``""``); raises ``ValueError`` for an unknown zone."""
    if not name or name.upper() in ("UTC", "Z", "ETC/UTC", "GMT"):
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r}: expected an IANA name such as 'Europe/Dublin'") from None
