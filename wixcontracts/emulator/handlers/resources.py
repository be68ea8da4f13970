"""Resources V2: create, get, update (with revision), delete, query, count."""

from __future__ import annotations

from .. import entities
from .. import events as ev
from ..shapes import clone
from .registry import handler

R = "resources."
RESOURCE = entities.Kind("resources", "resource", "resources", "resource", "RESOURCE_NOT_FOUND", ev.RESOURCE)


@handler(R + "createResource")
def create_resource(emu, params: dict, msg: dict) -> dict:
    sent = msg.get("resource") or {}
    entities.need(sent.get("name"), "resource.name")
    return {"resource": entities.create(emu, R + "createResource", RESOURCE, sent)}


@handler(R + "getResource")
def get_resource(emu, params: dict, msg: dict) -> dict:
    rid = msg.get("resourceId") or params.get("resourceId")
    return {"resource": clone(entities.get(emu, R + "getResource", RESOURCE, rid, "resourceId"))}


@handler(R + "updateResource")
def update_resource(emu, params: dict, msg: dict) -> dict:
    sent = dict(msg.get("resource") or {})
    sent.setdefault("id", params.get("resource.id"))
    return {"resource": entities.update(emu, R + "updateResource", RESOURCE, sent, msg.get("mask"), field="resource")}


@handler(R + "deleteResource")
def delete_resource(emu, params: dict, msg: dict) -> dict:
    entities.delete(emu, R + "deleteResource", RESOURCE, msg.get("resourceId") or params.get("resourceId"),
                    "resourceId")
    return {}


@handler(R + "queryResources")
def query_resources(emu, params: dict, msg: dict) -> dict:
    return entities.query(emu, R + "queryResources", RESOURCE, msg.get("query"), cursor_default=True)


@handler(R + "countResources")
def count_resources(emu, params: dict, msg: dict) -> dict:
    return entities.count(emu, R + "countResources", RESOURCE, msg.get("filter"), R + "queryResources",
                          ("resources", "[]"))
