"""Both page dialects on snippets written for these tests (tests/docs/snippets.py)."""

from __future__ import annotations

from wixcontracts.docs.compiler import compile_pages
from wixcontracts.ir import OneOf, iter_fields

from .snippets import LIVE, NOT_A_METHOD, collapse

LIVE_PATH = "api-reference/test/widgets/make-widget.md"


def names(members):
    return [("ONE-OF(" + ",".join(f.name for f in m.members) + ")") if isinstance(m, OneOf) else m.name for m in members]


def field(members, path):
    cur, f = members, None
    for p in path.split("."):
        f = next(x for x in iter_fields(cur) if x.name == p)
        cur = f.members
    return f


def test_live_page_structure_follows_indentation_and_registry():
    m = compile_pages({LIVE_PATH: LIVE})
    op = m.operations["makeWidget"]
    rest = op.surfaces["rest"]
    widget = rest.params[0]
    # param-level ONE-OF: `frame`/`revision` share the column of choice's children;
    # the registry (learned from the return-type tree) puts them on Widget.
    assert names(widget.members) == ["ONE-OF(count,choice)", "frame", "revision"]
    assert names(field(rest.params, "widget.choice").members) == ["label", "weight"]
    assert widget.members[0].required is True
    assert [v.name for v in field(rest.params, "widget.frame.kind").enum] == ["WOOD", "METAL"]
    # Required parameters: a.b makes b required inside a
    assert field(rest.params, "widget.frame.depth").required
    assert widget.required
    assert not m.decisions or all(not d["unresolved"] for d in m.decisions)
    resolved = [d for d in m.decisions if d["entry"] == "frame"]
    assert resolved and resolved[0]["resolved_by"] == "registry"


def test_header_url_method_errors_and_preconditions():
    m = compile_pages({LIVE_PATH: LIVE})
    op = m.operations["makeWidget"]
    assert op.title == "MakeWidget" and op.package == "widgets" and op.namespace == "Widgets"
    assert op.scopes == [{"name": "Manage Widgets", "id": "SCOPE.TEST.MANAGE-WIDGETS"}]
    rest = op.surfaces["rest"]
    assert rest.http_method == "POST"
    assert rest.url.endswith("/v2/widgets/{widgetId}/make")
    assert [(e.http_status, e.application_code) for e in rest.errors] == [(404, "WIDGET_NOT_FOUND"), (428, "WIDGET_REVISION_MISMATCH")]
    (p,) = op.preconditions
    assert p.from_statuses == ["DRAFT", "READY"] and p.to_status == "MADE" and p.all_or_nothing
    assert op.path_aliases == ["/widgets/v2/widgets/{widgetId}/make"] or op.path_aliases == []
    (ex,) = rest.examples
    assert ex.method == "POST" and ex.body == {"widget": {"count": 2, "revision": 3, "colour": "red"}}


def test_surfaces_glitch_dates_and_promise():
    m = compile_pages({LIVE_PATH: LIVE})
    op = m.operations["makeWidget"]
    rest, sdk = op.surfaces["rest"], op.surfaces["sdk"]
    # REST renders `quiet | type: quiet`; the SDK section says boolean
    assert field(rest.params, "quiet").type.kind == "boolean"
    assert any(d.code == "type.name-as-type" and d.resolved_by == "surface" for d in m.diagnostics)
    assert sdk.response_type == "MakeWidgetResponse"
    assert field(rest.response, "widget.createdDate").type.format == "date-time"
    assert field(sdk.params, "widgetId").type.format == "uuid"
    assert field(rest.params, "widget.choice.label").type.format == "uuid"
    # an array whose element type the page does not give is reported
    assert any(d.code == "type.array-items-unknown" and "notes" in d.message for d in m.diagnostics)


def test_collapsed_copy_alone_is_ambiguous_and_reported():
    m = compile_pages({LIVE_PATH: collapse(LIVE)})
    unresolved = [d for d in m.decisions if d["unresolved"]]
    assert unresolved, "a collapsed page with no other evidence must report its guesses"
    assert all(d["where"].startswith(LIVE_PATH + "@") for d in unresolved)


def test_collapsed_copy_resolves_from_registry_of_a_live_page():
    other = LIVE.replace("MakeWidget", "RemakeWidget").replace("makeWidget", "remakeWidget").replace("/make", "/remake")
    m = compile_pages({LIVE_PATH: LIVE, "api-reference/test/widgets/remake-widget.md": collapse(other)})
    assert not [d for d in m.decisions if d["unresolved"]]
    live = m.operations["makeWidget"].surfaces["rest"]
    coll = m.operations["remakeWidget"].surfaces["rest"]
    assert names(coll.params[0].members) == names(live.params[0].members)
    assert names(field(coll.response, "widget").members) == names(field(live.response, "widget").members)
    # provenance of collapsed pages is an offset
    assert "offset=" in field(coll.params, "widget.frame").source.ref()
    assert "#L" in field(live.params, "widget.frame").source.ref()


def test_hints_settle_what_the_pages_do_not():
    hints = {"shapes": {"Widget": {"fields": ["frame", "revision", "createdDate"], "groups": [["count", "choice"]]},
                        "Choice": {"fields": ["label", "weight"]}, "Frame": {"fields": ["depth", "kind"]},
                        "MakeWidgetResponse": {"fields": ["widget"]}}}
    m = compile_pages({LIVE_PATH: collapse(LIVE)}, hints)
    assert not [d for d in m.decisions if d["unresolved"]]
    assert any(d["resolved_by"] == "hints" for d in m.decisions)
    assert names(m.operations["makeWidget"].surfaces["rest"].params[0].members) == ["ONE-OF(count,choice)", "frame", "revision"]


def test_not_a_method_page_and_truncated_page_give_diagnostics_not_exceptions():
    pages = {"menu.md": NOT_A_METHOD, "cut.md": LIVE[: len(LIVE) // 3], LIVE_PATH: LIVE, "bin.md": "\x00\xff" * 50}
    m = compile_pages(pages)
    assert "makeWidget" in m.operations  # the good page still compiles
    where = {d.where.split(":")[0].split("@")[0] for d in m.diagnostics if d.severity == "error"}
    assert "menu.md" in where and "bin.md" in where
