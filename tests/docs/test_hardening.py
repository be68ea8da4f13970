"""Hostile and damaged page text: each crash class the page fuzzer found, pinned with a
small page, and names from pages validated before they can become file names."""

from __future__ import annotations

import json
import re

import pytest

from wixcontracts.build import render
from wixcontracts.docs.compiler import compile_pages
from wixcontracts.docs.names import MAX_NAME, is_identifier
from wixcontracts.docs.page import MAX_BODY_DEPTH
from wixcontracts.docs.structure import MAX_DEPTH, MAX_GROUP
from wixcontracts.emit import jsonschema as js
from wixcontracts.ir import Api, ApiModel, Field, OneOf, Operation, Source, Surface, TypeDef, TypeRef, iter_fields

from .emit_all import dangling_refs, emit_everything
from .snippets import LIVE, VELO, collapse

BAD_NAMES = ["../../x", "../../../../escaped/pwn", "/etc/x", "a\x00b", "a\\b", "..\\..\\x", "a" * 300, "a b", "a.b"]
# names a type position can hold (the field line splits at white space and "|")
BAD_TYPE_NAMES = ["Choice/../../x", "../../x", "/etc/x", "A\x00b", "A\\b", "A" * 300, "A" * (MAX_NAME + 1), "A.b"]
SDK_ONLY = LIVE[: LIVE.index("## REST API")] + LIVE[LIVE.index("## JavaScript SDK"):]


def page(text: str, dialect: str) -> dict[str, str]:
    return {f"snippet/{dialect}.md": text if dialect == "live" else collapse(text)}


def no_caught_exception(model: ApiModel) -> ApiModel:
    """The compiler's per-page safety nets (which turn an exception into a diagnostic and
    lose the page or tree) did not fire: the damage was handled where it is."""
    assert not [d for d in model.diagnostics if d.code in {"page.parse-failed", "structure.failed"}]
    return model


def bad_names(model: ApiModel) -> list:
    return [d for d in model.diagnostics if d.code == "page.bad-name"]


def located_at(model: ApiModel, where: str, pages: dict[str, str], marker: str) -> None:
    """``where`` names the page and the line (live) or offset (collapsed) of ``marker``."""
    (path, text), = pages.items()
    if "@" in where:
        p, off = where.split("@")
        assert p == path and text[int(off):].startswith(marker), (where, text[int(off):int(off) + 40])
    else:
        p, line = where.split(":")
        assert p == path and marker in text.splitlines()[int(line) - 1], where


def safe_files(model: ApiModel) -> list[str]:
    """The paths ``build`` would write: every one a plain relative name under schemas/ or contracts/."""
    files = list(render(Api.single(model), "v"))
    for rel in files:
        assert re.fullmatch(r"(schemas|contracts)(/[A-Za-z0-9_][A-Za-z0-9_.-]*)+", rel), rel
        assert ".." not in rel.split("/") and len(rel.rsplit("/", 1)[1]) < 150, rel
    return files


# ------------------------------------------------------------------ names from pages

@pytest.mark.parametrize("dialect", ["live", "collapsed"])
@pytest.mark.parametrize("bad", BAD_NAMES)
def test_a_rest_method_name_that_is_not_an_identifier_drops_the_operation(bad, dialect):
    pages = page(LIVE.replace(" Method: makeWidget\n", f" Method: {bad}\n"), dialect)
    model = compile_pages(pages)
    assert model.operations == {}
    d, = bad_names(model)
    assert d.severity == "error" and "operation name" in d.message and "operation dropped" in d.message
    assert "\x00" not in d.message and len(d.message) < 200
    located_at(model, d.where, pages, "Method:")
    assert not any(bad in rel for rel in safe_files(model))


@pytest.mark.parametrize("bad", [b for b in BAD_NAMES if b != "a.b"])  # SDK methods are dotted: a.b is method b
def test_an_sdk_method_name_that_is_not_an_identifier_drops_the_operation(bad):
    text = SDK_ONLY.replace("Widgets.makeWidget(", f"Widgets.{bad}(")
    model = compile_pages({"snippet/sdk.md": text})
    assert model.operations == {}
    d, = bad_names(model)
    located_at(model, d.where, {"snippet/sdk.md": text}, "Method:")


@pytest.mark.parametrize("bad", BAD_NAMES)
def test_a_velo_method_name_that_is_not_an_identifier_drops_the_operation(bad):
    text = VELO.replace("# Method name: makeWidget(", f"# Method name: {bad}(")
    model = compile_pages({"velo/widgets.md": text})
    assert model.operations == {}
    d, = bad_names(model)
    located_at(model, d.where, {"velo/widgets.md": text}, "# Method name:")


def test_the_method_line_of_the_path_traversal_report_writes_nothing_outside():
    pages = page(LIVE.replace(" Method: makeWidget\n", " Method: ../../../../escaped/pwn\n"), "collapsed")
    model = compile_pages(pages)
    assert model.operations == {} and [d.code for d in bad_names(model)] == ["page.bad-name"]
    assert all("escaped" not in rel for rel in safe_files(model))


def test_a_300_character_title_drops_the_operation():
    text = LIVE.replace("# MakeWidget\n", "# " + "W" * 300 + "\n")
    model = compile_pages({"snippet/live.md": text})
    assert model.operations == {}
    d, = bad_names(model)
    assert "page title" in d.message and "300 characters" in d.message and d.where == "snippet/live.md:1"


@pytest.mark.parametrize("dialect", ["live", "collapsed"])
@pytest.mark.parametrize("bad", BAD_TYPE_NAMES)
def test_a_type_name_that_is_not_an_identifier_is_not_a_type(bad, dialect):
    pages = page(LIVE.replace("| type: Choice |", f"| type: {bad} |"), dialect)
    model = compile_pages(pages)
    op = model.operations["makeWidget"]  # the operation stays; the type does not
    assert "Choice" not in model.types and bad not in model.types
    assert all(is_identifier(n) for n in model.types)
    ds = bad_names(model)
    assert len(ds) == 2 and all("choice: type" in d.message and "type left unknown" in d.message for d in ds)
    for d in ds:
        located_at(model, d.where, pages, "- name: choice")
    choices = [f for f in iter_fields(op.surfaces["rest"].params[0].members) if f.name == "choice"]
    assert choices and choices[0].type.kind == "unknown"
    safe_files(model)


@pytest.mark.parametrize("bad", BAD_TYPE_NAMES)
def test_an_array_element_type_that_is_not_an_identifier_is_not_a_type(bad):
    text = LIVE.replace("param name: notes | type: array |", f"param name: notes | type: array<{bad}> |")
    model = compile_pages({"snippet/live.md": text})
    notes = next(f for f in model.operations["makeWidget"].surfaces["rest"].params if f.name == "notes")
    assert notes.type.kind == "array" and notes.type.items is None
    assert bad not in model.types
    d, = bad_names(model)
    assert "notes: element type" in d.message


@pytest.mark.parametrize("bad", BAD_TYPE_NAMES)
def test_a_return_type_that_is_not_an_identifier_is_left_out(bad):
    text = LIVE.replace("Return type: MakeWidgetResponse", f"Return type: {bad}").replace(
        "PROMISE<MakeWidgetResponse>", f"PROMISE<{bad}>")
    model = compile_pages({"snippet/live.md": text})
    op = model.operations["makeWidget"]
    assert {s.response_type for s in op.surfaces.values()} == {"MakeWidgetResponse"}  # the title-derived name
    assert len(bad_names(model)) == 2
    assert bad not in json.dumps(emit_everything(model)["openapi"])


def test_an_overlong_enum_value_is_dropped_and_the_others_kept():
    text = LIVE.replace("WOOD: wood.", "W" * 300 + ": wood.")
    model = compile_pages({"snippet/live.md": text})
    assert [v.name for v in model.types["FrameKind"].enum] == ["METAL"]
    ds = bad_names(model)
    assert ds and all("enum value" in d.message and "value dropped" in d.message for d in ds)


def test_an_overlong_status_in_a_precondition_is_left_out():
    text = LIVE.replace("Widgets move to `MADE`", f"Widgets move to `{'M' * 300}`")
    model = compile_pages({"snippet/live.md": text})
    pre = model.operations["makeWidget"].preconditions
    assert pre and pre[0].from_statuses == ["DRAFT", "READY"] and pre[0].to_status is None
    assert any("status" in d.message for d in bad_names(model))


def test_the_real_widget_page_has_no_bad_names():
    """The check rejects the hostile names above, not the names real pages use."""
    model = compile_pages({"snippet/live.md": LIVE, "snippet/collapsed.md": collapse(LIVE).replace("makeWidget", "makeWidgetToo")})
    assert bad_names(model) == [] and {"makeWidget", "makeWidgetToo"} <= set(model.operations)


# ------------------------------------------------------------------ crash classes

def test_a_velo_method_name_without_a_parameter_list():
    """IndexError: the signature was split at "(" and its second part taken."""
    model = no_caught_exception(compile_pages(
        {"velo/widgets.md": VELO.replace("makeWidget(widgetId: string, options: MakeWidgetOptions)", "makeWidget")}))
    op = model.operations["makeWidget"]
    assert op.surfaces["sdk"].params == [] and not op.complete
    assert [d.code for d in model.diagnostics if d.severity != "info"] == ["page.velo-signature"]
    emit_everything(model)


def test_a_velo_page_whose_name_another_page_took():
    """KeyError: the Velo options were attached to whichever operation had the name."""
    model = compile_pages({"a/rest-only.md": LIVE[: LIVE.index("## JavaScript SDK")], "velo/widgets.md": VELO})
    assert "sdk" not in model.operations["makeWidget"].surfaces
    assert any(d.code == "page.duplicate-operation" for d in model.diagnostics)
    emit_everything(model)


@pytest.mark.parametrize("heading", ["# Package:", "# Namespace:", "# Method link:", "# Package:   "])
def test_a_header_heading_with_no_value(heading):
    """IndexError: the first word after the colon was taken from an empty list."""
    label = heading.split(":")[0]
    text = re.sub(rf"(?im)^{re.escape(label)}:.*$", heading, LIVE)
    model = no_caught_exception(compile_pages({"snippet/live.md": text}))
    assert "makeWidget" in model.operations


@pytest.mark.parametrize("dialect", ["live", "collapsed"])
def test_a_one_of_before_any_parameter(dialect):
    """AttributeError 'OneOf' has no attribute 'name': a group at the top of a parameter list,
    where the emitters expect named parameters (path_schema reads the SDK's)."""
    pages = page(LIVE.replace(" Method parameters: \n", " Method parameters: \n    - ONE-OF: \n"), dialect)
    model = no_caught_exception(compile_pages(pages))
    surfaces = model.operations["makeWidget"].surfaces
    assert [f.name for f in surfaces["rest"].params] == ["widget", "quiet", "notes"]
    assert [f.name for f in surfaces["sdk"].params] == ["widgetId", "options"]
    ds = [d for d in model.diagnostics if d.code == "structure.dropped"]
    assert len(ds) == 2 and all("ONE-OF before any parameter" in d.message for d in ds)
    for d in ds:
        located_at(model, d.where, pages, "- ONE-OF:")
    emit_everything(model)


def test_a_one_of_inside_a_one_of():
    """AttributeError: a group placed inside a group became a member of it."""
    text = LIVE.replace("    - ONE-OF: - required: true\n", "    - ONE-OF: - required: true\n     - ONE-OF: \n", 1)
    model = no_caught_exception(compile_pages({"snippet/live.md": text}))
    widget = model.operations["makeWidget"].surfaces["rest"].params[0]
    assert [type(m).__name__ for m in widget.members][:2] == ["OneOf", "OneOf"]  # side by side, not nested

    def groups(members):
        for m in members:
            if isinstance(m, OneOf):
                yield m
            for f in iter_fields([m]):
                yield from groups(f.members)

    for op in model.operations.values():
        for s in op.surfaces.values():
            for g in groups(s.params + s.response):
                assert all(isinstance(f, Field) for f in g.members)
    emit_everything(model)


@pytest.mark.parametrize("dialect", ["live", "collapsed"])
def test_a_type_that_contains_itself(dialect):
    """RecursionError: a request inlined the type's view inside its own view, forever."""
    pages = page(LIVE.replace("- name: frame | type: Frame", "- name: frame | type: Choice"), dialect)
    model = no_caught_exception(compile_pages(pages))
    out = emit_everything(model)
    assert "Choice" in model.types
    assert json.loads(out["types/Choice"])["title"] == "Choice"


def _model(types: dict[str, TypeDef], params: list, required: list[str] | None = None) -> ApiModel:
    src = Source("https://example.test/p", line=1)
    rest = Surface("rest", src, http_method="POST", url="https://www.wixapis.com/x/{id}", params=params,
                   required_paths=required or [])
    op = Operation("doIt", "DoIt", "https://example.test/p", src, surfaces={"rest": rest})
    return ApiModel(operations={"doIt": op}, types=types)


def _f(name: str, t: TypeRef, members: list | None = None) -> Field:
    return Field(name, t, Source("https://example.test/p", line=2), members=members or [])


def test_mutually_recursive_types_with_required_paths_through_them():
    """RecursionError: A holds B holds A, and the page's required path asks for a view at
    every level."""
    a = TypeDef("A", Source("u"), members=[_f("b", TypeRef.named("B")), _f("x", TypeRef("string"))])
    b = TypeDef("B", Source("u"), members=[_f("a", TypeRef.named("A")), _f("y", TypeRef("string"))])
    model = _model({"A": a, "B": b}, [_f("a", TypeRef.named("A"))], ["a.b.a.b.a.b.x"])
    req = js.request_schema(model, model.operations["doIt"], "rest")
    assert req["properties"]["a"]["title"] == "A"  # a view (it carries the required path)
    emitted = emit_everything(model)
    assert dangling_refs(emitted) == []
    type_a = json.loads(emitted["types/A"])
    assert set(type_a["$defs"]) == {"A", "B"}  # B refers back to A: A's own copy keeps that $ref resolvable
    jsonschema = pytest.importorskip("jsonschema")
    v = jsonschema.Draft202012Validator(type_a)
    assert v.is_valid({"b": {"a": {"b": {"a": {"x": "s"}}}}}) and not v.is_valid({"b": {"a": {"x": 1}}})


def test_a_long_chain_of_types_does_not_deepen_the_stack():
    """RecursionError: each $ref built its target inside the caller, 5 frames a type."""
    n = 1500
    types = {f"T{i}": TypeDef(f"T{i}", Source("u"), members=[_f("next", TypeRef.named(f"T{i + 1}"))]) for i in range(n)}
    model = _model(types, [_f("head", TypeRef.named("T0"))])
    doc = js.type_schema(model, "T0")
    assert len(doc["$defs"]) == n  # T1..T{n-1}, and T{n} (unknown)
    assert doc["$defs"][f"T{n}"] == {"x-wix-type-unknown": True}
    assert len(js.request_schema(model, model.operations["doIt"], "rest")["$defs"]) == n + 1


@pytest.mark.parametrize("kind", ["array-of-objects", "named-views"])
def test_a_body_nested_past_the_emitter_limit(kind):
    """A model from another source is not depth-capped by the docs compiler: the emitter
    stops following at MAX_NESTING and says so."""
    f = _f("leaf", TypeRef("string"))
    for i in range(js.MAX_NESTING + 300):
        t = TypeRef("array", items=TypeRef("object")) if kind == "array-of-objects" else TypeRef.named(f"N{i}")
        f = _f(f"n{i}", t, [f])
    model = _model({}, [f])
    text = json.dumps(js.request_schema(model, model.operations["doIt"], "rest"))
    assert text.count('"x-wix-too-deep": true') == 1


def depth(members: list) -> int:
    """Levels of fields (a flat list: 1; no fields: 0)."""
    return max((1 + depth(f.members) for f in iter_fields(members)), default=0)


@pytest.mark.parametrize("step", [3, 0])
def test_fields_nested_thousands_deep(step):
    """RecursionError: a page stacking fields thousands of levels deep (live indentation or
    collapsed) was followed to the bottom by every recursive walk."""
    at = LIVE.index("\n", LIVE.index("- name: revision | type: string"))
    chain = "".join(("\n" + " " * (8 + step * (i + 1)) if step else " ") + f"- name: n{i % 5} | type: Choice{i % 2}"
                    for i in range(3000))
    model = no_caught_exception(compile_pages({"snippet/live.md": LIVE[:at] + chain + LIVE[at:]}))
    rest = model.operations["makeWidget"].surfaces["rest"]
    assert [f.name for f in rest.params] == ["widget", "quiet", "notes"]  # the tree is kept, its bottom cut
    assert MAX_DEPTH - 2 <= depth(rest.params) <= MAX_DEPTH
    d, = [d for d in model.diagnostics if d.code == "structure.dropped"]
    assert d.severity == "error" and "deeper than" in d.message
    emit_everything(model)


@pytest.mark.parametrize("levels", [MAX_BODY_DEPTH + 1, 5000])
def test_an_example_body_nested_too_deep(levels):
    """RecursionError in the JSON parser (thousands of levels) or in the catalog's walk."""
    text = LIVE.replace("""-d '{"widget": {"count": 2, "revision": 3, "colour": "red"}}'""",
                        "-d '" + "[" * levels + "]" * levels + "'")
    model = no_caught_exception(compile_pages({"snippet/live.md": text}))
    ex, = model.operations["makeWidget"].surfaces["rest"].examples
    assert ex.body is None and "nests deeper" in ex.body_error
    entry, = json.loads(emit_everything(model)["catalog"])["operations"]
    assert "body" not in entry["examples"][0] and entry["examples"][0]["body_error"] == ex.body_error


def _alternatives(prefix: str, col: int, n: int) -> str:
    return "".join(f"{' ' * col}- name: {prefix}{i} | type: string | description: x\n" for i in range(n))


COUNT_IN_REQUEST = "     - name: count | type: integer | description: How many.\n"
COUNT_IN_RESPONSE = "        - name: count | type: integer | description: How many.\n"


@pytest.mark.parametrize("dialect", ["live", "collapsed"])
def test_a_one_of_group_of_thousands(dialect):
    """Not a crash but as bad: "at most one of" is a constraint per pair, so 1,500 members
    made a 200 MB schema."""
    pages = page(LIVE.replace(COUNT_IN_REQUEST, COUNT_IN_REQUEST + _alternatives("alt", 5, 1500), 1), dialect)
    model = no_caught_exception(compile_pages(pages))
    widget = model.operations["makeWidget"].surfaces["rest"].params[0]
    group = next(m for m in widget.members if isinstance(m, OneOf))
    assert len(group.members) == MAX_GROUP
    d, = [d for d in model.diagnostics if d.code == "structure.dropped" and "entries left out" in d.message]
    assert f"past {MAX_GROUP} members" in d.message
    assert int(re.match(r"rest params: (\d+) entries", d.message).group(1)) >= 1502 - MAX_GROUP
    located_at(model, d.where, pages, f"- name: alt{MAX_GROUP - 1} ")
    assert sum(map(len, emit_everything(model).values())) < 5_000_000


def test_a_one_of_group_merged_from_two_occurrences_keeps_the_cap():
    text = LIVE.replace(COUNT_IN_REQUEST, COUNT_IN_REQUEST + _alternatives("a", 5, 40), 1)
    text = text.replace(COUNT_IN_RESPONSE, COUNT_IN_RESPONSE + _alternatives("b", 8, 40), 1)
    model = no_caught_exception(compile_pages({"snippet/live.md": text}))
    group = next(m for m in model.types["Widget"].members if isinstance(m, OneOf))
    assert len(group.members) == MAX_GROUP
    assert [f.name for f in group.members][:3] == ["count", "a0", "a1"]
    dropped = [d for d in model.diagnostics if d.code == "structure.dropped"]
    assert dropped and all(d.message.startswith("Widget: b") for d in dropped)
    emit_everything(model)
