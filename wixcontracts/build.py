"""Compile docs (and, later, other sources) and write ``schemas/`` and ``contracts/``
byte-identically for the same inputs."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .docs.compiler import compile_pages, load_pages
from .emit import jsonschema as js
from .emit.catalog import build_catalog
from .emit.openapi import build_openapi
from .ir import ApiModel

ROOT = Path(__file__).resolve().parent.parent
OPENAPI_NAME = "bookings-writer-v2.openapi.json"


def default_docs_dir() -> Path:
    env = os.environ.get("WIXCONTRACTS_DOCS")
    return Path(env) if env else ROOT.parent / "shared" / "wix-docs"


def dumps(obj) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


@dataclass
class BuildResult:
    model: ApiModel
    files: dict[str, str] = field(default_factory=dict)  # relative path -> text

    @property
    def unresolved(self) -> list[dict]:
        return [d for d in self.model.decisions if d["unresolved"]]

    @property
    def errors(self):
        return [d for d in self.model.diagnostics if d.severity == "error"]


def load_hints(path: Path) -> dict:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


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


def render(model: ApiModel, version: str) -> dict[str, str]:
    files: dict[str, str] = {}
    for name in model.types:
        files[f"schemas/types/{name}.json"] = dumps(js.type_schema(model, name))
    for name in sorted(model.operations):
        op = model.operations[name]
        for kind in sorted(op.surfaces):
            files[f"schemas/{kind}/{name}.request.json"] = dumps(js.request_schema(model, op, kind))
            files[f"schemas/{kind}/{name}.response.json"] = dumps(js.response_schema(model, op, kind))
        if "rest" in op.surfaces:
            files[f"schemas/rest/{name}.path.json"] = dumps(js.path_schema(model, op))
            files[f"schemas/rest/{name}.error.json"] = dumps(js.error_schema(model, op))
    files[f"contracts/{OPENAPI_NAME}"] = dumps(build_openapi(model, version))
    files["contracts/catalog.json"] = dumps(build_catalog(model, version))
    files["contracts/ambiguities.json"] = dumps({
        "version": version,
        "summary": summary(model),
        "diagnostics": [d.as_dict() for d in model.diagnostics],
        "decisions": model.decisions,
    })
    return dict(sorted(files.items()))


def summary(model: ApiModel) -> dict:
    by: dict[str, int] = {}
    for d in model.decisions:
        by[d["resolved_by"]] = by.get(d["resolved_by"], 0) + 1
    return {
        "operations": len(model.operations),
        "types": len(model.types),
        "structure_decisions": len(model.decisions),
        "resolved_by": dict(sorted(by.items())),
        "unresolved": sum(1 for d in model.decisions if d["unresolved"]),
        "warnings": sum(1 for d in model.diagnostics if d.severity == "warning"),
        "errors": sum(1 for d in model.diagnostics if d.severity == "error"),
    }


SOURCES = ("docs", "sdk")


class SourceError(Exception):
    """A source could not be read (e.g. the SDK package could not be fetched)."""


def load_sdk(spec: str | None = None):
    """The pinned SDK typings package as IR (fetched with npm pack into the cache)."""
    from .sdk.fetch import SdkFetchError, fetch_package
    from .sdk.model import SdkModelError, load_sdk_model

    try:
        return load_sdk_model(fetch_package(spec))
    except (SdkFetchError, SdkModelError) as e:
        raise SourceError(f"SDK typings: {e}") from None


def build(docs_dir: Path, out_dir: Path = ROOT, hints_path: Path | None = None,
          sources: tuple[str, ...] = SOURCES, sdk_spec: str | None = None) -> BuildResult:
    hints_path = hints_path or ROOT / "contracts" / "hints.json"
    model, version = compile_docs(docs_dir, hints_path)
    if "sdk" in sources:
        from .merge import merge

        sdk = load_sdk(sdk_spec)
        pin = sdk.sources.get("sdk", {})
        version = hashlib.sha256(f"{version}:{pin.get('version')}:{pin.get('integrity')}".encode()).hexdigest()[:12]
        model = merge(model, sdk, load_hints(hints_path))
    return BuildResult(model, render(model, version))


def write(result: BuildResult, out_dir: Path) -> list[str]:
    """Write files (atomically each); remove generated files no longer produced."""
    changed = []
    for sub in ("schemas",):
        d = out_dir / sub
        if d.exists():
            for p in d.rglob("*.json"):
                rel = p.relative_to(out_dir).as_posix()
                if rel not in result.files:
                    p.unlink()
                    changed.append(rel)
    for rel, text in result.files.items():
        p = out_dir / rel
        if p.exists() and p.read_text(encoding="utf-8") == text:
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(p.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(p)
        changed.append(rel)
    return changed
