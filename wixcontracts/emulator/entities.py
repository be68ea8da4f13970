"""Plain CRUD entities (services, staff members, resources): create / get / update with revision / delete /
query / count, the same way for each (policy ``entities.*``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Callable

from . import wql
from .errors import invalid, required
from .lifecycle import as_int
from .shapes import clone, strip


@dataclass(frozen=True)
class Kind:
    table: str  # store table
    key: str  # the entity's key in requests and responses: service
    plural: str  # services (query responses)
    label: str  # "service" (messages)
    not_found: str  # SERVICE_NOT_FOUND
    fqdn: str  # event entity fqdn: wix.bookings.services.v2.service


def get(emu, op: str, kind: Kind, eid: str, field: str) -> dict:
    e = emu.store.table(kind.table).get(eid)
    if e is None:
        raise emu.fail(op, kind.not_found, f"{kind.label} {eid} not found", 404, field, **{"id": eid})
    return e


def _saved(emu, op: str, kind: Kind, e: dict, slug: str) -> dict:
    emu.changed(kind.table, e)
    emu.emit(f"{kind.fqdn}_{slug}", e["id"], e, op)
    return clone(e)


def create(emu, op: str, kind: Kind, sent: dict | None, prepare: Callable[[dict], None] | None = None) -> dict:
    """A new entity: the request's fields without the read-only ones, plus id, revision "1", dates."""
    e = strip(clone(sent or {}), emu._shared.strip_plan(op, kind.key))
    if prepare is not None:
        prepare(e)
    ts = emu.now_text()
    e.update({"id": e.get("id") or str(uuid.uuid4()), "revision": "1", "createdDate": ts, "updatedDate": ts})
    emu.store.table(kind.table)[e["id"]] = e
    return _saved(emu, op, kind, e, "created")


def mask_paths(mask: Any) -> list[str] | None:
    """A FieldMask as it arrives (comma-separated string, list, ``{"paths": [...]}``) -> dotted paths."""
    if mask is None:
        return None
    if isinstance(mask, dict):
        mask = mask.get("paths") or []
    if isinstance(mask, str):
        mask = mask.split(",")
    return [p.strip() for p in mask if isinstance(p, str) and p.strip()]


def _copy_path(dst: dict, src: dict, path: str) -> None:
    parts = path.split(".")
    for p in parts[:-1]:
        src = src.get(p) if isinstance(src, dict) else None
        nxt = dst.get(p)
        if not isinstance(nxt, dict):
            nxt = dst[p] = {}
        dst = nxt
    if isinstance(src, dict) and parts[-1] in src:
        dst[parts[-1]] = clone(src[parts[-1]])
    else:
        dst.pop(parts[-1], None)


def update(emu, op: str, kind: Kind, sent: dict, mask: Any, *, field: str,
           after: Callable[[dict], None] | None = None) -> dict:
    """PATCH with optimistic concurrency: ``sent.revision`` must be current (policy ``entities.update``)."""
    eid = sent.get("id")
    rev = sent.get("revision")
    e = get(emu, op, kind, eid, f"{field}.id")
    if rev is None:
        raise required(f"{field}.revision")
    if as_int(rev) != int(e["revision"]):
        raise emu.fail(op, "REVISION_MISMATCH", f"{kind.label} {eid} is at revision {e['revision']}, request has "
                       f"{rev}", 428, f"{field}.revision", currentRevision=e["revision"])
    body = strip(clone(sent), emu._shared.strip_plan(op, kind.key))
    paths = mask_paths(mask)
    if paths:
        for p in paths:
            if p.split(".")[0] in ("id", "revision", "createdDate", "updatedDate"):
                continue
            _copy_path(e, body, p)
    else:
        for k, v in body.items():
            if k not in ("id", "revision", "createdDate", "updatedDate"):
                e[k] = v
    if after is not None:
        after(e)
    e["revision"] = str(int(e["revision"]) + 1)
    e["updatedDate"] = emu.now_text()
    return _saved(emu, op, kind, e, "updated")


def delete(emu, op: str, kind: Kind, eid: str, field: str) -> dict:
    e = get(emu, op, kind, eid, field)
    del emu.store.table(kind.table)[eid]
    emu.changed(kind.table, e, deleted=True)
    emu.emit(f"{kind.fqdn}_deleted", eid, None, op)
    return e


def query(emu, op: str, kind: Kind, q: dict | None, *, cursor_default: bool, default_sort=None,
          entities: list[dict] | None = None, wrap: Callable[[dict], Any] | None = None,
          known_path: tuple[str, ...] | None = None, projection: bool = True) -> dict:
    """A query endpoint's response ``{<plural>: [...], pagingMetadata}`` (the metadata limited to the fields the
    response contract declares)."""
    rows = entities if entities is not None else emu.store.view(kind.table, emu.clock.now())
    known = emu._shared.checker(op, "response", *(known_path or (kind.plural, "[]")))
    page = wql.run(rows, q, known=known, cursor_default=cursor_default, default_sort=default_sort,
                   projection=projection)
    keys = emu._shared.props(op, "response", "pagingMetadata")
    meta = {k: v for k, v in page.meta.items() if k in keys}
    if "cursors" in meta and not page.cursor_paging:
        del meta["cursors"]
    items = [wrap(x) if wrap else clone(x) for x in page.items]
    return {kind.plural: items, "pagingMetadata": meta}


def count(emu, op: str, kind: Kind, flt: Any, known_op: str, known_path: tuple[str, ...]) -> dict:
    rows = emu.store.view(kind.table, emu.clock.now())
    return {"count": wql.count(rows, flt, known=emu._shared.checker(known_op, "response", *known_path))}


def need(value: Any, field: str) -> None:
    if value is None or value == "":
        raise invalid(field, f"{field.rsplit('.', 1)[-1]} is required", "REQUIRED_FIELD", "required")
