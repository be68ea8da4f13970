"""Read side of the committed contracts: the catalog of services, operations, webhook events and
service-plugin methods, and the schema files.
Consumers (CLI, validator, plugin, emulator) use this, never the compiler.

Operations are namespaced by service: an operation's id is ``service.operation``
(``bookings.createBooking``).  Every lookup takes the id, or the bare name when exactly one service
has it; an ambiguous bare name lists the qualified candidates."""

from __future__ import annotations

import difflib
import json
from functools import cached_property
from pathlib import Path

from .paths import DataMissing, data_root


class UnknownOperation(KeyError):
    what = "operation"  # the kind of name, in messages

    def __init__(self, name: str, known: list[str]):
        self.name = name
        self.suggestions = difflib.get_close_matches(name, known, n=3, cutoff=0.5) or \
            [k for k in known if k.lower().split(".")[-1].startswith(name.lower().split(".")[-1][:4])][:3]
        super().__init__(name)

    def __str__(self) -> str:
        hint = f"; did you mean {' or '.join(self.suggestions)}?" if self.suggestions else ""
        return f"unknown {self.what} '{self.name}'{hint}"


class AmbiguousOperation(UnknownOperation):
    """A bare operation name that more than one service has."""

    holders = "services have it"

    def __init__(self, name: str, candidates: list[str]):
        super().__init__(name, [])
        self.candidates = candidates

    def __str__(self) -> str:
        return (f"ambiguous {self.what} '{self.name}': {len(self.candidates)} {self.holders}; "
                f"use one of {', '.join(self.candidates)}")


class UnknownEvent(UnknownOperation):
    """A webhook event no service declares (by event type, id, name or slug)."""

    what = "event"


class AmbiguousEvent(AmbiguousOperation):
    """An event name or slug (``created``) that more than one event has."""

    what, holders = "event", "events match"


class UnknownPluginMethod(UnknownOperation):
    what = "service-plugin method"


class AmbiguousPluginMethod(AmbiguousOperation):
    what, holders = "service-plugin method", "plugins have it"


def _index(entries: dict[str, dict], keys) -> dict[str, list[str]]:
    """lower-cased lookup key -> ids, for every key ``keys(entry)`` gives."""
    out: dict[str, list[str]] = {}
    for eid, e in entries.items():
        for k in dict.fromkeys(x.lower() for x in keys(e) if x):
            out.setdefault(k, []).append(eid)
    return out


def _lookup(name: str, entries: dict[str, dict], index: dict[str, list[str]], unknown, ambiguous, known) -> str:
    if name in entries:
        return name
    ids = index.get(str(name).lower(), [])
    if len(ids) == 1:
        return ids[0]
    if len(ids) > 1:
        raise ambiguous(name, sorted(ids))
    raise unknown(name, known)


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

    @classmethod
    def of_data(cls, data: dict, root: Path | None = None) -> "Catalog":
        """A catalog already read (a build's, in memory): ``data`` is what ``contracts/catalog.json`` holds."""
        c = cls(root)
        c.__dict__["data"] = data  # the cached_property's own slot
        return c

    @cached_property
    def data(self) -> dict:
        path = self.root / "contracts" / "catalog.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataMissing(f"{path}: the contract catalog is missing (a partial copy of wixcontracts or a broken "
                              f"install: reinstall it, or run `make schemas` in a checkout)") from None

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

    def schema_file(self, op: str, kind: str, surface: str = "rest") -> Path:
        """The file :meth:`schema` reads."""
        o = self.operation(op)
        paths = o["schemas"].get(surface)
        if not paths or kind not in paths:
            raise KeyError(f"{o['id']} has no {kind} schema for the {surface} surface")
        return self.root / paths[kind]

    def schema(self, op: str, kind: str, surface: str = "rest") -> dict:
        return json.loads(self.schema_file(op, kind, surface).read_text(encoding="utf-8"))

    # ------------------------------------------------------------ webhook events (Wix -> integrator)

    @cached_property
    def events(self) -> dict[str, dict]:
        """Every webhook event by id (``service.name``: ``bookings.booking_created``)."""
        return {e["id"]: e for e in self.data.get("events", [])}

    @cached_property
    def _event_index(self) -> dict[str, list[str]]:
        return _index(self.events, lambda e: (e["id"], e["event_type"], e["name"], e.get("sdk_name"), e["slug"],
                                              f"{e['service']}.{e['slug']}"))

    def resolve_event(self, name: str) -> str:
        """The id of an event given by event type (``wix.bookings.v2.booking_created``), id
        (``bookings.booking_created``), name (``booking_created``), SDK name (``onBookingCreated``) or slug
        (``canceled``; ``bookings.created``), in any case; raises :class:`UnknownEvent` (with a did-you-mean)
        or :class:`AmbiguousEvent` (``created``: every entity has one)."""
        known = sorted({k for e in self.events.values() for k in (e["id"], e["name"], e["event_type"])})
        return _lookup(name, self.events, self._event_index, UnknownEvent, AmbiguousEvent, known)

    def event(self, name: str) -> dict:
        return self.events[self.resolve_event(name)]

    def events_of(self, slug: str) -> list[dict]:
        self.service(slug)
        return [e for e in self.events.values() if e["service"] == slug]

    def event_schema(self, name: str, layer: str = "message") -> dict:
        """One committed event schema: ``message`` (every layer), ``envelope`` (the domain event) or ``payload``."""
        e = self.event(name)
        rel = e["schemas"].get(layer)
        if not rel:
            raise KeyError(f"{e['id']} has no {layer} schema (it has {', '.join(e['schemas'])})")
        return json.loads((self.root / rel).read_text(encoding="utf-8"))

    def event_schema_by_type(self, event_type: str) -> dict | None:
        """The ``message`` schema of an exact event type, or None (a lookup for ``validate_event``)."""
        e = next((x for x in self.events.values() if x["event_type"] == event_type), None)
        return self.event_schema(e["id"]) if e is not None else None

    # ------------------------------------------------------------ service-plugin methods (Wix -> app)

    @cached_property
    def plugin_methods(self) -> dict[str, dict]:
        """Every service-plugin method by id (``pricing-provider.calculatePrice``)."""
        return {m["id"]: m for m in self.data.get("plugin_methods", [])}

    @cached_property
    def _plugin_index(self) -> dict[str, list[str]]:
        return _index(self.plugin_methods, lambda m: (m["id"], m["name"], m.get("http_path")))

    def resolve_plugin_method(self, name: str) -> str:
        known = sorted({k for m in self.plugin_methods.values() for k in (m["id"], m["name"])})
        return _lookup(name, self.plugin_methods, self._plugin_index, UnknownPluginMethod, AmbiguousPluginMethod,
                       known)

    def plugin_method(self, name: str) -> dict:
        return self.plugin_methods[self.resolve_plugin_method(name)]

    def plugin_methods_of(self, slug: str) -> list[dict]:
        """The plugin methods of a service-plugin service (declaration order)."""
        svc = self.service(slug)
        order = (svc.get("plugin") or {}).get("methods") or []
        found = [m for m in self.plugin_methods.values() if m["service"] == slug]
        return sorted(found, key=lambda m: order.index(m["name"]) if m["name"] in order else len(order))

    def plugin_schema(self, name: str, kind: str) -> dict:
        m = self.plugin_method(name)
        rel = m["schemas"].get(kind)
        if not rel:
            raise KeyError(f"{m['id']} has no {kind} schema")
        return json.loads((self.root / rel).read_text(encoding="utf-8"))

    def openapi_path(self, service: str) -> Path:
        s = self.service(service)
        if not s.get("openapi"):
            raise KeyError(f"service {service} has no REST operations, so no OpenAPI document")
        return self.root / s["openapi"]

    def openapi(self, service: str) -> dict:
        return json.loads(self.openapi_path(service).read_text(encoding="utf-8"))
