"""The official JS client's URL rule, in Python.

Mirrors ``resolveUrl`` of ``@wix/sdk-runtime`` (``build/rest-modules.js``), which every
generated request builder calls as ``resolveUrl({protoPath, data, host, domainToMappings})``:

1. the host becomes a *domain key*: host aliases, then ``.wix.com``/``.editorx.com`` ->
   ``._base_domain_`` (the runtime's regex leaves the dot in ``wix.com`` unescaped, and so
   does this copy), three API hosts -> ``._api_base_domain_``, ``*.dev.wix-code.com``;
2. the mappings of that key; else of its root domain (the key minus its first label);
   else of the most specific matching wildcard (``*.suffix``); else, for a
   ``<x>._base_domain_`` key, ``www._base_domain_``; else the ``_`` mappings; else none;
3. path params are filled in from the request data (``{a.b}`` -> ``data.a.b``; a missing
   value is written as the runtime writes it: the raw segment when an intermediate object
   is missing, ``undefined`` when the leaf is);
4. the FIRST mapping whose ``destPath`` is a plain string prefix of that path wins:
   ``srcPath + path[len(destPath):]``; no match leaves the path as it is.

:mod:`wixcontracts.sdk.operations` uses it for every canonical path;
the tests in ``tests/jsclient`` check it against the client's captured requests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

DEFAULT_HOST = "www.wixapis.com"
USER_DOMAIN = "_"
WILDCARD_PREFIX = "*."
_DOMAINS = ["wix.com", "editorx.com"]
_WIX_API_DOMAINS = ["42.wixprod.net", "uw2-edt-1.wixprod.net", "virginia-edt.wixprod.net"]
_HOST_ALIASES = {"payments.base44.com": "manage.wix.com", "create.editorx.com": "editor.editorx.com"}
_DEV_WIX_CODE_DOMAIN = "dev.wix-code.com"
# the runtime builds these with `new RegExp(...)` from the unescaped lists above: keep that
_RE_DOMAINS = re.compile(r"\.(" + "|".join(_DOMAINS) + r")$")
_RE_API_DOMAINS = re.compile(r"\.(" + "|".join(_WIX_API_DOMAINS) + r")$")
_RE_DEV_WIX_CODE = re.compile(r".*\." + _DEV_WIX_CODE_DOMAIN + r"$")
_RE_PROTO_FIELD = re.compile(r"{(.*)}")
_WWW_BASE_DOMAIN = "www._base_domain_"
_MISSING = object()

Mapping_ = tuple[str, str]  # (srcPath, destPath)


def resolve_domain(host: str) -> str:
    """The key into ``domainToMappings`` for ``host`` (``www.wixapis.com`` stays itself)."""
    h = _HOST_ALIASES.get(host, host)
    h = _RE_DOMAINS.sub("._base_domain_", h, count=1)
    h = _RE_API_DOMAINS.sub("._api_base_domain_", h, count=1)
    return _RE_DEV_WIX_CODE.sub("*.dev.wix-code.com", h, count=1)


def _entries(value: Iterable) -> list[Mapping_]:
    out: list[Mapping_] = []
    for m in value:
        if isinstance(m, Mapping):
            out.append((str(m["srcPath"]), str(m["destPath"])))
        else:
            src, dest = m
            out.append((str(src), str(dest)))
    return out


def mappings_for_domain(domain: str, domain_to_mappings: Mapping[str, Iterable]) -> list[Mapping_]:
    """``resolveMappingsByDomain``: exact key, root domain, wildcard, ``www`` base, ``_``."""
    if domain_to_mappings.get(domain) is not None:  # a JS [] is truthy: an empty list stops here too
        return _entries(domain_to_mappings[domain])
    root = ".".join(domain.split(".")[1:])
    matched = next((v for k, v in domain_to_mappings.items() if k == root), None)
    if matched is None:
        wild = [(k, v) for k, v in domain_to_mappings.items() if _matches_wildcard(domain, k)]
        wild.sort(key=lambda kv: -len(kv[0]))  # stable, like Array.prototype.sort
        matched = wild[0][1] if wild else None
    if matched is None:
        if domain.endswith("._base_domain_") and domain_to_mappings.get(_WWW_BASE_DOMAIN) is not None:
            return _entries(domain_to_mappings[_WWW_BASE_DOMAIN])
        if domain_to_mappings.get(USER_DOMAIN) is not None:
            return _entries(domain_to_mappings[USER_DOMAIN])
        return []
    return _entries(matched)


def _matches_wildcard(domain: str, entry: str) -> bool:
    if not entry.startswith(WILDCARD_PREFIX):
        return False
    suffix = entry[len(WILDCARD_PREFIX) - 1 :]  # keeps the leading dot
    return len(domain) > len(suffix) and domain.endswith(suffix)


def _js_truthy(v: Any) -> bool:
    if v is _MISSING or v is None or v is False or v == "":
        return False
    if isinstance(v, (int, float)) and not isinstance(v, bool) and (v == 0 or v != v):
        return False
    return True


def _js_str(v: Any) -> str:
    if v is _MISSING:
        return "undefined"
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, list):
        return ",".join("" if x is None else _js_str(x) for x in v)
    if isinstance(v, dict):
        return "[object Object]"
    return str(v)


def inject_path_params(proto_path: str, data: Mapping | None) -> str:
    """``injectDataIntoProtoPath``: ``/v2/bookings/{bookingId}/cancel`` + data -> filled path."""
    data = data or {}
    out = []
    for segment in proto_path.split("/"):
        m = _RE_PROTO_FIELD.search(segment)
        field = m.group(1) if m else ""
        if not field:
            out.append(segment)
            continue
        suffix = segment.replace(m.group(0), "", 1)
        value: Any = data
        for part in field.split("."):
            if not _js_truthy(value):
                value = segment  # the runtime returns the raw segment, without the suffix
                break
            if isinstance(value, Mapping):
                value = value.get(part, _MISSING)
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                value = _MISSING
        else:
            value = _js_str(value) + suffix
        out.append(value)
    return "/".join(out)


def resolve_client_path(
    proto_path: str,
    mappings: Mapping[str, Iterable],
    host: str = DEFAULT_HOST,
    data: Mapping | None = None,
) -> str:
    """The path the official JS client sends a request for ``proto_path`` to.

    ``mappings`` is a resolver's ``domainToMappings`` (domain -> ``[(srcPath, destPath)]``
    or ``[{"srcPath", "destPath"}]``).  With ``data`` the ``{param}`` segments are filled
    in first, as the runtime does before it matches prefixes."""
    path = inject_path_params(proto_path, data) if data is not None else proto_path
    for src, dest in mappings_for_domain(resolve_domain(host), mappings):
        if path.startswith(dest):
            return src + path[len(dest) :]
    return path
