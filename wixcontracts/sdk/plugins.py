"""Import a service-plugin package (Wix calls the app) into the IR (:class:`~wixcontracts.ir.ServicePlugin`).

Service-plugin packages have no ``meta.*``.  What they declare, in ``build/cjs/``:

* a chunk ``.d.ts`` reached from ``index.d.ts``:
  ``declare const provideHandlers: ServicePluginDefinition<{ calculatePrice(payload:
  CalculatePriceEnvelope): CalculatePriceResponse | Promise<CalculatePriceResponse>; }>``
  -- one method signature per handler, each JSDoc'd (``@throws`` names error types);
* ``index.typings.d.ts``: the same methods as ``declare function`` (cross-checked);
* the envelope ``interface CalculatePriceEnvelope { request: CalculatePriceRequest;
  metadata: Context }`` and every request/response type, in SDK shapes (``_id``);
* ``index.js``: ``ServicePluginDefinition("BOOKINGS_PRICING_PROVIDER", [{name,
  primaryHttpMappingPath: "/v1/calculate-price", ...}])`` -- the component type and each
  method's path.

Wix sends and receives REST-shaped JSON (the SDK renames keys on the way in and out), so
the returned types are the SDK's with their keys renamed to REST form (``_id`` -> ``id``).
Problems are :class:`~wixcontracts.ir.Diagnostic`\\ s, never exceptions.
"""

from __future__ import annotations

from pathlib import Path


from wixcontracts.ir import Diagnostic, PluginMethod, ServicePlugin, Source, TypeDef, iter_fields

from .events import CJS, DtsFile, PackageFiles, _leading_jsdoc, _unwrap, package_identity, reachable, rest_shaped
from .ts import descendants as _descendants
from .ts import line as _line
from .ts import parse, typed_consts
from .ts import string_value as _string_value
from .ts import text as _text
PLUGIN_DEFINITION = "ServicePluginDefinition"
PROVIDE_HANDLERS = "provideHandlers"


def _first_type_name(node) -> str | None:
    """``X | Promise<X>`` -> ``X``; a plain ``X`` -> ``X``."""
    if node is None:
        return None
    if node.type == "type_identifier":
        return _text(node)
    if node.type in ("type_annotation", "parenthesized_type"):
        return _first_type_name(node.named_children[-1]) if node.named_children else None
    if node.type == "union_type":
        for c in node.named_children:
            name = _first_type_name(c)
            if name:
                return name
    if node.type == "generic_type":
        args = node.child_by_field_name("type_arguments")
        if args is not None and args.named_children:
            return _first_type_name(args.named_children[0])
    return None


def _param_type(sig) -> str | None:
    params = sig.child_by_field_name("parameters")
    for p in params.named_children if params is not None else []:
        if p.type in ("required_parameter", "optional_parameter"):
            return _first_type_name(p.child_by_field_name("type"))
    return None


def _handler_methods(f: DtsFile):
    """(``provideHandlers`` node line, [(name, envelope, response, JsDoc, line)]) of ``f``."""
    for d, args in typed_consts(f.root, PLUGIN_DEFINITION):
        body = next((a for a in args if a.type == "object_type"), None)
        methods = []
        for sig in body.named_children if body is not None else []:
            if sig.type != "method_signature":
                continue
            name = sig.child_by_field_name("name")
            methods.append((_text(name) if name is not None else "?", _param_type(sig),
                            _first_type_name(sig.child_by_field_name("return_type")), _leading_jsdoc(sig), _line(sig)))
        return _line(d), methods
    return None


def _declared_functions(f: DtsFile) -> dict[str, tuple[object, int]]:
    out = {}
    for node in f.root.named_children:
        decl, carrier = _unwrap(node)
        if decl is not None and decl.type == "function_signature":
            name = decl.child_by_field_name("name")
            if name is not None:
                out[_text(name)] = (_leading_jsdoc(carrier), _line(decl))
    return out


def _js_definition(package_dir: Path, diags: list[Diagnostic]) -> tuple[str | None, dict[str, str], int]:
    """(component type, {method: primaryHttpMappingPath}, line) from ``build/cjs/index.js``."""
    path = package_dir / CJS / "index.js"
    try:
        text = path.read_bytes()
    except OSError:
        diags.append(Diagnostic("warning", "sdk.missing-file", "index.js is missing: component type and paths unknown", str(path)))
        return None, {}, 0
    tree = parse(text)
    for call in _descendants(tree.root_node, "call_expression"):
        fn = call.child_by_field_name("function")
        if fn is None or not _text(fn).rstrip(")").endswith(PLUGIN_DEFINITION):
            continue
        args = call.child_by_field_name("arguments")
        items = [a for a in (args.named_children if args is not None else []) if a.type != "comment"]
        component = _string_value(items[0]) if items and items[0].type == "string" else None
        paths: dict[str, str] = {}
        if len(items) > 1 and items[1].type == "array":
            for obj in items[1].named_children:
                if obj.type != "object":
                    continue
                props = {}
                for pair in obj.named_children:
                    if pair.type != "pair":
                        continue
                    k, v = pair.child_by_field_name("key"), pair.child_by_field_name("value")
                    if k is not None and v is not None and v.type == "string":
                        props[_text(k).strip("'\"")] = _string_value(v)
                if "name" in props:
                    paths[props["name"]] = props.get("primaryHttpMappingPath") or ""
        return component, paths, _line(call)
    diags.append(Diagnostic("warning", "sdk.plugin-js", f"index.js has no {PLUGIN_DEFINITION}(...) call", str(path)))
    return None, {}, 0


def load_service_plugin(package_dir) -> tuple[ServicePlugin | None, dict[str, TypeDef], list[Diagnostic]]:
    """The service plugin a package declares, its request/response types (REST keys), diagnostics.

    Returns ``(None, {}, diagnostics)`` when the package declares no ``provideHandlers``."""
    diags: list[Diagnostic] = []
    package_dir = Path(package_dir)
    ident = package_identity(package_dir, diags)
    if ident is None:
        return None, {}, diags
    package, version = ident
    files = PackageFiles(package_dir, package, version, diags)
    entries = files.entry_files()
    found = None
    for f in entries:
        got = _handler_methods(f)
        if got is not None:
            found = (f, *got)
            break
    if found is None:
        if entries:
            diags.append(Diagnostic("error", "sdk.plugin-none", f"no {PROVIDE_HANDLERS}: {PLUGIN_DEFINITION}<...> declaration",
                                    str(package_dir / CJS)))
        return None, {}, diags
    decl_file, decl_line, raw_methods = found
    functions: dict[str, tuple] = {}
    function_file: dict[str, DtsFile] = {}
    for f in entries:
        for name, v in _declared_functions(f).items():
            functions.setdefault(name, v)
            function_file.setdefault(name, f)
    component, js_paths, js_line = _js_definition(package_dir, diags)

    sdk_types: dict[str, TypeDef] = {}
    methods: list[PluginMethod] = []
    roots: list[str] = []
    for name, env, resp, doc, line in raw_methods:
        where = decl_file.where(line)
        if not env:
            diags.append(Diagnostic("error", "sdk.plugin-method", f"{name}: no envelope parameter type", where))
            continue
        res = files.resolve(decl_file, env)
        if res is None:
            diags.append(Diagnostic("error", "sdk.plugin-method", f"{name}: envelope {env} is not declared", where))
            continue
        env_file, env_name = res
        typings = files.typings(env_file)
        for n, td in typings.types.items():
            sdk_types.setdefault(n, td)
        env_td = typings.types.get(env_name)
        shape = {m.name: m for m in iter_fields(env_td.members)} if env_td is not None else {}
        req = shape.get("request")
        meta = shape.get("metadata")
        request_type = req.type.name if req is not None and req.type.kind == "named" else None
        metadata_type = meta.type.name if meta is not None and meta.type.kind == "named" else None
        if request_type is None:
            diags.append(Diagnostic("error", "sdk.plugin-method", f"{name}: envelope {env_name} has no named 'request' member",
                                    env_file.where(env_td.source.line if env_td is not None else 1)))
            continue
        if resp is None:
            diags.append(Diagnostic("warning", "sdk.plugin-method", f"{name}: response type not found", where))
        elif files.resolve(decl_file, resp) is not None:
            rf, rname = files.resolve(decl_file, resp)
            for n, td in files.typings(rf).types.items():
                sdk_types.setdefault(n, td)
            resp = rname
        errors = [v.split()[0] for t, v in doc.tags if t == "throws" and v]
        also: list[Source] = []
        fn = functions.get(name)
        if fn is None:
            diags.append(Diagnostic("warning", "sdk.plugin-method", f"{name}: no matching declare function in index.typings.d.ts", where))
        else:
            fdoc, fline = fn
            errors += [v.split()[0] for t, v in fdoc.tags if t == "throws" and v and v.split()[0] not in errors]
            also.append(function_file[name].src(fline))
        if js_paths and name not in js_paths:
            diags.append(Diagnostic("warning", "sdk.plugin-js", f"{name}: not in index.js's {PLUGIN_DEFINITION}", where))
        methods.append(PluginMethod(
            name=name, request_type=request_type, response_type=resp, envelope_type=env_name,
            metadata_type=metadata_type, source=decl_file.src(line), http_path=js_paths.get(name) or None,
            errors=errors, also=also,
        ))
        roots += [env_name, request_type, resp or "", metadata_type or ""]
    for extra in sorted(set(js_paths) - {m.name for m in methods}):
        diags.append(Diagnostic("warning", "sdk.plugin-js", f"index.js defines {extra}, the typings do not", str(package_dir / CJS / "index.js")))
    types = rest_shaped({n: sdk_types[n] for n in reachable(sdk_types, roots)})
    plugin = ServicePlugin(package=package, version=version, component_type=component, methods=methods,
                           source=decl_file.src(decl_line), sdk_shaped=True)
    return plugin, types, diags


__all__ = ["load_service_plugin"]
