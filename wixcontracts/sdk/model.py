"""Combine an extracted SDK package into one :class:`~wixcontracts.ir.ApiModel`."""

from __future__ import annotations

import json
from pathlib import Path

from wixcontracts.ir import ApiModel, Diagnostic, Service, iter_fields, service_slug

from .fetch import read_integrity
from .operations import build_operations, extract_rest_methods
from .typings import TypingsError, parse_typings

PUBLIC_TYPINGS = "build/cjs/meta.d.ts"
INTERNAL_TYPINGS = "build/internal/cjs/meta.d.ts"
REST_JS = "build/cjs/meta.js"


class SdkModelError(ValueError):
    """The package folder lacks what the importer needs (one-line message)."""


def source_url(package: str, version: str, rel_path: str) -> str:
    return f"npm:{package}@{version}/{rel_path}"


def _read(package_dir: Path, rel: str) -> bytes:
    p = package_dir / rel
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise SdkModelError(f"{p}: missing (is this an extracted @wix SDK package?)") from None
    except OSError as exc:
        raise SdkModelError(f"{p}: cannot read ({exc.strerror or exc})") from None


def package_identity(package_dir: Path) -> tuple[str, str]:
    raw = _read(package_dir, "package.json")
    try:
        meta = json.loads(raw)
        return str(meta["name"]), str(meta["version"])
    except (ValueError, KeyError, TypeError):
        raise SdkModelError(f"{package_dir / 'package.json'}: no name/version") from None


def _parse(package_dir: Path, package: str, version: str, rel: str, internal: bool):
    try:
        return parse_typings(_read(package_dir, rel), source_url(package, version, rel),
                             source_url=source_url(package, version, rel), include_internal=internal)
    except TypingsError as exc:
        raise SdkModelError(str(exc)) from None


def _mark_non_public(internal, public) -> int:
    """Fields of the internal typings that the public typings do not declare become ``public=False``;
    the others take the public declaration as their source.  Returns how many were marked."""
    n = 0

    def walk(members, pub_members):
        nonlocal n
        pub = {f.name: f for f in iter_fields(pub_members)} if pub_members is not None else {}
        for f in iter_fields(members):
            p = pub.get(f.name)
            if p is None:
                f.public = False
                n += 1
            else:
                f.source = p.source
                if f.members:
                    walk(f.members, p.members)

    for name, td in internal.types.items():
        ptd = public.types.get(name)
        if ptd is None:
            continue  # a type only the internal build declares: the fields that use it are marked
        td.source = ptd.source
        walk(td.members, ptd.members)
    return n


def load_sdk_model(package_dir: Path, *, internal: bool = False) -> ApiModel:
    """Types (REST-shaped "original" types of ``meta.d.ts``) and REST operations of a package.

    ``internal=True`` reads the internal build's typings, which also declare fields the public
    typings leave out (tagged ``@internal`` or not declared there at all); those fields are kept
    and marked ``public=False`` (known to the API, not public), the others keep their public
    declaration as source.
    """
    package_dir = Path(package_dir)
    package, version = package_identity(package_dir)
    typings_rel = INTERNAL_TYPINGS if internal else PUBLIC_TYPINGS
    typings = _parse(package_dir, package, version, typings_rel, internal)
    if internal:
        _mark_non_public(typings, _parse(package_dir, package, version, PUBLIC_TYPINGS, False))
    methods, js_diags = extract_rest_methods(_read(package_dir, REST_JS), source_url(package, version, REST_JS))
    operations, op_diags = build_operations(methods, typings, js_url=source_url(package, version, REST_JS))

    slug = service_slug(package)
    for op in operations.values():
        op.service = slug
    model = ApiModel(operations=operations, types=dict(typings.types))
    model.diagnostics += typings.diagnostics + js_diags + op_diags
    model.sources["sdk"] = {
        "package": package,
        "version": version,
        "integrity": read_integrity(package_dir),
        "files": [typings_rel, REST_JS],
        "internal": internal,
    }
    return model


def is_rest_package(package_dir: Path) -> bool:
    """A package with REST operations ships ``meta.js``; a service-plugin package does not."""
    return (Path(package_dir) / REST_JS).is_file()


def load_service(package_dir: Path, *, internal: bool = False) -> Service:
    """One SDK package as a :class:`~wixcontracts.ir.Service` (``rest`` or ``service-plugin``); the
    internal typings are read when the package ships them (their extra fields marked non-public).  With
    the webhook events it declares and, for a service-plugin package, its plugin methods; what the event
    and plugin importers report goes into the model's diagnostics.  A verified package's import is cached
    beside it (:mod:`.ircache`)."""
    from .ircache import cached

    return cached(Path(package_dir), internal, lambda: import_service(package_dir, internal=internal))


def import_service(package_dir: Path, *, internal: bool = False) -> Service:
    """:func:`load_service` without the cache: the package's files parsed."""
    from .events import load_events
    from .plugins import load_service_plugin

    package_dir = Path(package_dir)
    package, version = package_identity(package_dir)
    slug = service_slug(package)
    if not is_rest_package(package_dir):
        model = ApiModel()
        model.diagnostics.append(Diagnostic("info", "sdk.service-plugin",
                                            f"{package}@{version}: a service-plugin package (no REST operations)",
                                            source_url(package, version, "package.json")))
        svc = Service(slug, package, version, read_integrity(package_dir), "service-plugin", model)
        svc.plugin, svc.plugin_types, diags = load_service_plugin(package_dir)
        model.diagnostics += diags
    else:
        internal = internal or (package_dir / INTERNAL_TYPINGS).is_file()
        model = load_sdk_model(package_dir, internal=internal)
        svc = Service(slug, package, version, model.sources["sdk"]["integrity"], "rest", model)
    events, types, diags = load_events(package_dir)
    model.diagnostics += diags
    if events:
        svc.events = sorted(events, key=lambda e: e.name)
        svc.event_types = types
    return svc
