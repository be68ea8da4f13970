"""Typed intermediate representation shared by every source (docs pages, SDK typings)
and consumed by the emitters.

Pipeline: source text -> *parser* -> IR (this module) -> emit (JSON Schema / OpenAPI / catalog).

The IR holds facts only.  Free text from third-party pages (descriptions) is kept in
memory as ``Field.doc`` so heuristics can read it (``GUID``, date formats, defaults), but
no emitter ever writes it out.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Literal

Primitive = Literal["string", "integer", "number", "boolean", "object", "date"]
PRIMITIVES: frozenset[str] = frozenset({"string", "integer", "number", "boolean", "object", "date"})
SurfaceKind = Literal["rest", "sdk"]
Origin = Literal["docs", "sdk", "hints"]


@dataclass(frozen=True)
class Source:
    """Where a fact came from: a page URL plus a 1-based line (live pages) or a
    character offset (whitespace-collapsed copies), or an SDK declaration."""

    url: str
    line: int | None = None
    offset: int | None = None
    origin: Origin = "docs"

    def ref(self) -> str:
        url = page_link(self.url)
        if self.line is not None:
            return f"{url}#L{self.line}"
        if self.offset is not None:
            return f"{url}#offset={self.offset}"
        return url


WIX_API = "https://www.wixapis.com"  # the REST API's host, as every contract URL is written
# a path parameter names a field of the request message, possibly nested: {bookingId}, {service.id}
_PATH_PARAM = re.compile(r"\{(\w+(?:\.\w+)*)\}")


def path_params(url_template: str | None) -> list[str]:
    """Path parameter names of a URL template, in order: ``/bookings/{bookingId}/cancel`` -> ``["bookingId"]``;
    a nested field keeps its dotted name: ``/services/{service.id}`` -> ``["service.id"]``."""
    return _PATH_PARAM.findall(url_template or "")


def op_id(service: str, name: str) -> str:
    """An operation's id: ``service.operation`` (``bookings.createBooking``)."""
    return f"{service}.{name}" if service else name


def page_link(url: str) -> str:
    """The page a person opens: the docs URL without the ``.md`` suffix (which only selects
    the markdown rendering).  ``docsfetch`` adds it back to download the page."""
    return url[:-3] if url.startswith("https://dev.wix.com/") and url.endswith(".md") else url


@dataclass
class TypeRef:
    """A field's type.  ``kind`` is a primitive, ``array``, ``map`` or ``named``.

    ``named`` refers to an entry of ``ApiModel.types`` (``name``).  Arrays carry
    ``items``; an ``array`` whose element type the page does not say has
    ``items=None`` until structure resolution gives it one.
    """

    kind: str
    name: str | None = None
    items: "TypeRef | None" = None
    # formats / constraints (JSON Schema vocabulary): "uuid", "date-time", "int64"
    format: str | None = None
    constraints: dict = field(default_factory=dict)  # minLength, maxLength, minimum, ...

    @staticmethod
    def named(name: str) -> "TypeRef":
        return TypeRef("named", name=name)

    def describe(self) -> str:
        if self.kind == "array":
            return f"array<{self.items.describe() if self.items else '?'}>"
        if self.kind == "named":
            return self.name or "?"
        if self.kind == "map":
            return f"map<string,{self.items.describe() if self.items else 'any'}>"
        return self.kind + (f"({self.format})" if self.format else "")


@dataclass
class EnumValue:
    name: str
    source: Source | None = None


@dataclass
class Field:
    name: str
    type: TypeRef
    source: Source
    required: bool = False
    enum: list[EnumValue] | None = None
    # object body when the type is a (possibly anonymous) object: fields and ONE-OF groups
    members: list["Member"] = field(default_factory=list)
    doc: str = ""  # third-party prose: in memory only, never emitted
    read_only: bool = False
    deprecated: bool = False
    origins: set[str] = field(default_factory=set)  # {"docs", "sdk"} after a merge
    also: list[Source] = field(default_factory=list)  # the other sources that state this field
    public: bool = True  # False: declared only by the SDK's internal typings (known, not public)
    wire: str | None = None  # how the wire encodes it, where it differs from the typings: field-mask | float

    @property
    def has_body(self) -> bool:
        return bool(self.members)


@dataclass
class OneOf:
    """At most one of ``members`` may be set (exactly one when ``required``)."""

    members: list[Field]
    source: Source
    required: bool = False


Member = Field | OneOf


def _clone_value(v):
    return copy.deepcopy(v) if isinstance(v, (list, dict, set)) else v


def clone_type(t: TypeRef | None) -> TypeRef | None:
    """A copy of ``t`` that shares nothing mutable with it (as ``copy.deepcopy``, several times faster:
    the SDK import copies inherited members thousands of times)."""
    if t is None:
        return None
    return TypeRef(t.kind, t.name, clone_type(t.items), t.format,
                   {k: _clone_value(v) for k, v in t.constraints.items()} if t.constraints else {})


def clone_member(m: Member) -> Member:
    """A copy of a field or ONE-OF group that shares nothing mutable with it (``Source``s are frozen)."""
    if isinstance(m, OneOf):
        return OneOf([clone_member(f) for f in m.members], m.source, m.required)
    return Field(m.name, clone_type(m.type), m.source, m.required,
                 None if m.enum is None else [EnumValue(e.name, e.source) for e in m.enum],
                 [clone_member(x) for x in m.members], m.doc, m.read_only, m.deprecated, set(m.origins),
                 list(m.also), m.public, m.wire)


def clone_members(members: list[Member]) -> list[Member]:
    return [clone_member(m) for m in members]


def clone_typedef(t: "TypeDef") -> "TypeDef":
    return TypeDef(t.name, t.source, clone_members(t.members),
                   None if t.enum is None else [EnumValue(e.name, e.source) for e in t.enum], set(t.origins),
                   list(t.also))


def iter_fields(members: list[Member]):
    """Fields of an object body, ONE-OF members included, in document order."""
    for m in members:
        if isinstance(m, OneOf):
            yield from m.members
        else:
            yield m


@dataclass
class TypeDef:
    """A named type: an object (``members``) or an enum (``enum``)."""

    name: str
    source: Source
    members: list[Member] = field(default_factory=list)
    enum: list[EnumValue] | None = None
    origins: set[str] = field(default_factory=set)
    also: list[Source] = field(default_factory=list)


@dataclass
class ErrorDoc:
    http_status: int
    status_code: str  # gRPC-ish status: INVALID_ARGUMENT, NOT_FOUND...
    application_code: str
    source: Source


@dataclass
class Example:
    kind: Literal["curl", "sdk"]
    title: str
    source: Source
    method: str | None = None
    url: str | None = None
    body: object | None = None  # parsed JSON body (curl examples)
    body_error: str | None = None  # why the body could not be parsed


@dataclass
class Precondition:
    """A lifecycle fact the page states: entities must be in ``from_statuses`` and
    move to ``to_status``; ``all_or_nothing`` for multi-entity operations."""

    from_statuses: list[str]
    to_status: str | None
    all_or_nothing: bool
    scope: str  # "booking" | "all-bookings"
    source: Source


@dataclass
class Surface:
    """One way of calling an operation: the REST API or the JavaScript SDK."""

    kind: SurfaceKind
    source: Source
    signature: str = ""  # SDK: wixClientAdmin.bookings.X.method(a, b)
    http_method: str | None = None
    url: str | None = None  # full URL template (REST)
    params: list[Field] = field(default_factory=list)  # top-level request params (the path's own aside)
    path_fields: list[Field] = field(default_factory=list)  # request fields the URL path binds (REST)
    required_paths: list[str] = field(default_factory=list)  # "Required parameters:"
    response_type: str | None = None
    response: list[Member] = field(default_factory=list)
    errors: list[ErrorDoc] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)


@dataclass
class Operation:
    name: str  # camelCase method name: declineMultiServiceBooking
    title: str  # PascalCase page title: DeclineMultiServiceBooking
    page_url: str
    source: Source
    package: str = ""
    namespace: str = ""
    scopes: list[dict] = field(default_factory=list)  # [{"name":..., "id":...}]
    surfaces: dict[str, Surface] = field(default_factory=dict)
    preconditions: list[Precondition] = field(default_factory=list)
    complete: bool = True
    incomplete_reasons: list[str] = field(default_factory=list)
    origins: set[str] = field(default_factory=lambda: {"docs"})
    path_aliases: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    service: str = ""  # the owning service's slug (``bookings``, ``services`` ...)
    rpc: str = ""  # the method's fully qualified RPC name from the SDK meta

    @property
    def id(self) -> str:
        return op_id(self.service, self.name)

    @property
    def default_surface(self) -> Surface | None:
        return self.surfaces.get("rest") or self.surfaces.get("sdk")


@dataclass
class Diagnostic:
    """Something a reader of the build output should know about, with its location."""

    severity: Literal["error", "warning", "info"]
    code: str  # e.g. "structure.ambiguous", "type.name-as-type", "page.not-a-method"
    message: str  # our own words, never copied prose
    where: str  # page path + line/offset, or a source ref
    resolved_by: str | None = None  # "indentation" | "registry" | "hints" | "surface" | None

    def as_dict(self) -> dict:
        d = {"severity": self.severity, "code": self.code, "message": self.message, "where": self.where}
        if self.resolved_by:
            d["resolved_by"] = self.resolved_by
        return d


@dataclass
class ApiModel:
    """Everything the sources said, after structure resolution."""

    operations: dict[str, Operation] = field(default_factory=dict)
    types: dict[str, TypeDef] = field(default_factory=dict)  # canonical (union) view, REST names
    sdk_types: dict[str, TypeDef] = field(default_factory=dict)  # the same for the JS SDK surface
    decisions: list[dict] = field(default_factory=list)  # structure decisions (ambiguity report)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict = field(default_factory=dict)  # {"docs": [...urls], "sdk": {...pin}}


ServiceKind = Literal["rest", "service-plugin"]
SDK_PREFIX = "@wix/auto_sdk_bookings_"


def service_slug(package: str) -> str:
    """A service's slug is its SDK package's suffix: ``@wix/auto_sdk_bookings_staff-members`` -> ``staff-members``."""
    return package[len(SDK_PREFIX):] if package.startswith(SDK_PREFIX) else package.rsplit("/", 1)[-1]


@dataclass
class Service:
    """A Wix Bookings service: owns its operations and types (``model``).  ``kind`` is ``rest`` for a
    package with REST operations, ``service-plugin`` for one whose methods Wix calls on an app."""

    slug: str
    package: str = ""
    version: str = ""
    integrity: str | None = None
    kind: ServiceKind = "rest"
    model: ApiModel = field(default_factory=ApiModel)
    docs: list[str] = field(default_factory=list)  # docs page URLs compiled into this service
    # Wix -> integrator: the webhook events the package declares (with the REST-shaped types they
    # use, wire wrappers included) and, for a ``service-plugin`` package, the plugin Wix calls
    events: list["Event"] = field(default_factory=list)
    event_types: dict[str, TypeDef] = field(default_factory=dict)
    plugin: "ServicePlugin | None" = None
    plugin_types: dict[str, TypeDef] = field(default_factory=dict)


@dataclass
class Api:
    """The whole Bookings API: every service, plus what the build reports about all of them."""

    services: dict[str, Service] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    sources: dict = field(default_factory=dict)

    @classmethod
    def single(cls, model: ApiModel, slug: str = "bookings") -> "Api":
        """A whole-API view of one service's model (its operations get ``slug`` when they have none)."""
        for op in model.operations.values():
            op.service = op.service or slug
        return cls(services={slug: Service(slug, model=model)}, diagnostics=list(model.diagnostics),
                   decisions=list(model.decisions), sources=dict(model.sources))

    def operations(self):
        """(service, operation) for every operation, services and operations in name order."""
        for slug in sorted(self.services):
            svc = self.services[slug]
            for name in sorted(svc.model.operations):
                yield svc, svc.model.operations[name]

    def events(self):
        """(service, event) for every webhook event, services in name order, events by name."""
        for slug in sorted(self.services):
            svc = self.services[slug]
            for ev in sorted(svc.events, key=lambda e: e.name):
                yield svc, ev

    def plugin_methods(self):
        """(service, method) for every service-plugin method, services in name order, methods as declared."""
        for slug in sorted(self.services):
            svc = self.services[slug]
            for m in svc.plugin.methods if svc.plugin is not None else []:
                yield svc, m

# ---------------------------------------------------------------- events and service plugins
# The other direction (Wix -> integrator): webhook events Wix delivers, and service-plugin
# methods Wix calls.  Plain data, filled by ``wixcontracts.sdk.events`` / ``.plugins``.

EventKind = Literal["created", "updated", "deleted", "action", "plain"]


@dataclass
class Event:
    """One webhook event type of an SDK package.

    ``kind``: ``created`` / ``updated`` / ``deleted`` (entity events: the domain event
    carries the entity), ``action`` (the domain event carries an action body), ``plain``
    (a legacy event whose message ``data`` is the payload itself, no domain-event wrapper).
    ``payload_type`` is the REST-shaped type the body decodes to (``Booking`` for
    ``booking_created``, ``BookingCanceled`` for ``booking_canceled``); ``None`` when the
    event carries no body (some ``deleted`` events)."""

    event_type: str  # wix.bookings.v2.booking_created
    slug: str  # created
    kind: str  # EventKind
    entity_fqdn: str | None  # wix.bookings.v2.booking (the event type without "_<slug>")
    payload_type: str | None  # REST type name, from meta.d.ts when the package has one
    envelope_type: str  # SDK envelope interface: BookingCreatedEnvelope
    sdk_name: str  # SDK export: onBookingCreated
    package: str
    version: str
    source: Source  # the tagged declaration (``@webhook @eventType @slug``)
    webhook: bool = True  # tagged ``@webhook``
    metadata_type: str = "EventMetadata"  # BaseEventMetadata for plain events
    modified_fields: bool = False  # the SDK envelope declares ``modifiedFields``
    scopes: list[dict] = field(default_factory=list)  # [{"name":..., "id":...}] as Operation.scopes
    permission_ids: list[str] = field(default_factory=list)
    service_identifier: str | None = None
    maturity: str | None = None  # @documentationMaturity (preview)
    deprecated: bool = False
    also: list[Source] = field(default_factory=list)  # the EventDefinition<...> declaration

    @property
    def entity_type(self) -> str | None:
        """The entity type for entity events, else ``None``."""
        return self.payload_type if self.kind in ("created", "updated", "deleted") else None

    @property
    def name(self) -> str:
        """The event's short name: the last dotted part of its type (``booking_created``,
        ``CategoryNotification``); unique across the Bookings packages, and its schema files' stem."""
        return event_name(self.event_type)


def event_name(event_type: str) -> str:
    """``wix.bookings.v2.booking_created`` -> ``booking_created``."""
    return event_type.rsplit(".", 1)[-1]


@dataclass
class PluginMethod:
    """One handler method of a service plugin: Wix sends ``{request, metadata}``
    (``envelope_type``), the app answers ``response_type``."""

    name: str  # calculatePrice
    request_type: str  # CalculatePriceRequest
    response_type: str | None  # CalculatePriceResponse
    envelope_type: str  # CalculatePriceEnvelope
    metadata_type: str | None  # Context
    source: Source
    http_path: str | None = None  # primaryHttpMappingPath of the SDK's definition: /v1/calculate-price
    errors: list[str] = field(default_factory=list)  # @throws: error types the method may return
    also: list[Source] = field(default_factory=list)


@dataclass
class ServicePlugin:
    """A service-plugin package: the handlers an app provides (``provideHandlers``)."""

    package: str
    version: str
    component_type: str | None  # BOOKINGS_PRICING_PROVIDER (the SDK's ServicePluginDefinition)
    methods: list[PluginMethod]
    source: Source  # the provideHandlers declaration
    sdk_shaped: bool = True  # types come from the SDK typings (keys renamed to REST form)

    @property
    def name(self) -> str:
        return self.package.rsplit("_", 1)[-1] if "_" in self.package else self.package
