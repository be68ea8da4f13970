"""IR -> machine-readable operation catalog (``contracts/catalog.json``)."""

from __future__ import annotations

import hashlib
import re
import uuid

from ..ir import WIX_API, Api, Operation, Service, page_link
from .jsonschema import path_params
from .wire import catalog_entry as wire_entry

MAX_TEXT_WORDS = 5
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def scrub_text(value):
    """Example bodies keep their structure and short values; free text (a sentence a
    docs writer typed) becomes ``<text>`` so no third-party prose is committed.  Keys are
    sorted: the same JSON, stored as data rather than as a copy of the page's listing."""
    if isinstance(value, dict):
        return {k: scrub_text(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [scrub_text(v) for v in value]
    if isinstance(value, str) and len(value.split()) > MAX_TEXT_WORDS:
        return "<text>"
    if isinstance(value, str) and _UUID.fullmatch(value):
        # re-keyed deterministically: still a uuid, equal ids stay equal, the page's own ids are not copied
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "wixcontracts-example:" + value))
    if isinstance(value, str) and len(value) > 40 and " " not in value:
        # an opaque token (a session id): a stable stand-in of the same kind
        return "tok_" + hashlib.sha256(value.encode()).hexdigest()[:40]
    return value


def _short(title: str, n: int = 6) -> str:
    return " ".join(re.sub(r"\[[^\]]*\]\([^)]*\)", "", title).split()[:n])


def operation_entry(op: Operation) -> dict:
    rest = op.surfaces.get("rest")
    sdk = op.surfaces.get("sdk")
    base = f"schemas/{op.service}" if op.service else "schemas"
    entry: dict = {
        "id": op.id,
        "service": op.service,
        "name": op.name,
        "title": op.title,
        "rpc": op.rpc,
        "method": rest.http_method if rest else None,
        "path": rest.url.replace(WIX_API, "") if rest and rest.url else None,
        "aliases": op.path_aliases,
        "path_params": path_params(op),
        "wire": wire_entry(op),
        "surfaces": sorted(op.surfaces),
        "sdk_signature": sdk.signature if sdk else None,
        "page": page_link(op.page_url),
        "source": sorted(op.origins),
        "package": op.package,
        "namespace": op.namespace,
        "permission_scopes": op.scopes,
        "site_level": True,
        "complete": op.complete,
        "incomplete_reasons": op.incomplete_reasons,
        "notes": op.notes,
        "preconditions": [
            {"from_statuses": p.from_statuses, "to_status": p.to_status, "all_or_nothing": p.all_or_nothing,
             "scope": p.scope, "source": p.source.ref()} for p in op.preconditions
        ],
        "errors": [
            {"http": e.http_status, "status": e.status_code, "code": e.application_code, "source": e.source.ref()}
            for e in (rest.errors if rest else (sdk.errors if sdk else []))
        ],
        "examples": [],
        "schemas": {},
    }
    for kind in sorted(op.surfaces):
        for ex in op.surfaces[kind].examples:
            item = {"surface": kind, "kind": ex.kind, "title": _short(ex.title), "source": ex.source.ref()}
            if ex.kind == "curl":
                item["method"] = ex.method
                item["path"] = ex.url.replace(WIX_API, "") if ex.url else None
                if ex.body is not None:
                    item["body"] = scrub_text(ex.body)
                if ex.body_error:
                    item["body_error"] = ex.body_error
            entry["examples"].append(item)
    for kind in sorted(op.surfaces):
        entry["schemas"][kind] = {"request": f"{base}/{kind}/{op.name}.request.json",
                                  "response": f"{base}/{kind}/{op.name}.response.json"}
    if rest:
        entry["schemas"]["rest"]["path"] = f"{base}/rest/{op.name}.path.json"
        entry["schemas"]["rest"]["error"] = f"{base}/rest/{op.name}.error.json"
    return entry


def service_entry(svc: Service) -> dict:
    m = svc.model
    return {
        "slug": svc.slug,
        "kind": svc.kind,
        "package": svc.package,
        "version": svc.version,
        "operations": len(m.operations),
        "openapi": f"contracts/{svc.slug}.openapi.json" if m.operations else None,
        "docs": [page_link(u) for u in svc.docs],
        "types": sorted(m.types),
    }


def build_catalog(api: Api, version: str) -> dict:
    """The index of every service and every operation (operations sorted by id)."""
    return {
        "version": version,
        "services": [service_entry(api.services[s]) for s in sorted(api.services)],
        "operations": [operation_entry(op) for _svc, op in api.operations()],
    }
