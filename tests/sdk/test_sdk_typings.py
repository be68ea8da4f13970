"""The .d.ts reader on small handwritten declarations (one construct or tag at a time)."""

from __future__ import annotations

import pytest

from wixcontracts.ir import EnumValue, Field, OneOf, Source, TypeDef, TypeRef
from wixcontracts.sdk.typings import TypingsError, parse_jsdoc, parse_typings, sdk_format

URL = "npm:@wix/example@1.0.0/build/cjs/meta.d.ts"


def parse(text: str, **kw):
    return parse_typings(text, "meta.d.ts", source_url=URL, **kw)


def src(line: int) -> Source:
    return Source(url=URL, line=line, origin="sdk")


def fld(name, type_, line, **kw) -> Field:
    kw.setdefault("origins", {"sdk"})
    return Field(name=name, type=type_, source=src(line), **kw)


def test_interface_scalars_optional_and_nullable():
    r = parse(
        """interface Pet {
    name: string;
    age?: number | null;
    good?: boolean;
    born?: Date | null;
    blob?: any;
}
"""
    )
    assert r.diagnostics == []
    assert r.types == {
        "Pet": TypeDef(
            "Pet",
            src(1),
            members=[
                fld("name", TypeRef("string"), 2, required=True),
                fld("age", TypeRef("number"), 3),
                fld("good", TypeRef("boolean"), 4),
                fld("born", TypeRef("date"), 5),
                fld("blob", TypeRef("object"), 6),
            ],
            origins={"sdk"},
        )
    }


def test_arrays_maps_and_named_refs():
    r = parse(
        """interface Owner {
    pets?: Pet[];
    others: Array<Pet>;
    tags?: string[] | null;
    labels?: Record<string, string>;
    extra?: Record<string, any> | null;
    byKind?: Record<string, Pet>;
    nested?: Record<string, Record<string, any>>;
    home?: Home;
}
interface Pet { id?: string; }
interface Home { id?: string; }
"""
    )
    owner = r.types["Owner"]
    assert [(f.name, f.type, f.required) for f in owner.members] == [
        ("pets", TypeRef("array", items=TypeRef.named("Pet")), False),
        ("others", TypeRef("array", items=TypeRef.named("Pet")), True),
        ("tags", TypeRef("array", items=TypeRef("string")), False),
        ("labels", TypeRef("map", items=TypeRef("string")), False),
        ("extra", TypeRef("map"), False),
        ("byKind", TypeRef("map", items=TypeRef.named("Pet")), False),
        ("nested", TypeRef("map", items=TypeRef("map")), False),
        ("home", TypeRef.named("Home"), False),
    ]
    assert owner.members[4].type.describe() == "map<string,any>"
    assert r.diagnostics == []


def test_enum_declaration_and_with_literals_alias():
    r = parse(
        """/** A colour. */
declare enum Colour {
    /** first */
    RED = "RED",
    GREEN_ISH = "GREEN_ISH"
}
/** @enumType */
type ColourWithLiterals = Colour | 'RED' | 'GREEN_ISH';
interface Paint {
    colour?: ColourWithLiterals;
    colours?: ColourWithLiterals[];
}
"""
    )
    assert r.types["Colour"] == TypeDef(
        "Colour", src(2), enum=[EnumValue("RED", src(4)), EnumValue("GREEN_ISH", src(5))], origins={"sdk"}
    )
    assert "ColourWithLiterals" not in r.types
    assert r.aliases["ColourWithLiterals"] == TypeRef.named("Colour")
    paint = r.types["Paint"]
    assert paint.members[0].type == TypeRef.named("Colour")
    assert paint.members[1].type == TypeRef("array", items=TypeRef.named("Colour"))
    assert r.diagnostics == []


def test_string_literal_unions_alias_and_inline():
    r = parse(
        """type Size = 'S' | 'M' | 'L';
interface Shirt {
    size?: Size;
    fit?: 'SLIM' | 'LOOSE' | null;
}
"""
    )
    assert r.types["Size"] == TypeDef(
        "Size", src(1), enum=[EnumValue("S", src(1)), EnumValue("M", src(1)), EnumValue("L", src(1))], origins={"sdk"}
    )
    size, fit = r.types["Shirt"].members
    assert size.type == TypeRef.named("Size") and size.enum is None
    assert fit.type == TypeRef("string")
    assert fit.enum == [EnumValue("SLIM", src(4)), EnumValue("LOOSE", src(4))]


def test_oneof_helper_becomes_a_group_where_its_first_member_is():
    r = parse(
        """interface Order extends OrderPayerOneOf, OrderShipOneOf {
    id?: string;
    person?: Person;
    company?: Company;
    note?: string;
    courier?: string;
}
/** @oneof */
interface OrderPayerOneOf {
    person?: Person;
    company?: Company;
}
interface OrderShipOneOf {
    courier?: string;
    pickup?: boolean;
}
interface Person { name?: string; }
interface Company { name?: string; }
"""
    )
    assert "OrderPayerOneOf" not in r.types and "OrderShipOneOf" not in r.types
    order = r.types["Order"]
    assert order.members == [
        fld("id", TypeRef("string"), 2),
        OneOf([fld("person", TypeRef.named("Person"), 3), fld("company", TypeRef.named("Company"), 4)], src(9)),
        fld("note", TypeRef("string"), 5),
        # a group member not repeated in the extending interface comes from the helper
        OneOf([fld("courier", TypeRef("string"), 6), fld("pickup", TypeRef("boolean"), 15)], src(13)),
    ]
    assert r.diagnostics == []


def test_plain_extends_inherits_fields_first():
    r = parse(
        """interface Base { id?: string; }
interface Child extends Base { name: string; }
"""
    )
    assert [f.name for f in r.types["Child"].members] == ["id", "name"]


def test_jsdoc_tags_become_formats_constraints_and_flags():
    r = parse(
        """interface Thing {
    /**
     * Our own words about this field.
     * @format GUID
     * @readonly
     */
    id?: string | null;
    /**
     * @minLength 2
     * @maxLength 40
     */
    title?: string;
    /**
     * @min 1
     * @max 9.5
     */
    count?: number;
    /**
     * @minSize 1
     * @maxSize 5
     * @maxLength 10
     * @format GUID
     */
    ids?: string[];
    /** @deprecated use something else */
    old?: string;
    /** @format LOCAL_DATE_TIME */
    when?: string;
    /** @format EMAIL */
    mail?: string;
    /** @format DECIMAL_VALUE */
    price?: string;
    readonly fixed?: string;
}
"""
    )
    f = {x.name: x for x in r.types["Thing"].members}
    assert f["id"].type == TypeRef("string", format="uuid")
    assert f["id"].read_only is True and f["id"].deprecated is False
    assert f["id"].doc == "Our own words about this field."
    assert f["title"].type == TypeRef("string", constraints={"minLength": 2, "maxLength": 40})
    assert f["count"].type == TypeRef("number", constraints={"minimum": 1, "maximum": 9.5})
    assert f["ids"].type == TypeRef(
        "array",
        items=TypeRef("string", format="uuid", constraints={"maxLength": 10}),
        constraints={"minItems": 1, "maxItems": 5},
    )
    assert f["old"].deprecated is True and f["old"].read_only is False
    assert f["when"].type.format == "local-date-time"
    assert f["mail"].type.format == "email"
    assert f["price"].type.format == "decimal-value"
    assert f["fixed"].read_only is True
    assert r.diagnostics == []


def test_internal_fields_kept_or_dropped():
    text = """interface Secretive {
    open?: string;
    /** @internal */
    hidden?: string;
}
"""
    assert [f.name for f in parse(text).types["Secretive"].members] == ["open", "hidden"]
    dropped = parse(text, include_internal=False)
    assert [f.name for f in dropped.types["Secretive"].members] == ["open"]
    assert dropped.internal_fields == {("Secretive", "hidden")}


def test_inline_object_type_and_function_members():
    r = parse(
        """interface Box {
    size?: { w: number; h?: number };
    make: (x: any) => string;
}
"""
    )
    (size,) = r.types["Box"].members
    assert size.type == TypeRef("object")
    assert size.members == [fld("w", TypeRef("number"), 2, required=True), fld("h", TypeRef("number"), 2)]


def test_method_meta_declarations():
    r = parse(
        """type __PublicMethodMetaInfo<K = string, M = unknown, T = unknown, S = unknown, Q = unknown, R = unknown> = {
    getUrl: (context: any) => string;
    httpMethod: K;
};
interface DropThingRequest { thingId: string; }
interface DropThingResponse {}
declare function dropThing(): __PublicMethodMetaInfo<'POST', {
    thingId: string;
}, DropThingRequest$1, DropThingRequest, DropThingResponse$1, DropThingResponse>;
declare function notMeta(): string;
"""
    )
    meta = r.methods["dropThing"]
    assert (meta.http_method, meta.path_params, meta.request_type, meta.response_type) == (
        "POST",
        ["thingId"],
        "DropThingRequest",
        "DropThingResponse",
    )
    assert meta.source == src(7)
    assert list(r.methods) == ["dropThing"]
    assert "__PublicMethodMetaInfo" not in r.types


def test_unresolved_reference_is_a_warning_with_file_and_line():
    r = parse("interface A {\n    b?: Missing;\n}\n")
    assert [(d.severity, d.code, d.where) for d in r.diagnostics] == [("warning", "sdk.unresolved-type", "meta.d.ts:2")]


def test_malformed_file_gives_one_line_diagnostic_not_traceback():
    bad = "interface Broken {\n    ok?: string;\n    nope?: ;\n}\n"
    r = parse(bad)
    errors = [d for d in r.diagnostics if d.severity == "error"]
    assert errors and errors[0].code == "sdk.syntax"
    assert errors[0].where == "meta.d.ts:3"
    with pytest.raises(TypingsError) as exc:
        parse(bad, strict=True)
    assert str(exc.value).startswith("meta.d.ts:3: syntax error")
    assert "\n" not in str(exc.value)


def test_non_utf8_bytes_raise_one_line_error():
    with pytest.raises(TypingsError, match=r"^x\.d\.ts: not UTF-8"):
        parse_typings(b"interface A { a?: \xff; }", "x.d.ts")


def test_jsdoc_and_format_helpers():
    doc = parse_jsdoc("/**\n * Words here.\n * More words.\n * @max 3\n * @readonly\n */")
    assert doc.prose == "Words here. More words."
    assert doc.tags == [("max", "3"), ("readonly", "")]
    assert sdk_format("GUID") == "uuid"
    assert sdk_format("LANGUAGE_TAG") == "language-tag"
