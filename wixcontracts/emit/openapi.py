"""IR -> one OpenAPI 3.1 document per service, with every operation of the service.

Shared schemas live under ``components/schemas`` (schemathesis ignores ``#/$defs`` refs
inside an OpenAPI document): response-side types keep their name (``Booking``), the closed
request-side variants get an ``Input`` suffix (``BookingInput``)."""

from __future__ import annotations

import re

from ..ir import WIX_API, ApiModel, Operation, Service, iter_fields, page_link
from .jsonschema import INT64_PATTERN, Emitter, add_path_fields, bound_field, error_envelope, errors_by_status, path_params
from .wire import message_in, query_leaves

COMPONENTS = "#/components/schemas/"


def openapi_param(name: str) -> str:
    """A path parameter's OpenAPI name: a nested field (``service.id``) becomes ``service_id``, which every
    OpenAPI tool can format into a path; ``x-wix-field`` keeps the field it binds."""
    return name.replace(".", "_")


def openapi_path(template: str) -> str:
    return re.sub(r"\{([^{}]+)\}", lambda m: "{" + openapi_param(m.group(1)) + "}", template)


def _entity_props(model: ApiModel, op: Operation) -> list[str]:
    """Top-level response properties that carry an entity (an object with an ``id``)."""
    rest = op.surfaces.get("rest")
    return [f.name for f in iter_fields(rest.response if rest else []) if "id" in _entity_fields(model, op, f.name)]


def _entity_fields(model: ApiModel, op: Operation, prop: str) -> set[str]:
    rest = op.surfaces.get("rest")
    f = next((x for x in iter_fields(rest.response if rest else []) if x.name == prop), None)
    if f is None:
        return set()
    if f.members:
        return {m.name for m in iter_fields(f.members)}
    td = model.types.get(f.type.name or "") if f.type.kind == "named" else None
    return {m.name for m in iter_fields(td.members)} if td else set()


def _add_links(model: ApiModel, paths: dict) -> None:
    """OpenAPI links derived from the contract's structure (``x-wix-derived``): a success
    response carrying an entity feeds every operation whose path names that entity's id,
    with its current ``revision`` when the target's body takes one.  They drive stateful
    testing (create -> cancel / confirm / decline ...)."""
    by_name = {o["operationId"]: o for item in paths.values() for o in item.values()}
    for name, item in sorted(by_name.items()):
        op = model.operations[name]
        links = {}
        for prop in _entity_props(model, op):  # an entity ``booking`` feeds ``{bookingId}`` (or ``{booking.id}``)
            fields = _entity_fields(model, op, prop)
            for target_name, target in sorted(by_name.items()):
                tparams = path_params(model.operations[target_name])
                param = next((p for p in (prop + "Id", prop + ".id") if p in tparams), None)
                if target_name == name or param is None:
                    continue
                link = {"operationId": target_name, "parameters": {f"path.{openapi_param(param)}": f"$response.body#/{prop}/id"},
                        "x-wix-derived": True}
                trest = model.operations[target_name].surfaces["rest"]
                if message_in(trest.http_method) == "body":
                    body = {}
                    if "revision" in fields and any(f.name == "revision" for f in trest.params):
                        body["revision"] = f"$response.body#/{prop}/revision"
                    if "." not in param:  # as the official client does: the path's field repeated in the body
                        body[param] = f"$response.body#/{prop}/id"
                    if body:
                        link["requestBody"] = body
                links[f"{target_name}"] = link
        if links:
            item["responses"]["200"]["links"] = links


def query_parameters(model: ApiModel, op: Operation) -> list[dict]:
    """The request message of a GET/DELETE as query parameters: dotted names for nested fields, repeated
    keys (``explode``) for arrays.  Path-bound fields (repeated by the official client) and what only
    ``.r`` can carry (maps, arrays of objects) are not listed."""
    em = Emitter(model.types, "response")  # plain value schemas, no request-view objects
    out = []
    for name, f, repeated in query_leaves(model, op):
        t = f.type.items if repeated and f.type.items else f.type
        if t.format == "int64":
            value: dict = {"type": "string", "pattern": INT64_PATTERN, "x-wix-int64": True}
        elif f.enum and t.kind != "named":
            value = {"type": "string", "enum": [v.name for v in f.enum]}
        elif t.kind == "named":
            td = model.types.get(t.name or "")
            value = {"type": "string", "enum": [v.name for v in td.enum]} if td is not None and td.enum else {"type": "string"}
        else:
            value = em.typeref(t)
        schema = {"type": "array", "items": value} if repeated else value
        param = {"name": name, "in": "query", "required": False, "schema": schema, "x-wix-source": f.source.ref()}
        if repeated:
            param.update(style="form", explode=True)
        out.append(param)
    return out


def build_openapi(svc: Service, version: str) -> dict:
    model = svc.model
    resp_em = Emitter(model.types, "response")
    resp_em.ref_prefix = COMPONENTS
    paths: dict[str, dict] = {}
    components: dict[str, dict] = {}
    for name in sorted(model.operations):
        op = model.operations[name]
        rest = op.surfaces.get("rest")
        if rest is None or not rest.url or not rest.http_method:
            continue
        path = openapi_path(rest.url.replace(WIX_API, ""))
        req_em = Emitter(model.types, "request", open_objects=not op.complete)
        req_em.ref_prefix = COMPONENTS
        req_em.ref_suffix = "Input" if op.complete else "Open"
        req_em.required_paths = set(rest.required_paths)
        req = req_em.object(rest.params, src=rest.source.ref())
        add_path_fields(req_em, req, op)
        for k, v in req_em.defs.items():
            components[k + req_em.ref_suffix] = v
        req_name = f"{op.title}Request"
        components[req_name] = req
        resp_name = rest.response_type or f"{op.title}Response"
        if rest.response:
            components[resp_name] = resp_em.object(rest.response, src=rest.source.ref())
        else:
            components[resp_name] = {"type": "object", "x-wix-incomplete": ["no response documented"]}
        params = []
        for p in path_params(op):
            schema: dict = {"type": "string", "minLength": 1}
            f = bound_field(model, op, p)
            if f is not None and f.type.format == "uuid":
                schema["format"] = "uuid"
            param = {"name": openapi_param(p), "in": "path", "required": True, "schema": schema}
            if "." in p:
                param["x-wix-field"] = p  # the nested request field the path binds
            params.append(param)
        responses = {"200": {"description": "Success", "content": {"application/json": {"schema": {"$ref": COMPONENTS + resp_name}}}}}
        for status, errs in errors_by_status(op).items():
            ename = f"{op.title}Error{status}"
            env = error_envelope(sorted({e.application_code for e in errs}), errs[0].source.ref())
            env["x-wix-status-codes"] = sorted({e.status_code for e in errs})
            components[ename] = env
            responses[str(status)] = {"description": "Documented error", "content": {"application/json": {"schema": {"$ref": COMPONENTS + ename}}}}
        if "400" not in responses:
            components.setdefault("WixValidationError", error_envelope(None))
            responses["400"] = {"description": "Invalid argument", "content": {"application/json": {"schema": {"$ref": COMPONENTS + "WixValidationError"}}}}
        operation = {
            "operationId": op.name,
            "summary": op.title,
            "x-wix-id": op.id,
            "x-wix-rpc": op.rpc,
            "parameters": params,
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": COMPONENTS + req_name}}}},
            "x-wix-message-in": message_in(rest.http_method),
            "responses": responses,
            "security": [{"wixAuth": []}],
            "x-wix-source": page_link(op.page_url),
            "x-wix-complete": op.complete,
            "x-wix-path-aliases": op.path_aliases,
        }
        if message_in(rest.http_method) == "query":  # the gateway reads the message from the query string
            del operation["requestBody"]
            params += query_parameters(model, op)
        if not params:
            del operation["parameters"]
        paths.setdefault(path, {})[rest.http_method.lower()] = operation
    _add_links(model, paths)
    for k, v in resp_em.defs.items():
        components.setdefault(k, v)
    return {
        "openapi": "3.1.0",
        "info": {"title": f"Wix Bookings API: {svc.slug}", "version": version,
                 "x-wix-service": svc.slug,
                 "x-wix-package": f"{svc.package}@{svc.version}" if svc.package else "",
                 "x-wix-docs": [page_link(u) for u in svc.docs]},
        "servers": [{"url": WIX_API}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {"wixAuth": {"type": "apiKey", "in": "header", "name": "Authorization"}},
        },
    }
