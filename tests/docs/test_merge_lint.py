"""Merging the docs with the SDK typings, and the docs consistency checks, on the widget
snippet plus a small SDK model written here."""

from __future__ import annotations

import json

import pytest

from wixcontracts import lint
from wixcontracts.build import render
from wixcontracts.docs.compiler import compile_pages
from wixcontracts.ir import Api, ApiModel, EnumValue, Field, OneOf, Operation, Source, Surface, TypeDef, TypeRef
from wixcontracts.merge import merge

from .snippets import LIVE
from .test_dialects import LIVE_PATH, field

NPM = "npm:@acme/widgets@1.0.0/build/cjs/meta.d.ts"


def src(line: int) -> Source:
    return Source(NPM, line=line, origin="sdk")


def sdk_model() -> ApiModel:
    m = ApiModel()
    m.types["FrameKind"] = TypeDef("FrameKind", src(1), enum=[EnumValue("WOOD"), EnumValue("METAL"), EnumValue("PLASTIC")])
    m.types["Frame"] = TypeDef("Frame", src(2), members=[Field("depth", TypeRef("number"), src(3)),
                                                         Field("kind", TypeRef.named("FrameKind"), src(4))])
    m.types["Choice"] = TypeDef("Choice", src(5), members=[Field("label", TypeRef("string", format="uuid"), src(6)),
                                                           Field("weight", TypeRef("number"), src(7))])
    m.types["Widget"] = TypeDef("Widget", src(8), members=[
        OneOf([Field("count", TypeRef("number"), src(9)), Field("choice", TypeRef.named("Choice"), src(10))], src(9)),
        Field("frame", TypeRef.named("Frame"), src(11)),
        Field("revision", TypeRef("string"), src(12)),
        Field("colour", TypeRef("string", constraints={"maxLength": 20}), src(13)),
        Field("createdDate", TypeRef("date"), src(14), read_only=True),
    ])
    m.types["MakeWidgetResponse"] = TypeDef("MakeWidgetResponse", src(15), members=[Field("widget", TypeRef.named("Widget"), src(16))])
    rest = Surface("rest", src(20), http_method="POST", url="/_api/widgets-service/v2/widgets/{widgetId}/make",
                   params=[Field("widgetId", TypeRef("string", format="uuid"), src(21), required=True),
                           Field("widget", TypeRef.named("Widget"), src(22)),
                           Field("quiet", TypeRef("boolean"), src(23))],
                   response_type="MakeWidgetResponse", response=[Field("widget", TypeRef.named("Widget"), src(24))])
    op = Operation("makeWidget", "MakeWidget", "", src(20), surfaces={"rest": rest}, origins={"sdk"},
                   path_aliases=["/widgets/v2/widgets/{widgetId}/make"])
    other = Surface("rest", src(30), http_method="GET", url="/_api/widgets-service/v2/widgets/{widgetId}",
                    params=[Field("widgetId", TypeRef("string"), src(31), required=True)],
                    response=[Field("widget", TypeRef.named("Widget"), src(32))])
    m.operations = {"makeWidget": op, "getWidget": Operation("getWidget", "GetWidget", "", src(30),
                                                             surfaces={"rest": other}, origins={"sdk"})}
    m.sources = {"sdk": {"package": "@acme/widgets", "version": "1.0.0", "integrity": "sha512-x"}}
    return m


@pytest.fixture(scope="module")
def docs():
    return compile_pages({LIVE_PATH: LIVE}, {"int64": ["revision"]})


@pytest.fixture(scope="module")
def merged(docs):
    return merge(docs, sdk_model(), {"int64": ["revision"]})


def test_merge_takes_structure_from_the_sdk_and_facts_from_the_page(merged):
    op = merged.operations["makeWidget"]
    assert op.origins == {"docs", "sdk"}
    rest = op.surfaces["rest"]
    assert [f.name for f in rest.params] == ["widget", "quiet"]  # the path param leaves the body
    assert rest.url == "https://www.wixapis.com/_api/widgets-service/v2/widgets/{widgetId}/make"
    assert [e.application_code for e in rest.errors] == ["WIDGET_NOT_FOUND", "WIDGET_REVISION_MISMATCH"]
    assert op.preconditions and op.preconditions[0].to_status == "MADE"
    assert "colour" in [f.name for f in merged.types["Widget"].members if isinstance(f, Field)]
    assert field(merged.types["Widget"].members, "revision").type.format == "int64"  # hint applied to the SDK's string
    # provenance: the page where it speaks, the declaration as well
    w = field(merged.types["Widget"].members, "frame")
    assert w.source.origin == "docs" and w.also and w.also[0].origin == "sdk"
    assert field(merged.types["Widget"].members, "colour").source.origin == "sdk"
    assert merged.operations["getWidget"].origins == {"sdk"}


def test_merged_schemas_keep_the_pages_required_ness_and_mark_sources(merged):
    files = render(Api.single(merged), "test")
    req = json.loads(files["schemas/bookings/rest/makeWidget.request.json"])
    assert req["required"] == ["widget"]
    widget = req["properties"]["widget"]  # a request-specific copy: the page requires these
    assert widget["properties"]["frame"]["required"] == ["depth"] if "required" in widget["properties"]["frame"] else \
        req["$defs"]
    groups = [g for g in widget.get("allOf", []) if g.get("x-wix-one-of-required")]
    assert groups and groups[0]["x-wix-one-of"] == ["count", "choice"]
    types = json.loads(files["schemas/bookings/types/Widget.json"])
    assert types["properties"]["frame"]["x-wix-source"].startswith("https://dev.wix.com/")
    assert types["properties"]["frame"]["x-wix-also"] == [f"{NPM}#L11"]
    assert types["properties"]["colour"]["maxLength"] == 20
    assert types["properties"]["createdDate"]["readOnly"] is True
    cat = json.loads(files["contracts/catalog.json"])
    assert {o["name"]: o["source"] for o in cat["operations"]} == {"getWidget": ["sdk"], "makeWidget": ["docs", "sdk"]}


def test_docs_vs_sdk_check(docs):
    found = lint.docs_vs_sdk(docs, sdk_model())
    by = {(f.path, f.severity): f for f in found}
    assert ("request:widget.colour", "warning") in by  # only in the SDK
    enum = by[("request:widget.frame.kind", "error")]
    assert "PLASTIC" in enum.message and enum.docs.startswith("https://dev.wix.com/") and enum.other.startswith(NPM)
    assert not any(f.path == "request:widget.revision" for f in found)  # string vs string(int64) agree


def test_examples_check_against_the_merged_contract(docs, merged, tmp_path):
    from wixcontracts.build import write, BuildResult
    from wixcontracts.validate import Contracts

    write(BuildResult(Api.single(merged), render(Api.single(merged), "test")), tmp_path)
    found = lint.examples(docs, Contracts.load(tmp_path))
    # the example sends revision as a number (fine: int64) and `colour` (in the SDK, so fine now)
    assert not [f for f in found if "revision" in f.path or "colour" in f.path]
    docs_only = tmp_path / "d"
    write(BuildResult(Api.single(docs), render(Api.single(docs), "test")), docs_only)
    found = lint.examples(docs, Contracts.load(docs_only))
    assert [f.path for f in found if f.severity == "error"] == ["request:/widget/colour"]


def test_rest_vs_sdk_section_check(docs):
    found = lint.rest_vs_sdk_section(docs)
    paths = {f.path: f for f in found}
    # the snippet's SDK section lists fewer response fields than its REST section
    assert "response:widget.frame" in paths and "only in the REST section" in paths["response:widget.frame"].message
    assert not any(p.endswith("createdDate") for p in paths)  # createdDate / _createdDate is a rename, not a finding


def test_report_formats_and_fail_policy(docs):
    found = lint.run(docs, sdk_model(), None.__class__ and _NoContracts())
    md = lint.to_markdown(found)
    assert md.startswith("# Docs consistency report") and "| docs-vs-sdk |" in md
    data = json.loads(lint.to_json(found))
    assert data["counts"]["docs-vs-sdk"]["error"] >= 1
    assert lint.fails(found, "error") and lint.fails(found, "warning") and not lint.fails(found, "none")


class _NoContracts:
    def validate_request(self, op, body):
        from wixcontracts.validate import Result

        return Result(op)


def test_hints_are_checked_against_the_sdk(docs):
    hints = {"int64": ["revision"],
             "shapes": {"Choice": {"fields": ["label", "weight"]}, "Frame": {"fields": ["depth", "colourway"]},
                        "Gizmo": {"fields": ["x"]}},
             "operations": {"makeWidget": {"rest": {"method": "POST", "url": "https://www.wixapis.com/_api/widgets-service/v2/widgets/{widgetId}/make"}}}}
    m = merge(docs, sdk_model(), hints)
    codes = {(d.code, d.message.split(":")[0]) for d in m.diagnostics if d.code.startswith("hints.")}
    assert ("hints.settled-by-sdk", "shape Choice") in codes
    assert ("hints.contradicted", "shape Frame") in codes  # colourway is not in the typings
    assert ("hints.unsettled", "shape Gizmo") in codes
    assert ("hints.settled-by-sdk", "operation makeWidget") in codes
    assert ("hints.unsettled", "int64 revision") in codes


def test_the_pages_integer_refines_the_typings_number(merged):
    w = merged.types["Widget"].members
    count = next(f for f in w[0].members if f.name == "count")  # page: integer, typings: number
    assert count.type.kind == "integer"
    assert field(merged.types["Choice"].members, "weight").type.kind == "number"  # both say number
    assert field(merged.types["Frame"].members, "depth").type.kind == "integer"  # nested type, reached by alias
