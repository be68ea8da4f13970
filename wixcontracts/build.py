"""Compile the sources into the whole-API model and write ``schemas/`` and ``contracts/``
byte-identically for the same inputs.

Sources: the docs pages (any Bookings service; the page's URL path gives its service) and the
pinned SDK packages (``contracts/sdk-pin.json``: every ``@wix/auto_sdk_bookings_*`` package of one
``@wix/bookings`` version).  Each service is merged on its own (docs + its package), then
emitted into its own folder::

    schemas/<service>/types/NAME.json
    schemas/<service>/{rest,sdk}/OP.{request,response}.json, schemas/<service>/rest/OP.{path,error}.json
    schemas/<service>/events/EVENT.{message,envelope,payload}.json   webhook events (EVENT: booking_created)
    schemas/<service>/plugin/METHOD.{request,response}.json           service-plugin methods
    contracts/<service>.openapi.json
    contracts/catalog.json        the index of every service and operation
    contracts/ambiguities.json    structure decisions and diagnostics of the whole build
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .collector import paused
from .docs.compiler import compile_pages, load_pages
from .emit import jsonschema as js
from .emit.catalog import build_catalog, event_files, plugin_files
from .emit.events import event_schemas, plugin_method_schemas
from .emit.jsontext import dumps
from .emit.openapi import build_openapi
from .ir import Api, ApiModel, Diagnostic, Service
from .services import split_docs

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("docs", "sdk")
GENERATED = ("schemas", "contracts")  # where a build writes


def _generated(rel: str) -> bool:
    """A file a build owns (and may delete when no longer produced): every schema, and the generated
    contracts (catalog, ambiguity report, OpenAPI documents) -- never the hand-written hints and pins."""
    return rel.startswith("schemas/") or rel in ("contracts/catalog.json", "contracts/ambiguities.json") or \
        (rel.startswith("contracts/") and rel.endswith(".openapi.json") and rel.count("/") == 1)


def default_docs_dir() -> Path:
    env = os.environ.get("WIXCONTRACTS_DOCS")
    return Path(env) if env else ROOT.parent / "shared" / "wix-docs"


def openapi_file(slug: str) -> str:
    return f"contracts/{slug}.openapi.json"


@dataclass
class BuildResult:
    api: Api
    files: dict[str, str] = field(default_factory=dict)  # relative path -> text

    @property
    def operations(self) -> int:
        return sum(len(s.model.operations) for s in self.api.services.values())

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.api.diagnostics

    @property
    def unresolved(self) -> list[dict]:
        return [d for d in self.api.decisions if d["unresolved"]]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.api.diagnostics if d.severity == "error"]


class SourceError(Exception):
    """A source could not be read (e.g. the SDK packages could not be fetched)."""


def load_hints(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SourceError(f"hints file {path}: {e}") from None
    if not isinstance(data, dict):
        raise SourceError(f"hints file {path}: expected a JSON object")
    return data


def compile_docs(docs_dir: Path, hints_path: Path) -> tuple[ApiModel, str]:
    pages = load_pages(docs_dir)
    hints = load_hints(hints_path)
    h = hashlib.sha256()
    for k in sorted(pages):
        h.update(k.encode())
        v = pages[k]
        h.update(v.encode() if isinstance(v, str) else b"?")
    h.update(dumps(hints).encode())
    return compile_pages(pages, hints), h.hexdigest()[:12]


def load_sdk(spec: str | None = None) -> dict[str, Service]:
    """The SDK packages as services: every pinned package (``spec=None``), or one package given as
    ``name@version``, a ``.tgz`` or an extracted folder."""
    from .sdk.fetch import SdkFetchError, fetch_all, fetch_package
    from .sdk.model import SdkModelError, load_service

    try:
        dirs = list(fetch_all().values()) if spec is None else [fetch_package(spec)]
        services = [load_service(d) for d in dirs]
    except (SdkFetchError, SdkModelError) as e:
        raise SourceError(f"SDK typings: {e}") from None
    return {s.slug: s for s in sorted(services, key=lambda s: s.slug)}


def build(docs_dir: Path | None, out_dir: Path = ROOT, hints_path: Path | None = None,
          sources: tuple[str, ...] = SOURCES, sdk_spec: str | None = None) -> BuildResult:
    """The whole API from the chosen sources (``docs``, ``sdk``; at least one)."""
    with paused():  # a model of ~1M long-lived objects and few cycles: the collector took 10-20% of a build
        return _build(docs_dir, hints_path, sources, sdk_spec)


def _build(docs_dir: Path | None, hints_path: Path | None, sources: tuple[str, ...],
           sdk_spec: str | None) -> BuildResult:
    from .merge import merge

    hints_path = hints_path or ROOT / "contracts" / "hints.json"
    hints = load_hints(hints_path)
    api = Api()
    version_parts: list[str] = []
    docs = ApiModel()
    if "docs" in sources:
        if docs_dir is None or not Path(docs_dir).is_dir():
            raise SourceError(f"docs folder not found: {docs_dir}")
        docs, v = compile_docs(Path(docs_dir), hints_path)
        version_parts.append(v)
        api.decisions = docs.decisions
        api.diagnostics += docs.diagnostics
        api.sources["docs"] = docs.sources.get("docs", [])
    sdk: dict[str, Service] = {}
    if "sdk" in sources:
        sdk = load_sdk(sdk_spec)
        version_parts += [f"{s.package}@{s.version}:{s.integrity}" for s in sdk.values()]
        api.sources["sdk"] = [{"package": s.package, "version": s.version, "integrity": s.integrity, "kind": s.kind}
                              for s in sdk.values()]
    by_service, split_diags = split_docs(docs, hints, sdk)
    api.diagnostics += split_diags
    for slug in sorted(set(by_service) | set(sdk)):
        dpart, s = by_service.get(slug), sdk.get(slug)
        if s is None:
            svc = Service(slug, kind="rest", model=dpart)  # docs-only build
        else:
            svc = s
            api.diagnostics += s.model.diagnostics
            if s.kind == "rest":
                svc.model = merge(dpart or ApiModel(), s.model, hints)
                api.diagnostics += [d for d in svc.model.diagnostics if d not in s.model.diagnostics]
        if dpart is not None:
            svc.docs = sorted({o.page_url for o in dpart.operations.values() if o.page_url})
        for op in svc.model.operations.values():
            op.service = slug
        api.services[slug] = svc
    version = hashlib.sha256("|".join(version_parts).encode()).hexdigest()[:12]
    return BuildResult(api, render(api, version))


def render(api: Api, version: str) -> dict[str, str]:
    files: dict[str, str] = {}
    for slug, svc in sorted(api.services.items()):
        model = svc.model
        base = f"schemas/{slug}"
        for name in model.types:
            files[f"{base}/types/{name}.json"] = dumps(js.type_schema(model, name))
        for name in sorted(model.operations):
            op = model.operations[name]
            for kind in sorted(op.surfaces):
                files[f"{base}/{kind}/{name}.request.json"] = dumps(js.request_schema(model, op, kind))
                files[f"{base}/{kind}/{name}.response.json"] = dumps(js.response_schema(model, op, kind))
            if "rest" in op.surfaces:
                files[f"{base}/rest/{name}.path.json"] = dumps(js.path_schema(model, op))
                files[f"{base}/rest/{name}.error.json"] = dumps(js.error_schema(model, op))
        if model.operations:
            files[openapi_file(slug)] = dumps(build_openapi(svc, version))
        if svc.events:
            # the service's merged types (docs provenance, int64 facts) win over the package's own copies
            types = {**svc.event_types, **model.types}
            for ev in svc.events:
                docs = event_schemas(ev, types)
                for layer, rel in event_files(slug, ev).items():
                    files[rel] = dumps(docs[layer])
        if svc.plugin is not None:
            for m in svc.plugin.methods:
                docs = plugin_method_schemas(svc.plugin, m, svc.plugin_types)
                for kind, rel in plugin_files(slug, m).items():
                    files[rel] = dumps(docs[kind])
    files["contracts/catalog.json"] = dumps(build_catalog(api, version))
    files["contracts/ambiguities.json"] = dumps({
        "version": version,
        "summary": summary(api),
        "diagnostics": [d.as_dict() for d in api.diagnostics],
        "decisions": api.decisions,
    })
    return dict(sorted(files.items()))


def summary(api: Api) -> dict:
    by: dict[str, int] = {}
    for d in api.decisions:
        by[d["resolved_by"]] = by.get(d["resolved_by"], 0) + 1
    return {
        "services": len(api.services),
        "operations": sum(len(s.model.operations) for s in api.services.values()),
        "types": sum(len(s.model.types) for s in api.services.values()),
        "events": sum(len(s.events) for s in api.services.values()),
        "plugin_methods": sum(len(s.plugin.methods) for s in api.services.values() if s.plugin is not None),
        "structure_decisions": len(api.decisions),
        "resolved_by": dict(sorted(by.items())),
        "unresolved": sum(1 for d in api.decisions if d["unresolved"]),
        "warnings": sum(1 for d in api.diagnostics if d.severity == "warning"),
        "errors": sum(1 for d in api.diagnostics if d.severity == "error"),
    }


class UnsafePath(ValueError):
    """A generated file would land outside the output folder."""


def _inside(out_dir: Path, rel: str) -> Path:
    """``out_dir / rel``, refusing anything that could leave ``out_dir`` (absolute, ``..``, NUL, links)."""
    if "\0" in rel or rel.startswith(("/", "\\")) or "\\" in rel or any(p in ("", ".", "..") for p in rel.split("/")):
        raise UnsafePath(f"refusing to write {rel!r}: not a plain relative path")
    if not rel.startswith(tuple(g + "/" for g in GENERATED)):
        raise UnsafePath(f"refusing to write {rel!r}: outside {', '.join(GENERATED)}")
    root = out_dir.resolve()
    target = (root / rel).resolve()
    if root not in target.parents:
        raise UnsafePath(f"refusing to write {rel!r}: it resolves outside {root}")
    return target


def write(result: BuildResult, out_dir: Path) -> list[str]:
    """Write files (atomically each) inside ``out_dir``; remove generated files no longer produced.
    Every path is checked before anything is written."""
    targets = {rel: _inside(out_dir, rel) for rel in result.files}
    changed = []
    for sub in GENERATED:
        d = out_dir / sub
        if d.is_dir() and not d.is_symlink():
            for p in sorted(d.rglob("*.json")):
                rel = p.relative_to(out_dir).as_posix()
                if rel not in result.files and _generated(rel) and not p.is_symlink():
                    p.unlink()
                    changed.append(rel)
    for d in sorted((out_dir / "schemas").rglob("*"), reverse=True) if (out_dir / "schemas").is_dir() else []:
        if d.is_dir() and not any(d.iterdir()):
            d.rmdir()
    for rel, text in result.files.items():
        p = targets[rel]
        if p.exists() and p.read_text(encoding="utf-8") == text:
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(p)
        changed.append(rel)
    return changed
