"""IR -> machine-readable operation catalog (``contracts/catalog.json``)."""

from __future__ import annotations

import hashlib
import re
import uuid

from ..ir import WIX_API, Api, Event, Operation, PluginMethod, Service, page_link
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


def event_files(service: str, ev: Event) -> dict[str, str]:
    """layer -> committed schema file of one event: ``schemas/<service>/events/<name>.<layer>.json``
    (``message``, ``envelope``; ``payload`` when the event carries a body)."""
    layers = ("message", "envelope", "payload") if ev.payload_type else ("message", "envelope")
    return {layer: f"schemas/{service}/events/{ev.name}.{layer}.json" for layer in layers}


def plugin_files(service: str, m: PluginMethod) -> dict[str, str]:
    """kind -> committed schema file of one service-plugin method: ``schemas/<service>/plugin/<method>.<kind>.json``."""
    return {kind: f"schemas/{service}/plugin/{m.name}.{kind}.json" for kind in ("request", "response")}


def event_entry(svc: Service, ev: Event) -> dict:
    return {
        "id": f"{svc.slug}.{ev.name}",
        "service": svc.slug,
        "name": ev.name,
        "event_type": ev.event_type,
        "slug": ev.slug,
        "kind": ev.kind,
        "entity_fqdn": ev.entity_fqdn,
        "entity_type": ev.entity_type,
        "payload_type": ev.payload_type,
        "sdk_name": ev.sdk_name,
        "package": ev.package,
        "webhook": ev.webhook,
        "permission_scopes": ev.scopes,
        "permission_ids": ev.permission_ids,
        "maturity": ev.maturity,
        "deprecated": ev.deprecated,
        "source": ev.source.ref(),
        "schemas": event_files(svc.slug, ev),
    }


def plugin_method_entry(svc: Service, m: PluginMethod) -> dict:
    plugin = svc.plugin
    return {
        "id": f"{svc.slug}.{m.name}",
        "service": svc.slug,
        "name": m.name,
        "component_type": plugin.component_type if plugin else None,
        "http_path": m.http_path,
        "request_type": m.request_type,
        "response_type": m.response_type,
        "metadata_type": m.metadata_type,
        "errors": m.errors,
        "package": plugin.package if plugin else svc.package,
        "source": m.source.ref(),
        "schemas": plugin_files(svc.slug, m),
    }


def service_entry(svc: Service) -> dict:
    m = svc.model
    entry = {
        "slug": svc.slug,
        "kind": svc.kind,
        "package": svc.package,
        "version": svc.version,
        "operations": len(m.operations),
        "events": len(svc.events),
        "openapi": f"contracts/{svc.slug}.openapi.json" if m.operations else None,
        "docs": [page_link(u) for u in svc.docs],
        "types": sorted(m.types),
    }
    if svc.plugin is not None:
        entry["plugin"] = {"component_type": svc.plugin.component_type, "methods": [x.name for x in svc.plugin.methods]}
    return entry


def build_catalog(api: Api, version: str) -> dict:
    """The index of every service, operation, webhook event and service-plugin method (each sorted by id)."""
    return {
        "version": version,
        "services": [service_entry(api.services[s]) for s in sorted(api.services)],
        "operations": [operation_entry(op) for _svc, op in api.operations()],
        "events": [event_entry(svc, ev) for svc, ev in api.events()],
        "plugin_methods": sorted((plugin_method_entry(svc, m) for svc, m in api.plugin_methods()),
                                 key=lambda e: e["id"]),
    }
