"""Import the webhook events an SDK package declares into the IR (:class:`~wixcontracts.ir.Event`).

Where the facts sit in a package's ``build/cjs/`` (all ``.d.ts``):

* ``index.d.ts``: ``declare const onBookingCreated$1: EventDefinition<BookingCreatedEnvelope,
  "wix.bookings.v2.booking_created">;`` -- the event types the SDK wires (one per event);
* ``index.typings.d.ts`` or a shared chunk it imports from (``*.universal-<hash>.d.ts``):
  ``declare function onBookingCreated(handler: (event: BookingCreatedEnvelope) => ...)``
  whose JSDoc carries ``@webhook``, ``@eventType``, ``@slug``, ``@permissionScope`` /
  ``@permissionScopeId`` pairs, ``@permissionId``, ``@serviceIdentifier``,
  ``@documentationMaturity``, ``@deprecated``; and the envelope
  ``interface BookingCreatedEnvelope { entity: Booking; metadata: EventMetadata }`` in SDK
  shapes (``_id``).  An envelope with ``entity`` is an entity event (``created`` /
  ``updated`` / ``deleted`` by slug), one with ``data`` an action event, one with
  ``metadata: BaseEventMetadata`` a plain (legacy, non-domain) event, one with only
  ``metadata`` a deleted event without body;
* ``meta.d.ts``: the REST-shaped types (``Booking`` with ``id``), including the wire
  wrappers ``MessageEnvelope`` and ``DomainEvent``.  The payload type is resolved there by
  name; a package without ``meta.d.ts`` (or a payload type missing from it) falls back
  to the SDK declaration with its keys renamed to REST form (``_id`` -> ``id``), with a
  warning.

Chunk files export their declarations under short aliases (``export { type Booking as B }``)
and importers rename them back (``import { B as Booking }``); names are resolved through
both.  Problems are :class:`~wixcontracts.ir.Diagnostic`\\ s naming file and line, never
exceptions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from wixcontracts.ir import (Diagnostic, Event, Field, OneOf, Source, TypeDef, TypeRef, clone_typedef,
                             iter_fields)

from .ts import descendants as _descendants
from .ts import line as _line
from .ts import parse, typed_consts, unwrap
from .ts import string_value as _string_value
from .ts import text as _text
from .typings import JsDoc, Typings, parse_typings
from .typings import leading_jsdoc as _leading_jsdoc

CJS = "build/cjs"
ENTITY_SLUGS = ("created", "updated", "deleted")
EVENT_DEFINITION = "EventDefinition"
BASE_METADATA = "BaseEventMetadata"
_RELATIVE_JS = re.compile(r"^\./[\w.\-]+\.js(?![\s\S])")


# ------------------------------------------------------------------ files and names


def _values(doc: JsDoc, tag: str) -> list[str]:
    return [v for t, v in doc.tags if t == tag]


@dataclass
class DtsFile:
    """One parsed declaration file: its syntax tree plus import/export name maps."""

    rel: str  # build/cjs/index.d.ts
    path: Path
    url: str  # npm:<package>@<version>/<rel>
    text: str
    root: object
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (module rel, exported name)
    exports: dict[str, str] = field(default_factory=dict)  # exported name -> local name
    declared: set[str] = field(default_factory=set)
    _typings: Typings | None = None

    def src(self, line: int) -> Source:
        return Source(url=self.url, line=line, origin="sdk")

    def where(self, line: int) -> str:
        return f"{self.path}:{line}"


class PackageFiles:
    """The declaration files of an extracted package, parsed on demand, with name resolution."""

    def __init__(self, package_dir: Path, package: str, version: str, diags: list[Diagnostic]):
        self.dir = Path(package_dir)
        self.package = package
        self.version = version
        self.diags = diags
        self._files: dict[str, DtsFile | None] = {}

    def url(self, rel: str) -> str:
        return f"npm:{self.package}@{self.version}/{rel}"

    def get(self, rel: str, *, required: bool = False) -> DtsFile | None:
        if rel in self._files:
            return self._files[rel]
        path = self.dir / rel
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            if required:
                self.diags.append(Diagnostic("error", "sdk.missing-file", f"{rel} is missing", str(path)))
            self._files[rel] = None
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.diags.append(Diagnostic("error", "sdk.unreadable", f"{rel} cannot be read ({exc})", str(path)))
            self._files[rel] = None
            return None
        tree = parse(text.encode("utf-8"))
        f = DtsFile(rel, path, self.url(rel), text, tree.root_node)
        self._index(f)
        self._files[rel] = f
        return f

    def _index(self, f: DtsFile) -> None:
        base = rel_dir(f.rel)
        for node in f.root.named_children:
            if node.type == "import_statement":
                src = node.child_by_field_name("source")
                module = _string_value(src) if src is not None else ""
                if not _RELATIVE_JS.match(module):
                    continue
                target = f"{base}/{module[2:-3]}.d.ts"
                for spec in _descendants(node, "import_specifier"):
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias")
                    if name is not None:
                        f.imports[_text(alias if alias is not None else name)] = (target, _text(name))
            elif node.type == "export_statement":
                clause = next((c for c in node.named_children if c.type == "export_clause"), None)
                if clause is None:
                    decl, _carrier = _unwrap(node)
                    name = _decl_name(decl)
                    if name:
                        f.declared.add(name)
                        f.exports[name] = name
                    continue
                src = node.child_by_field_name("source")
                module = _string_value(src) if src is not None else None
                if module is not None and not _RELATIVE_JS.match(module):
                    continue
                for spec in clause.named_children:
                    if spec.type != "export_specifier":
                        continue
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias")
                    if name is None:
                        continue
                    public = _text(alias if alias is not None else name)
                    if module is None:
                        f.exports[public] = _text(name)
                    else:  # re-export: visible here under ``public``, declared in ``module``
                        f.imports.setdefault(public, (f"{base}/{module[2:-3]}.d.ts", _text(name)))
                        f.exports[public] = public
            else:
                decl, _carrier = _unwrap(node)
                name = _decl_name(decl)
                if name:
                    f.declared.add(name)

    def resolve(self, f: DtsFile, name: str, _depth: int = 0) -> tuple[DtsFile, str] | None:
        """The file and declared name a name used in ``f`` refers to."""
        if name in f.declared:
            return f, name
        if _depth > 8 or name not in f.imports:
            return None
        target_rel, exported = f.imports[name]
        target = self.get(target_rel)
        if target is None:
            return None
        local = target.exports.get(exported, exported)
        return self.resolve(target, local, _depth + 1)

    def typings(self, f: DtsFile) -> Typings:
        if f._typings is None:
            f._typings = parse_typings(f.text, str(f.path), source_url=f.url)
            self.diags.extend(d for d in f._typings.diagnostics if d.severity == "error")
        return f._typings

    def entry_files(self) -> list[DtsFile]:
        """``index.d.ts``, ``index.typings.d.ts`` and every relative chunk they import."""
        out: list[DtsFile] = []
        seen: set[str] = set()
        queue = [f"{CJS}/index.d.ts", f"{CJS}/index.typings.d.ts"]
        while queue:
            rel = queue.pop(0)
            if rel in seen:
                continue
            seen.add(rel)
            f = self.get(rel, required=rel.endswith("/index.d.ts"))
            if f is None:
                continue
            out.append(f)
            queue.extend(sorted({m for m, _ in f.imports.values()}))
        return out


def rel_dir(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else "."


def _unwrap(node):
    return unwrap(node, ("comment", "decorator", "export_clause"))


def _decl_name(decl) -> str | None:
    if decl is None:
        return None
    if decl.type in ("interface_declaration", "enum_declaration", "type_alias_declaration", "function_signature",
                     "class_declaration", "abstract_class_declaration"):
        n = decl.child_by_field_name("name")
        return _text(n) if n is not None else None
    if decl.type == "lexical_declaration":
        d = next((c for c in decl.named_children if c.type == "variable_declarator"), None)
        n = d.child_by_field_name("name") if d is not None else None
        return _text(n) if n is not None else None
    return None


def package_identity(package_dir: Path, diags: list[Diagnostic]) -> tuple[str, str] | None:
    p = Path(package_dir) / "package.json"
    try:
        meta = json.loads(p.read_text(encoding="utf-8"))
        return str(meta["name"]), str(meta["version"])
    except FileNotFoundError:
        diags.append(Diagnostic("error", "sdk.missing-file", "package.json is missing (not an extracted npm package?)", str(p)))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        diags.append(Diagnostic("error", "sdk.package-json", f"package.json has no usable name/version ({exc.__class__.__name__})", str(p)))
    return None


# ------------------------------------------------------------------ SDK -> REST key form

_SDK_KEY = re.compile(r"^_[A-Za-z]")


def rest_key(name: str) -> str:
    """The SDK prefixes some system fields with ``_`` (``_id``, ``_createdDate``); REST does not."""
    return name[1:] if _SDK_KEY.match(name) else name


def rest_shaped(types: dict[str, TypeDef]) -> dict[str, TypeDef]:
    """Copies of SDK-shaped types with their keys renamed to the REST form."""

    def fix(members):
        for m in members:
            if isinstance(m, OneOf):
                fix(m.members)
            else:
                m.name = rest_key(m.name)
                fix(m.members)

    out = {}
    for name, td in types.items():
        td = clone_typedef(td)
        fix(td.members)
        out[name] = td
    return out


def reachable(types: dict[str, TypeDef], roots: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = [r for r in roots if r]

    def refs(members):
        for f in iter_fields(members):
            t: TypeRef | None = f.type
            while t is not None:
                if t.kind == "named" and t.name:
                    yield t.name
                t = t.items
            yield from refs(f.members)

    while stack:
        name = stack.pop()
        if name in seen or name not in types:
            continue
        seen.add(name)
        stack.extend(refs(types[name].members))
    return seen


# ------------------------------------------------------------------ events


@dataclass
class _Tagged:
    name: str  # onBookingCreated
    envelope: str | None
    doc: JsDoc
    file: DtsFile
    line: int


def _event_definitions(f: DtsFile) -> list[tuple[str, str, str, int]]:
    """(const name, envelope name, event type, line) of ``EventDefinition<Env, "type">`` consts."""
    out = []
    for d, args in typed_consts(f.root, EVENT_DEFINITION):
        env = _text(args[0]) if args and args[0].type == "type_identifier" else None
        lit = args[1].named_children[0] if len(args) > 1 and args[1].type == "literal_type" and args[1].named_children else None
        etype = _string_value(lit) if lit is not None and lit.type == "string" else None
        name_node = d.child_by_field_name("name")
        if env and etype and name_node is not None:
            out.append((_text(name_node), env, etype, _line(d)))
    return out


def _tagged_handlers(f: DtsFile) -> list[_Tagged]:
    """``declare function onX(handler: (event: Env) => ...)`` declarations tagged ``@eventType``."""
    out = []
    for node in f.root.named_children:
        decl, carrier = _unwrap(node)
        if decl is None or decl.type != "function_signature":
            continue
        doc = _leading_jsdoc(carrier)
        if not doc.has("eventType"):
            continue
        name_node = decl.child_by_field_name("name")
        envelope = None
        params = decl.child_by_field_name("parameters")
        for fn in _descendants(params, "function_type") if params is not None else []:
            inner = fn.child_by_field_name("parameters")
            for t in _descendants(inner, "type_identifier") if inner is not None else []:
                envelope = _text(t)
                break
            break
        out.append(_Tagged(_text(name_node) if name_node is not None else "?", envelope, doc, f, _line(decl)))
    return out


def _envelope_shape(td: TypeDef) -> dict[str, Field]:
    return {m.name: m for m in iter_fields(td.members)}


def _named(f: Field | None) -> str | None:
    if f is None:
        return None
    t = f.type
    return t.name if t.kind == "named" else None


def entity_fqdn(event_type: str, slug: str) -> str | None:
    suffix = "_" + slug
    return event_type[: -len(suffix)] if slug and event_type.endswith(suffix) else None


def load_events(package_dir) -> tuple[list[Event], dict[str, TypeDef], list[Diagnostic]]:
    """Every webhook event the package declares, the REST-shaped types they use, and diagnostics.

    ``types`` holds the package's ``meta.d.ts`` types (REST shapes, the wire wrappers
    ``MessageEnvelope`` / ``DomainEvent`` included), plus SDK-declared payload types renamed
    to REST keys where ``meta.d.ts`` lacks them."""
    diags: list[Diagnostic] = []
    ident = package_identity(Path(package_dir), diags)
    if ident is None:
        return [], {}, diags
    package, version = ident
    files = PackageFiles(Path(package_dir), package, version, diags)
    entries = files.entry_files()
    if not entries:
        return [], {}, diags

    definitions: dict[str, tuple[str, str, DtsFile, int]] = {}
    tagged: dict[str, _Tagged] = {}
    for f in entries:
        for const, env, etype, line in _event_definitions(f):
            if etype in definitions:
                diags.append(Diagnostic("warning", "sdk.event-duplicate", f"{etype} is defined twice", f.where(line)))
            definitions[etype] = (const, env, f, line)
        for t in _tagged_handlers(f):
            etype = t.doc.value("eventType") or ""
            if etype in tagged:
                diags.append(Diagnostic("warning", "sdk.event-duplicate", f"{etype} is tagged twice", f.where(t.line)))
            tagged[etype] = t

    meta_file = files.get(f"{CJS}/meta.d.ts")
    rest_types: dict[str, TypeDef] = dict(files.typings(meta_file).types) if meta_file is not None else {}
    if meta_file is None and (definitions or tagged):
        diags.append(Diagnostic("warning", "sdk.no-meta", "no meta.d.ts: event payloads use the SDK typings with keys renamed to REST form",
                                str(Path(package_dir) / CJS / "meta.d.ts")))
    types: dict[str, TypeDef] = dict(rest_types)

    events: list[Event] = []
    for etype in list(dict.fromkeys([*definitions, *tagged])):
        d = definitions.get(etype)
        t = tagged.get(etype)
        if t is None:
            const, env, f, line = d
            diags.append(Diagnostic("warning", "sdk.event-untagged",
                                    f"{etype}: no @eventType-tagged handler declaration; slug and scopes unknown", f.where(line)))
            doc, decl_file, decl_line, sdk_name = JsDoc(), f, line, const.removesuffix("$1")
        else:
            env = t.envelope or (d[1] if d else None)
            doc, decl_file, decl_line, sdk_name = t.doc, t.file, t.line, t.name
            if d is None:
                diags.append(Diagnostic("warning", "sdk.event-undefined",
                                        f"{etype}: tagged, but no EventDefinition<...> declares it", t.file.where(t.line)))
            elif d[1] != env:
                diags.append(Diagnostic("warning", "sdk.event-envelope-mismatch",
                                        f"{etype}: EventDefinition says {d[1]}, the handler says {env}", t.file.where(t.line)))
        if not env:
            diags.append(Diagnostic("error", "sdk.event-no-envelope", f"{etype}: envelope type not found", decl_file.where(decl_line)))
            continue
        ev = _build_event(files, etype, env, doc, decl_file, decl_line, sdk_name, d, rest_types, types, diags)
        if ev is not None:
            events.append(ev)
    return events, types, diags


def _build_event(files: PackageFiles, etype: str, env: str, doc: JsDoc, decl_file: DtsFile, decl_line: int,
                 sdk_name: str, definition, rest_types: dict[str, TypeDef], types: dict[str, TypeDef],
                 diags: list[Diagnostic]) -> Event | None:
    where = decl_file.where(decl_line)
    found = files.resolve(decl_file, env)
    if found is None and definition is not None:
        found = files.resolve(definition[2], env)
    if found is None:  # not imported where it is used: any entry file declaring it
        found = next(((f, env) for f in files.entry_files() if env in f.declared), None)
    if found is None:
        diags.append(Diagnostic("error", "sdk.event-no-envelope", f"{etype}: envelope {env} is not declared in the package", where))
        return None
    env_file, env_name = found
    sdk = files.typings(env_file)
    env_td = sdk.types.get(env_name)
    if env_td is None:
        diags.append(Diagnostic("error", "sdk.event-no-envelope", f"{etype}: envelope {env_name} is not an interface",
                                env_file.where(1)))
        return None
    shape = _envelope_shape(env_td)
    metadata_type = _named(shape.get("metadata")) or "EventMetadata"
    slug = doc.value("slug") or ""
    body = shape.get("entity") or shape.get("data")
    payload_sdk = _named(body)
    if "data" in shape:
        kind = "plain" if metadata_type == BASE_METADATA else "action"
    elif slug in ENTITY_SLUGS:
        kind = slug
    else:
        kind = "updated" if "modifiedFields" in shape else "action"
        diags.append(Diagnostic("warning", "sdk.event-kind", f"{etype}: entity envelope with slug {slug!r}; read as {kind}",
                                env_file.where(env_td.source.line or 0)))
    if not slug:
        diags.append(Diagnostic("warning", "sdk.event-no-slug", f"{etype}: no @slug tag", where))
        slug = etype.rsplit("_", 1)[-1]
    if body is not None and payload_sdk is None:
        diags.append(Diagnostic("warning", "sdk.event-payload", f"{etype}: body is not a named type ({body.type.describe()})",
                                env_file.where(body.source.line or 0)))

    payload = payload_sdk
    if payload_sdk and payload_sdk not in rest_types:
        # no REST declaration: the SDK's, with REST keys
        need = reachable(sdk.types, [payload_sdk])
        fallback = rest_shaped({n: sdk.types[n] for n in need if n not in types})
        types.update(fallback)
        diags.append(Diagnostic("warning", "sdk.event-sdk-shape",
                                f"{etype}: {payload_sdk} is not declared in meta.d.ts; SDK shape used, keys renamed to REST form",
                                env_file.where(env_td.source.line or 0)))

    scopes_names = _values(doc, "permissionScope")
    scope_ids = _values(doc, "permissionScopeId")
    scopes = [{"name": n, "id": scope_ids[i] if i < len(scope_ids) else None} for i, n in enumerate(scopes_names)]
    also = [definition[2].src(definition[3])] if definition is not None else []
    return Event(
        event_type=etype,
        slug=slug,
        kind=kind,
        entity_fqdn=entity_fqdn(etype, slug) if kind != "plain" else None,
        payload_type=payload,
        envelope_type=env_name,
        sdk_name=sdk_name,
        package=files.package,
        version=files.version,
        source=decl_file.src(decl_line),
        webhook=doc.has("webhook"),
        metadata_type=metadata_type,
        modified_fields="modifiedFields" in shape,
        scopes=scopes,
        permission_ids=_values(doc, "permissionId"),
        service_identifier=doc.value("serviceIdentifier"),
        maturity=doc.value("documentationMaturity"),
        deprecated=doc.has("deprecated"),
        also=also,
    )
