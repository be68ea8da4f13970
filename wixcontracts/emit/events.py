"""IR events and service-plugin methods -> JSON Schema (draft 2020-12), bundled and standalone.

A webhook delivery has layers, each JSON text inside the previous one:

    JWT  --payload.data-->  message  --data-->  event  --createdEvent.entityAsJson-->  payload
                                     --identity-->  identity

* ``message``: what the JWT's ``data`` claim decodes to (``MessageEnvelope`` of
  ``meta.d.ts``): ``{eventType, instanceId, data, identity, accountInfo}``;
* ``event``: the domain event (``DomainEvent``): ``{id, entityFqdn, slug, entityId,
  eventTime, ..., createdEvent | updatedEvent | deletedEvent | actionEvent}``; a ``plain``
  (legacy) event has no such wrapper: its message ``data`` is the payload;
* ``payload``: the REST-shaped entity (``Booking``) or action body (``BookingCanceled``).

A JSON-text field is ``{"type": "string", "contentMediaType": "application/json",
"contentSchema": {"$ref": "#/$defs/<T>"}, "x-wix-json-string": "<T>"}``: validators treat
the content keywords as annotations, so :mod:`wixcontracts.webhooks.validate` decodes each
layer and validates it against its ``contentSchema`` itself.  ``meta.d.ts`` declares the
bodies as JSON text (``entityAsJson``, ``currentEntityAsJson``, ``deletedEntityAsJson``,
``bodyAsJson``); Wix's JavaScript SDK, reading deliveries, takes the same bodies as objects
(``entity``, ``currentEntity``, ``deletedEntity``, ``body``).  Both forms are accepted, at
most one of a pair (``x-wix-wire-form`` names each).

Every document's root names its layers in ``x-wix-layers`` (layer -> JSON pointer of the
schema in the document), so a validator can start at any layer.

Service-plugin methods: ``request`` is what Wix sends (``{request, metadata}``, open objects:
an undocumented field is drift), ``response`` what the app answers (closed: an undocumented
field is a bug, and Wix wants the response exactly as specified).
"""

from __future__ import annotations

from ..ir import Event, Field, PluginMethod, ServicePlugin, TypeDef, iter_fields
from .jsonschema import Emitter, one_of_constraints

JSON_MEDIA_TYPE = "application/json"
EVENT_DEF = "_Event"  # $defs key of the domain event (never a TypeScript type name)
# body property, its JSON-text field, its object field, the meta.d.ts type declaring it
BODIES = {
    "created": ("createdEvent", "entityAsJson", "entity", "EntityCreatedEvent"),
    "updated": ("updatedEvent", "currentEntityAsJson", "currentEntity", "EntityUpdatedEvent"),
    "deleted": ("deletedEvent", "deletedEntityAsJson", "deletedEntity", "EntityDeletedEvent"),
    "action": ("actionEvent", "bodyAsJson", "body", "ActionEvent"),
}
REQUIRED_EVENT_FIELDS = ("id", "entityFqdn", "slug", "entityId", "eventTime")
# when meta.d.ts lacks the wire wrappers (a package without meta.*)
_FALLBACK_EVENT_FIELDS = {
    "id": {"type": "string"}, "entityFqdn": {"type": "string"}, "slug": {"type": "string"},
    "entityId": {"type": "string"}, "eventTime": {"type": "string", "format": "date-time"},
    "triggeredByAnonymizeRequest": {"type": "boolean"}, "originatedFrom": {"type": "string"},
    "entityEventSequence": {"type": "string"},
}
_FALLBACK_MESSAGE_FIELDS = {"instanceId": {"type": "string"}, "eventType": {"type": "string"},
                            "identity": {"type": "string"}, "data": {"type": "string"},
                            "accountInfo": {"type": "object"}}


def json_string(em: Emitter, type_name: str | None, src: str | None) -> dict:
    """A field holding JSON text that decodes to ``type_name`` (any JSON when ``None``)."""
    s: dict = {"type": "string", "contentMediaType": JSON_MEDIA_TYPE}
    if type_name:
        s["contentSchema"] = em.ref(type_name)
        s["x-wix-json-string"] = type_name
    s["x-wix-wire-form"] = "json-string"
    if src:
        s["x-wix-source"] = src
    return s


def _fields(td: TypeDef | None) -> dict[str, Field]:
    return {f.name: f for f in iter_fields(td.members)} if td is not None else {}


def _prop(em: Emitter, fields: dict[str, Field], name: str, fallback: dict) -> dict:
    f = fields.get(name)
    return em.field(f) if f is not None else dict(fallback.get(name, {}))


def _body(em: Emitter, event: Event, types: dict[str, TypeDef]) -> tuple[str, dict, bool]:
    prop, text_field, object_field, decl = BODIES[event.kind]
    td = types.get(decl)
    fields = _fields(td)
    src = fields[text_field].source.ref() if text_field in fields else None
    props: dict = {text_field: json_string(em, event.payload_type, src)}
    obj = em.ref(event.payload_type) if event.payload_type else {"type": "object"}
    props[object_field] = {**obj, "x-wix-wire-form": "object", "x-wix-source": event.source.ref()}
    for name, f in fields.items():  # the rest the type declares (createdEvent.restoreInfo)
        if name not in props:
            props[name] = em.field(f)
    if event.kind == "updated":
        props.setdefault("modifiedFields", {"type": "object", "x-wix-source": event.source.ref()})
    required = event.kind != "deleted" and event.payload_type is not None
    body = {"type": "object", "title": decl, "properties": props,
            "allOf": one_of_constraints([text_field, object_field], required, src or event.source.ref())}
    if td is not None:
        body["x-wix-source"] = td.source.ref()
    return prop, body, event.kind != "deleted"


def _event_object(em: Emitter, event: Event, types: dict[str, TypeDef]) -> dict:
    de = types.get("DomainEvent")
    fields = _fields(de)
    props: dict = {}
    for name in _FALLBACK_EVENT_FIELDS:
        props[name] = _prop(em, fields, name, _FALLBACK_EVENT_FIELDS)
    for name, f in fields.items():
        if name not in props and name not in {b[0] for b in BODIES.values()}:
            props[name] = em.field(f)
    props["slug"] = {**props["slug"], "const": event.slug}
    if event.entity_fqdn:
        props["entityFqdn"] = {**props["entityFqdn"], "const": event.entity_fqdn}
    body_prop, body, body_required = _body(em, event, types)
    props[body_prop] = body
    required = [*REQUIRED_EVENT_FIELDS] + ([body_prop] if body_required else [])
    s = {"type": "object", "title": f"DomainEvent ({event.kind})", "properties": props, "required": required,
         "x-wix-source": (de.source if de is not None else event.source).ref()}
    return s


def _message_object(em: Emitter, event: Event, types: dict[str, TypeDef], data_schema: dict,
                    data_type: str | None) -> tuple[dict, str | None]:
    me = types.get("MessageEnvelope")
    fields = _fields(me)
    props: dict = {}
    for name in ("instanceId", "eventType", "identity", "data", "accountInfo"):
        props[name] = _prop(em, fields, name, _FALLBACK_MESSAGE_FIELDS)
    props["eventType"] = {**props["eventType"], "const": event.event_type}
    identity = fields.get("identity")
    identity_type = identity.type.name if identity is not None and identity.type.kind == "named" else None
    props["identity"] = json_string(em, identity_type, identity.source.ref() if identity is not None else None)
    data_src = fields["data"].source.ref() if "data" in fields else None
    props["data"] = {"type": "string", "contentMediaType": JSON_MEDIA_TYPE, "contentSchema": data_schema,
                     "x-wix-json-string": data_type, "x-wix-wire-form": "json-string"}
    if data_src:
        props["data"]["x-wix-source"] = data_src
    s = {"type": "object", "title": "MessageEnvelope", "properties": props,
         "required": ["instanceId", "eventType", "data"],
         "x-wix-source": (me.source if me is not None else event.source).ref()}
    return s, identity_type


def _facts(event: Event) -> dict:
    out = {"eventType": event.event_type, "slug": event.slug, "kind": event.kind, "entityFqdn": event.entity_fqdn,
           "payloadType": event.payload_type, "envelopeType": event.envelope_type, "sdkName": event.sdk_name,
           "package": f"{event.package}@{event.version}", "webhook": event.webhook}
    if event.scopes:
        out["scopes"] = event.scopes
    if event.permission_ids:
        out["permissionIds"] = event.permission_ids
    if event.maturity:
        out["maturity"] = event.maturity
    if event.deprecated:
        out["deprecated"] = True
    return out


def event_schemas(event: Event, types: dict[str, TypeDef]) -> dict[str, dict]:
    """Standalone schemas of one event: ``message`` (what the JWT's ``data`` claim decodes
    to, every layer reachable through ``contentSchema``), ``envelope`` (the domain event, or
    the payload of a plain event) and ``payload`` (absent when the event carries none)."""
    out: dict[str, dict] = {}
    common = {"x-wix-event-type": event.event_type, "x-wix-event": _facts(event),
              "x-wix-event-source": event.source.ref(), "x-wix-source": event.source.ref()}

    # payload alone
    if event.payload_type:
        em = Emitter(types, "response")
        root = em.ref(event.payload_type)
        out["payload"] = em.document(root, title=f"{event.event_type} payload ({event.payload_type})", extra={
            **common, "x-wix-layer": "payload", "x-wix-layers": {"payload": "#"}})

    # the domain event alone
    em = Emitter(types, "response")
    if event.kind == "plain":
        env_root = em.ref(event.payload_type) if event.payload_type else {"type": "object"}
        layers = {"event": "#", "payload": "#"}
    else:
        env_root = _event_object(em, event, types)
        layers = {"event": "#"}
        if event.payload_type:
            layers["payload"] = f"#/$defs/{event.payload_type}"
    out["envelope"] = em.document(env_root, title=f"{event.event_type} event", extra={
        **common, "x-wix-layer": "event", "x-wix-layers": layers})
    out["envelope"]["title"] = f"{event.event_type} event"

    # the message, every layer bundled
    em = Emitter(types, "response")
    if event.kind == "plain":
        data_schema = em.ref(event.payload_type) if event.payload_type else {}
        data_type = event.payload_type
        event_ptr = f"#/$defs/{event.payload_type}" if event.payload_type else None
    else:
        em.defs[EVENT_DEF] = _event_object(em, event, types)
        data_schema = {"$ref": f"#/$defs/{EVENT_DEF}"}
        data_type = "DomainEvent"
        event_ptr = f"#/$defs/{EVENT_DEF}"
    msg, identity_type = _message_object(em, event, types, data_schema, data_type)
    layers = {"message": "#"}
    if event_ptr:
        layers["event"] = event_ptr
    if event.payload_type:
        layers["payload"] = f"#/$defs/{event.payload_type}"
    if identity_type:
        layers["identity"] = f"#/$defs/{identity_type}"
    out["message"] = em.document(msg, title=f"{event.event_type} webhook message", extra={
        **common, "x-wix-layer": "message", "x-wix-layers": layers})
    out["message"]["title"] = f"{event.event_type} webhook message"
    return out


def plugin_method_schemas(plugin: ServicePlugin, method: PluginMethod, types: dict[str, TypeDef]) -> dict[str, dict]:
    """``request`` (the ``{request, metadata}`` envelope Wix sends) and ``response`` (what
    the app answers) of one service-plugin method."""
    facts = {"package": f"{plugin.package}@{plugin.version}", "componentType": plugin.component_type,
             "method": method.name, "httpPath": method.http_path}
    if method.errors:
        facts["errors"] = method.errors
    out: dict[str, dict] = {}

    em = Emitter(types, "response")  # Wix -> app: drift-tolerant, int64 as digit strings
    env = types.get(method.envelope_type)
    fields = _fields(env)
    props = {"request": em.field(fields["request"]) if "request" in fields else em.ref(method.request_type)}
    if method.metadata_type:
        props["metadata"] = em.field(fields["metadata"]) if "metadata" in fields else em.ref(method.metadata_type)
    root = {"type": "object", "title": method.envelope_type, "properties": props, "required": list(props),
            "x-wix-source": (env.source if env is not None else method.source).ref()}
    out["request"] = em.document(root, title=f"{plugin.name} {method.name} request", extra={
        "x-wix-plugin": facts, "x-wix-direction": "request", "x-wix-request-type": method.request_type,
        "x-wix-source": method.source.ref()})

    em = Emitter(types, "request")  # app -> Wix: closed, int64 as string or integer
    if method.response_type:
        root = em.ref(method.response_type)
    else:
        root = {"type": "object", "x-wix-incomplete": ["no response type declared"]}
    out["response"] = em.document(root, title=f"{plugin.name} {method.name} response", extra={
        "x-wix-plugin": facts, "x-wix-direction": "response", "x-wix-response-type": method.response_type,
        "x-wix-source": method.source.ref()})
    return out


def plugin_schemas(plugin: ServicePlugin, types: dict[str, TypeDef]) -> dict[str, dict[str, dict]]:
    return {m.name: plugin_method_schemas(plugin, m, types) for m in plugin.methods}


__all__ = ["event_schemas", "plugin_method_schemas", "plugin_schemas", "json_string"]
