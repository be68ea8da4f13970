"""The REST wiring extractor on a small handwritten module shaped like the SDK's meta.js."""

from __future__ import annotations

from pathlib import Path

from wixcontracts.ir import Field, OneOf, Source, TypeRef
from wixcontracts.sdk.operations import (
    build_operations,
    canonical_and_aliases,
    client_path,
    extract_rest_methods,
    resolve_paths,
)
from wixcontracts.sdk.typings import parse_typings

DATA = Path(__file__).parent / "data"
JS = (DATA / "widgets-meta.js").read_text(encoding="utf-8")  # shaped like the SDK's build/cjs/meta.js

DTS = (DATA / "widgets-meta.d.ts").read_text(encoding="utf-8")

JS_URL = "npm:@acme/widgets@1.0.0/build/cjs/meta.js"
DROP_LINE = JS.splitlines().index('      method: "POST",') + 1


def test_extract_rest_methods():
    methods, diags = extract_rest_methods(JS, "meta.js")
    assert diags == []
    assert [(m.sdk_name, m.name, m.title, m.http_method) for m in methods] == [
        ("dropWidget", "dropWidget", "DropWidget", "POST"),
        ("gadgetsPeekWidget", "peekWidget", "PeekWidget", "GET"),
    ]
    drop, peek = methods
    assert drop.proto_path == "/v3/widgets/{widgetId}/drop"
    assert drop.method_fqn == "com.acme.widgets.v3.Widgets.DropWidget"
    assert drop.path == "/_api/widget-service/v3/widgets/{widgetId}/drop"
    assert drop.aliases == ["/widgets/v3/widgets/{widgetId}/drop"]  # sandbox domain left out
    assert drop.line == DROP_LINE
    # the first mapping whose destPath prefixes the proto path (here both give the same path)
    assert peek.path == "/_api/widget-service/v3/widgets/special/{widgetId}"
    assert peek.aliases == ["/widgets/v3/widgets/special/{widgetId}"]


def test_resolution_rules():
    mappings = {
        "_": [("/plain/v1/things", "/v1/things"), ("/_api/things", "/v1/things")],
        "other": [("/_api/v1/things", "/v1/things")],
        "*.dev": [("/_api/x", "/v1/things")],
    }
    assert resolve_paths("/v1/things/{id}:run", mappings) == {
        "_": ["/plain/v1/things/{id}:run", "/_api/things/{id}:run"],
        "other": ["/_api/v1/things/{id}:run"],
        "*.dev": ["/_api/x/{id}:run"],
    }
    # the official client: no www.wixapis.com entry -> the user domain "_", FIRST matching mapping
    assert canonical_and_aliases("/v1/things/{id}:run", mappings) == (
        "/plain/v1/things/{id}:run",
        ["/_api/things/{id}:run", "/_api/v1/things/{id}:run"],
    )
    assert canonical_and_aliases("/v2/x", {"_": [("/svc/v2/x", "/v2/x")]}) == ("/svc/v2/x", [])


def test_client_path_is_the_runtimes_rule():
    """Pricing's shape (@wix/auto_sdk_bookings_pricing): the client's host has its own mappings, and the
    first prefixing mapping wins even when a longer destPath also prefixes the path."""
    mappings = {
        "_": [("/_api/bookings-pricing", ""), ("/_api/bookings-pricing/v2/price", "/v2/pricing")],
        "www.wixapis.com": [("/bookings/v2/pricing/v2/pricing", "/v2/pricing"), ("/bookings/v2/pricing", "/v2/pricing")],
    }
    assert client_path("/v2/pricing/preview", mappings) == "/bookings/v2/pricing/v2/pricing/preview"
    assert client_path("/v2/pricing/preview", mappings, host="manage.example") == "/_api/bookings-pricing/v2/pricing/preview"
    canonical, aliases = canonical_and_aliases("/v2/pricing/preview", mappings)
    assert canonical == "/bookings/v2/pricing/v2/pricing/preview"
    assert set(aliases) == {"/_api/bookings-pricing/v2/pricing/preview", "/_api/bookings-pricing/v2/price/preview",
                            "/bookings/v2/pricing/preview"}
    # a root-domain entry and a wildcard entry are used before "_", as resolveUrl does
    assert client_path("/v1/x", {"_": [("/u", "/v1")], "wixapis.com": [("/root", "/v1")]}) == "/root/x"
    assert client_path("/v1/x", {"_": [("/u", "/v1")], "*.wixapis.com": [("/wild", "/v1")]}) == "/wild/x"
    # an alias the gateway would route elsewhere (a longer srcPath claims it) is not an alias
    tricky = {"_": [("/api", "/v1"), ("/api/x", "/v9")]}
    assert canonical_and_aliases("/v1/x/y", tricky) == ("/api/x/y", [])


    # no mapping at all: the proto path itself
    assert canonical_and_aliases("/v2/x", {}) == ("/v2/x", [])


def test_build_operations_uses_request_and_response_types():
    methods, _ = extract_rest_methods(JS, "meta.js")
    typings = parse_typings(DTS, "meta.d.ts", source_url="npm:@acme/widgets@1.0.0/build/cjs/meta.d.ts")
    ops, diags = build_operations(methods, typings, js_url=JS_URL)
    assert list(ops) == ["dropWidget", "peekWidget"]
    drop = ops["dropWidget"]
    assert drop.origins == {"sdk"} and drop.title == "DropWidget"
    assert drop.path_aliases == ["/widgets/v3/widgets/{widgetId}/drop"]
    assert drop.source == Source(JS_URL, line=DROP_LINE, origin="sdk")
    rest = drop.surfaces["rest"]
    assert (rest.kind, rest.http_method, rest.url) == ("rest", "POST", "/_api/widget-service/v3/widgets/{widgetId}/drop")
    assert [p.name for p in rest.params] == ["widgetId", "gently", "hard", "revision", "options"]
    assert all(isinstance(p, Field) for p in rest.params)
    # required chains only: options is optional, so options.reason is not listed
    assert rest.required_paths == ["widgetId", "revision"]
    assert rest.response_type == "DropWidgetResponse"
    assert [m.name for m in rest.response] == ["widget"]
    assert rest.response[0].type == TypeRef.named("Widget")
    # the request type itself keeps its ONE-OF group
    req = typings.types["DropWidgetRequest"]
    assert isinstance(req.members[1], OneOf) and [f.name for f in req.members[1].members] == ["gently", "hard"]
    # peekWidget has no meta declaration: names fall back to <Title>Request/Response
    peek = ops["peekWidget"].surfaces["rest"]
    assert [p.name for p in peek.params] == ["widgetId", "filter"] and peek.response_type == "PeekWidgetResponse"
    assert peek.required_paths == ["widgetId", "filter", "filter.kind"]
    assert diags == []


def test_missing_types_are_reported_not_fatal():
    methods, _ = extract_rest_methods(JS, "meta.js")
    typings = parse_typings("", "meta.d.ts")
    ops, diags = build_operations(methods, typings, js_url=JS_URL)
    assert len(ops) == 2 and ops["dropWidget"].surfaces["rest"].params == []
    assert {d.code for d in diags} == {"sdk.no-request-type", "sdk.no-response-type"}
    assert all(d.where.startswith(JS_URL + "#L") for d in diags)
