"""wixcontracts.report.junit: valid against the common JUnit XSD whatever the text, counts from the cases."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from wixcontracts.report import junit as J

from .conftest import AWKWARD, LONG, valid_junit


def _suite() -> J.Suite:
    s = J.Suite(f"suite {AWKWARD}", properties={"k": AWKWARD})
    s.add(J.Case("passes", "cls"))
    s.add(J.Case(f"fails {AWKWARD}", AWKWARD, time=0.25)).fail(AWKWARD, AWKWARD + LONG, type=AWKWARD)
    s.add(J.Case("fails twice")).fail("a").fail("b", "body")
    s.add(J.Case("errs")).error("boom", AWKWARD).fail("also failed")  # an error wins over a failure
    s.add(J.Case("skipped")).skip(AWKWARD)
    s.add(J.Case("output only")).system_out = AWKWARD + LONG
    return s


def test_single_suite_root_is_valid_and_counts_come_from_cases(junit_schema):
    root = valid_junit(junit_schema, J.render_suite(_suite()))
    assert root.tag == "testsuite"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("6", "2", "1", "1")
    assert root.get("time") == "0.250"  # only the measured case contributes
    assert len(root.findall("testcase[@name='fails twice']/failure")) == 2


def test_testsuites_root_carries_only_attributes_the_xsd_allows(junit_schema):
    empty = J.Suite("empty")
    root = valid_junit(junit_schema, J.render([_suite(), empty], "all"))
    assert root.tag == "testsuites" and set(root.attrib) <= {"name", "time", "tests", "failures", "errors"}
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "2", "1")
    assert root.find("testsuite[@name='empty']").get("tests") == "0"
    assert root.find("testsuite/properties/property").get("name") == "k"


def test_text_survives_escaping():
    root = ET.fromstring(J.render_suite(_suite()).encode("utf-8"))
    case = root.find("testcase[2]")
    body = case.find("failure").text
    # markup, quotes, non-ASCII and TAB/LF/CR come back exactly; forbidden characters become visible escapes
    for piece in ('say "hi" & \'bye\' <b>x</b> ]]>', "é中文😀", "CR\r LF\n TAB\t end", "DEL\x7f NEL\x85"):
        assert piece in body
    for shown in ("NUL\\x00", "BEL\\x07", "ESC\\x1b", "VT\\x0b", "FF\\x0c", "lone\\ud800", "nonchar\\ufffe"):
        assert shown in body
    assert body.endswith(LONG)
    assert case.get("classname") == J.xml_safe(AWKWARD)  # attributes keep CR/LF/TAB (character references)
    msg = case.find("failure").get("message")
    assert "\n" not in msg and len(msg) <= J.MESSAGE_LIMIT  # a one-line summary; the body has everything


def test_deterministic():
    assert J.render([_suite()], "x") == J.render([_suite()], "x")
