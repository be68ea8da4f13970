"""Format checks for the slow (explaining) path, aligned with jsonschema-rs.

Python jsonschema checks ``date-time`` only when ``rfc3339-validator`` is installed and
accepts non-canonical uuids (``uuid.UUID`` takes ``+``/``_``); jsonschema-rs is strict.
The explanation must agree with the fast path's verdict, so both are replaced here."""

from __future__ import annotations

import re

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
                 r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_uuid(value: object) -> bool:
    return not isinstance(value, str) or _UUID.fullmatch(value) is not None


def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    m = _DT.fullmatch(value)
    if not m:
        return False
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    if not 1 <= mo <= 12 or d < 1:
        return False
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if d > (29 if mo == 2 and leap else _DAYS[mo - 1]):
        return False
    if h > 23 or mi > 59 or s > 60:
        return False
    oh = om = 0
    sign = 1
    if not m.group(8):
        sign = 1 if m.group(9) == "+" else -1
        oh, om = int(m.group(10)), int(m.group(11))
        if oh > 23 or om > 59:
            return False
    if s == 60:  # leap second: only at 23:59 UTC
        utc = (h * 60 + mi - sign * (oh * 60 + om)) % 1440
        if utc != 23 * 60 + 59:
            return False
    return True


# formats the contracts use that jsonschema-rs checks and Python jsonschema checks differently (or only with
# extra packages): the explanation asks jsonschema-rs itself, so both paths give one verdict by construction
DELEGATED = ("email", "time", "uri", "date", "hostname")


def _rs_format(name: str):
    import jsonschema_rs

    v = jsonschema_rs.validator_for({"format": name}, validate_formats=True)
    return lambda value: not isinstance(value, str) or v.is_valid(value)


def format_checker():
    from jsonschema import Draft202012Validator, FormatChecker

    fc = FormatChecker()
    fc.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    fc.checks("uuid")(is_uuid)
    fc.checks("date-time")(is_date_time)
    for name in DELEGATED:
        fc.checks(name)(_rs_format(name))
    return fc
