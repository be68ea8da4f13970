"""Services V2: create, get, update (with revision), delete, query, count."""

from __future__ import annotations

import uuid

from .. import entities
from .. import events as ev
from ..errors import invalid
from ..shapes import clone
from ..slots import DEFAULT_CLASS_CAPACITY
from .registry import handler

S = "services."
SERVICE = entities.Kind("services", "service", "services", "service", "SERVICE_NOT_FOUND", ev.SERVICE)


def prepare(emu, service: dict, field: str = "service") -> None:
    """Server-side fields of a service (policy ``services.defaults``): a schedule id, the type, the capacity,
    the staff members' names; unknown staff member ids are rejected."""
    service.setdefault("type", "APPOINTMENT")
    service.setdefault("defaultCapacity", 1 if service["type"] == "APPOINTMENT" else DEFAULT_CLASS_CAPACITY)
    sched = service.setdefault("schedule", {})
    sched.setdefault("id", str(uuid.uuid4()))
    staff_refs(emu, service, field)


def staff_refs(emu, service: dict, field: str = "service") -> None:
    ids = service.get("staffMemberIds") or []
    for i, sid in enumerate(ids):
        if sid not in emu.store.staff:
            raise invalid(f"{field}.staffMemberIds[{i}]", f"no staff member {sid}", "OTHER", "not-found")
    if ids:
        service["staffMembers"] = [{"staffMemberId": sid, "name": emu.store.staff[sid].get("name") or ""} for sid in ids]
    else:
        service.pop("staffMembers", None)


@handler(S + "createService")
def create_service(emu, params: dict, msg: dict) -> dict:
    return {"service": entities.create(emu, S + "createService", SERVICE, msg.get("service"),
                                       lambda s: prepare(emu, s))}


@handler(S + "getService")
def get_service(emu, params: dict, msg: dict) -> dict:
    sid = msg.get("serviceId") or params.get("serviceId")
    return {"service": clone(entities.get(emu, S + "getService", SERVICE, sid, "serviceId"))}


@handler(S + "updateService")
def update_service(emu, params: dict, msg: dict) -> dict:
    sent = dict(msg.get("service") or {})
    sent.setdefault("id", params.get("service.id"))
    return {"service": entities.update(emu, S + "updateService", SERVICE, sent, msg.get("mask"), field="service",
                                       after=lambda s: staff_refs(emu, s))}


@handler(S + "deleteService")
def delete_service(emu, params: dict, msg: dict) -> dict:
    """Bookings of a deleted service stay as they are (policy ``services.delete``)."""
    entities.delete(emu, S + "deleteService", SERVICE, msg.get("serviceId") or params.get("serviceId"), "serviceId")
    return {}


@handler(S + "queryServices")
def query_services(emu, params: dict, msg: dict) -> dict:
    return entities.query(emu, S + "queryServices", SERVICE, msg.get("query"), cursor_default=False)


@handler(S + "countServices")
def count_services(emu, params: dict, msg: dict) -> dict:
    return entities.count(emu, S + "countServices", SERVICE, msg.get("filter"), S + "queryServices", ("services", "[]"))
