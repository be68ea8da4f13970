"""Staff Members V1: create, get, update (with revision), delete, query, count.  Each staff member is backed by
a resource (Resources V2) that carries its working hours (policy ``staff.resource``)."""

from __future__ import annotations

import uuid

from .. import entities
from .. import events as ev
from ..shapes import clone
from ..slots import STAFF_RESOURCE_TYPE_ID
from .registry import handler
from .services import SERVICE

M = "staff-members."
STAFF = entities.Kind("staff", "staffMember", "staffMembers", "staff member", "STAFF_MEMBER_NOT_FOUND",
                      ev.STAFF_MEMBER)


def prepare(emu, staff: dict, resource: dict | None = None) -> None:
    """The staff member's resource: kept when given (seeds), else a new one on the business's working hours."""
    res = clone(resource or staff.get("resource") or {})
    rid = staff.get("resourceId") or res.get("id") or str(uuid.uuid4())
    res["id"] = rid
    if not res.get("workingHoursSchedules"):
        res.setdefault("usesDefaultWorkingHours", True)
    staff["resourceId"] = rid
    staff["resource"] = res
    ts = emu.now_text()
    if rid not in emu.store.resources:
        emu.store.resources[rid] = {"id": rid, "name": staff.get("name") or "", "typeId": STAFF_RESOURCE_TYPE_ID,
                                    "revision": "1", "createdDate": ts, "updatedDate": ts, "bookable": True}


@handler(M + "createStaffMember")
def create_staff_member(emu, params: dict, msg: dict) -> dict:
    op = M + "createStaffMember"
    sent = msg.get("staffMember") or {}
    entities.need(sent.get("name"), "staffMember.name")
    return {"staffMember": entities.create(emu, op, STAFF, sent, lambda s: prepare(emu, s))}


@handler(M + "getStaffMember")
def get_staff_member(emu, params: dict, msg: dict) -> dict:
    sid = msg.get("staffMemberId") or params.get("staffMemberId")
    return {"staffMember": clone(entities.get(emu, M + "getStaffMember", STAFF, sid, "staffMemberId"))}


def _sync(emu, staff: dict) -> None:
    res = emu.store.resources.get(staff.get("resourceId") or "")
    if res is not None and staff.get("name") and res.get("name") != staff["name"]:
        res["name"] = staff["name"]
    for service in emu.store.services.values():
        for ref in service.get("staffMembers") or []:
            if ref.get("staffMemberId") == staff["id"]:
                ref["name"] = staff.get("name") or ""


@handler(M + "updateStaffMember")
def update_staff_member(emu, params: dict, msg: dict) -> dict:
    sent = dict(msg.get("staffMember") or {})
    sent.setdefault("id", params.get("staffMember.id"))
    return {"staffMember": entities.update(emu, M + "updateStaffMember", STAFF, sent, msg.get("fieldMask"),
                                           field="staffMember", after=lambda s: _sync(emu, s))}


@handler(M + "deleteStaffMember")
def delete_staff_member(emu, params: dict, msg: dict) -> dict:
    """The staff member leaves every service it was on (each such service is updated) and its resource goes;
    its bookings stay."""
    op = M + "deleteStaffMember"
    staff = entities.delete(emu, op, STAFF, msg.get("staffMemberId") or params.get("staffMemberId"), "staffMemberId")
    emu.store.deleted_staff[staff["id"]] = staff
    res = emu.store.resources.pop(staff.get("resourceId") or "", None)
    if res is not None:
        emu.changed("resources", res, deleted=True)
    for service in emu.store.services.values():
        if staff["id"] in (service.get("staffMemberIds") or []):
            service["staffMemberIds"] = [i for i in service["staffMemberIds"] if i != staff["id"]]
            service["staffMembers"] = [r for r in service.get("staffMembers") or []
                                       if r.get("staffMemberId") != staff["id"]]
            service["revision"] = str(int(service["revision"]) + 1)
            service["updatedDate"] = emu.now_text()
            emu.changed("services", service)
            emu.emit(f"{SERVICE.fqdn}_updated", service["id"], service, op)
    return {}


@handler(M + "queryStaffMembers")
def query_staff_members(emu, params: dict, msg: dict) -> dict:
    return entities.query(emu, M + "queryStaffMembers", STAFF, msg.get("query"), cursor_default=True)


@handler(M + "countStaffMembers")
def count_staff_members(emu, params: dict, msg: dict) -> dict:
    return entities.count(emu, M + "countStaffMembers", STAFF, msg.get("filter"), M + "queryStaffMembers",
                          ("staffMembers", "[]"))


