"""Every emitter on every operation and named type of a model, as ``build`` renders them."""

from __future__ import annotations

import json

from wixcontracts.emit import jsonschema as js
from wixcontracts.emit.catalog import build_catalog
from wixcontracts.emit.openapi import build_openapi
from wixcontracts.ir import Api, ApiModel


def emit_everything(model: ApiModel) -> dict[str, str]:
    """``{what: JSON text}`` for every schema, the OpenAPI document and the catalog."""
    out: dict[str, object] = {}
    for name, op in model.operations.items():
        for kind in op.surfaces:
            out[f"{kind}/{name}.request"] = js.request_schema(model, op, kind)
            out[f"{kind}/{name}.response"] = js.response_schema(model, op, kind)
        if "rest" in op.surfaces:
            out[f"rest/{name}.path"] = js.path_schema(model, op)
            out[f"rest/{name}.error"] = js.error_schema(model, op)
    for name in model.types:
        out[f"types/{name}"] = js.type_schema(model, name)
    api = Api.single(model)
    out["openapi"] = build_openapi(api.services["bookings"], "v")
    out["catalog"] = build_catalog(api, "v")
    return {k: json.dumps(v) for k, v in out.items()}


def dangling_refs(emitted: dict[str, str]) -> list[str]:
    """``$ref``s that name nothing: a JSON Schema's ``#/$defs/X`` missing from its ``$defs``,
    the OpenAPI document's ``#/components/schemas/X`` missing from its components.  A
    validator raises on them, so they are crashes one step later."""
    out = []
    for what, text in emitted.items():
        doc = json.loads(text)
        table, prefix = ((doc.get("components") or {}).get("schemas") or {}, "#/components/schemas/") \
            if what == "openapi" else (doc.get("$defs") or {}, "#/$defs/")
        todo = [doc]
        while todo:
            n = todo.pop()
            if isinstance(n, dict):
                ref = n.get("$ref")
                if isinstance(ref, str) and (not ref.startswith(prefix) or ref[len(prefix):] not in table):
                    out.append(f"{what}: {ref}")
                todo.extend(n.values())
            elif isinstance(n, list):
                todo.extend(n)
    return out
