"""Read side of the committed contracts: the catalog of services and operations, and the schema files.
Consumers (CLI, validator, plugin, emulator) use this, never the compiler.

Operations are namespaced by service: an operation's id is ``service.operation``
(``bookings.createBooking``).  Every lookup takes the id, or the bare name when exactly one service
has it; an ambiguous bare name lists the qualified candidates."""

from __future__ import annotations

import difflib
import json
from functools import cached_property
from pathlib import Path

from .paths import data_root


class UnknownOperation(KeyError):
    def __init__(self, name: str, known: list[str]):
        self.name = name
        self.suggestions = difflib.get_close_matches(name, known, n=3, cutoff=0.5) or \
            [k for k in known if k.lower().split(".")[-1].startswith(name.lower().split(".")[-1][:4])][:3]
        super().__init__(name)

    def __str__(self) -> str:
        hint = f"; did you mean {' or '.join(self.suggestions)}?" if self.suggestions else ""
        return f"unknown operation '{self.name}'{hint}"


class AmbiguousOperation(UnknownOperation):
    """A bare operation name that more than one service has."""

    def __init__(self, name: str, candidates: list[str]):
        super().__init__(name, [])
        self.candidates = candidates

    def __str__(self) -> str:
        return (f"ambiguous operation '{self.name}': {len(self.candidates)} services have it; "
                f"use one of {', '.join(self.candidates)}")


class UnknownService(KeyError):
    def __init__(self, slug: str, known: list[str]):
        self.slug = slug
        self.suggestions = difflib.get_close_matches(slug, known, n=3, cutoff=0.5)
        super().__init__(slug)

    def __str__(self) -> str:
        hint = f"; did you mean {' or '.join(self.suggestions)}?" if self.suggestions else ""
        return f"unknown service '{self.slug}'{hint}"


LEGACY_SERVICE = "bookings"


def _upgrade(o: dict) -> dict:
    """An operation entry of a catalog written before the namespaced model (one service, bare names,
    ``path_aliases``), read as today's: ``git diff`` across that change keeps working."""
    if "id" in o:
        return o
    return {**o, "id": f"{LEGACY_SERVICE}.{o['name']}", "service": LEGACY_SERVICE, "rpc": o.get("rpc", ""),
            "aliases": o.get("path_aliases", [])}


class Catalog:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else data_root()

    @cached_property
    def data(self) -> dict:
        return json.loads((self.root / "contracts" / "catalog.json").read_text(encoding="utf-8"))

    @cached_property
    def operations(self) -> dict[str, dict]:
        """Every operation by id (``service.operation``)."""
        return {o["id"]: o for o in map(_upgrade, self.data["operations"])}

    @cached_property
    def services(self) -> dict[str, dict]:
        if "services" not in self.data:  # a catalog from before the namespaced model: Bookings Writer V2 only
            return {LEGACY_SERVICE: {"slug": LEGACY_SERVICE, "kind": "rest", "package": "", "version": "",
                                     "operations": len(self.data["operations"]),
                                     "openapi": "contracts/bookings-writer-v2.openapi.json", "docs": [],
                                     "types": self.data.get("types", [])}}
        return {s["slug"]: s for s in self.data["services"]}

    @cached_property
    def _names(self) -> dict[str, list[str]]:
        """lower-cased bare name or id -> ids."""
        out: dict[str, list[str]] = {}
        for oid, o in self.operations.items():
            out.setdefault(o["name"].lower(), []).append(oid)
            if oid.lower() != o["name"].lower():
                out.setdefault(oid.lower(), []).append(oid)
        return out

    def resolve(self, name: str) -> str:
        """The id of an operation given by id or bare name (either case); raises
        :class:`UnknownOperation` (with a did-you-mean) or :class:`AmbiguousOperation`."""
        if name in self.operations:
            return name
        ids = self._names.get(str(name).lower(), [])
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            raise AmbiguousOperation(name, sorted(ids))
        raise UnknownOperation(name, sorted(self.operations) + sorted({o["name"] for o in self.operations.values()}))

    def operation(self, name: str) -> dict:
        return self.operations[self.resolve(name)]

    def service(self, slug: str) -> dict:
        if slug in self.services:
            return self.services[slug]
        raise UnknownService(slug, sorted(self.services))

    def of_service(self, slug: str) -> list[dict]:
        self.service(slug)
        return [o for o in self.operations.values() if o["service"] == slug]

    def schema(self, op: str, kind: str, surface: str = "rest") -> dict:
        o = self.operation(op)
        paths = o["schemas"].get(surface)
        if not paths or kind not in paths:
            raise KeyError(f"{o['id']} has no {kind} schema for the {surface} surface")
        return json.loads((self.root / paths[kind]).read_text(encoding="utf-8"))

    def openapi_path(self, service: str) -> Path:
        s = self.service(service)
        if not s.get("openapi"):
            raise KeyError(f"service {service} has no REST operations, so no OpenAPI document")
        return self.root / s["openapi"]

    def openapi(self, service: str) -> dict:
        return json.loads(self.openapi_path(service).read_text(encoding="utf-8"))
