"""Every policy decision has its source, every cited line says what it is cited for, and the README lists
every emulated operation and every decision as they are now."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wixcontracts.build import ROOT
from wixcontracts.emulator.docs import render
from wixcontracts.emulator.policy import CHOICE, DECISIONS, Decision
from wixcontracts.emulator.scenarios import SCENARIOS

CACHE = Path.home() / ".cache" / "wixcontracts" / "sdk"
DOCS = ROOT.parent / "shared" / "wix-docs"
CREATE_PAGE = DOCS / "api-reference/business-solutions/bookings/bookings/bookings-writer-v2/create-booking.md"
NPM = re.compile(r"npm:@wix/auto_sdk_bookings_([\w-]+)@([\d.]+)/(\S+?)#L(\d+)")
PAGE = re.compile(r"create-booking#L(\d+)")
# the identifier (never prose) each cited line carries
NPM_LINES = {
    ("bookings", 104): "revision?: string", ("bookings", 5124): "SetBookingSubmissionIdRequest",
    ("bookings", 6079): "ConfirmOrDeclineBookingApplicationErrors",
    ("bookings", 6095): "BookingsCancelBookingAnonymouslyApplicationErrors",
    ("bookings", 6199): "CreateMultiServiceBookingApplicationErrors",
    ("bookings", 6237): "RescheduleMultiServiceBookingApplicationErrors",
    ("bookings", 6281): "CancelMultiServiceBookingApplicationErrors",
    ("bookings", 6337): "ConfirmMultiServiceBookingApplicationErrors",
    ("bookings", 6429): "AddBookingsToMultiServiceBookingApplicationErrors",
    ("bookings", 6469): "CreateBookingApplicationErrors", ("bookings", 6593): "RescheduleBookingApplicationErrors",
    ("bookings", 6675): "ConfirmBookingApplicationErrors", ("bookings", 6693): "SetBookingSubmissionIdApplicationErrors",
    ("bookings", 6719): "CancelBookingApplicationErrors", ("bookings", 6749): "BulkCancelBookingApplicationErrors",
    ("bookings", 6799): "UpdateNumberOfParticipantsApplicationErrors",
    ("availability-time-slots", 1357): "ListAvailabilityTimeSlotsApplicationErrors",
    ("multi-service-availability-time-slots", 1357): "ListMultiServiceAvailabilityTimeSlotsApplicationErrors",
    ("multi-service-availability-time-slots", 1383): "GetMultiServiceAvailabilityTimeSlotApplicationErrors",
    ("availability-time-slots", 1383): "ListAvailabilityTimeSlotEndOptionsApplicationErrors",
    ("extended-bookings", 2321): "`query.fields`", ("extended-bookings", 2335): "eventual-consistency",
    ("extended-bookings", 2377): "`createdDate` sorted in `DESC`", ("extended-bookings", 2378): "`cursorPaging.limit`",
}
PAGE_LINES = {24: "paymentStatus=UNDEFINED", 141: "skipAvailabilityValidation", 145: "formSubmission",
              289: "INVALID_TIME_ZONE", 293: "BOOKING_POLICY_VIOLATION",
              294: "CAN_NOT_SKIP_AVAILABILITY_VALIDATION_IF_RESOURCE_NOT_PROVIDED",
              295: "CAN_NOT_CREATE_BOOKING_WITH_MULTI_SERVICE_BOOKING_INFO", 300: "SCHEDULE_CAPACITY_EXCEEDED",
              301: "SESSION_CAPACITY_EXCEEDED", 305: "SESSION_NOT_FOUND"}


def test_every_decision_has_text_and_a_source():
    assert len(DECISIONS) >= 60
    for key, d in DECISIONS.items():
        assert isinstance(d, Decision) and isinstance(d, str) and len(d) > 20, key
        assert d.source and (d.source == CHOICE or "npm:" in d.source or "https://" in d.source
                             or "lint" in d.source), (key, d.source)
    assert sum(d.source != CHOICE for d in DECISIONS.values()) >= 25


def test_every_scenario_is_a_decision_with_a_source():
    for name, s in SCENARIOS.items():
        d = DECISIONS[f"scenario.{name}"]
        assert d.source != CHOICE and s.source


def _cited_npm_lines():
    for key, d in DECISIONS.items():
        for m in NPM.finditer(d.source):
            yield key, m.group(1), m.group(2), m.group(3), int(m.group(4))
    for s in SCENARIOS.values():
        for m in NPM.finditer(s.source):
            yield f"scenario {s.name}", m.group(1), m.group(2), m.group(3), int(m.group(4))


def test_every_cited_typings_line_is_known():
    cited = {(pkg, line) for _k, pkg, _v, _f, line in _cited_npm_lines()}
    assert cited <= set(NPM_LINES), sorted(cited - set(NPM_LINES))


def test_cited_typings_lines_say_what_they_are_cited_for():
    checked = 0
    for key, pkg, version, path, line in _cited_npm_lines():
        f = CACHE / f"wix__auto_sdk_bookings_{pkg}-{version}" / "package" / path
        if not f.is_file():
            continue
        text = f.read_text(encoding="utf-8").splitlines()
        assert NPM_LINES[(pkg, line)] in text[line - 1], (key, pkg, line, text[line - 1][:120])
        checked += 1
    if not checked:
        pytest.skip(f"no pinned SDK package in {CACHE} (`python -m wixcontracts.sdk` fetches them)")


def test_cited_docs_lines_say_what_they_are_cited_for():
    if not CREATE_PAGE.is_file():
        pytest.skip(f"{CREATE_PAGE} is absent")
    lines = CREATE_PAGE.read_text(encoding="utf-8").splitlines()
    cited = {int(n) for d in DECISIONS.values() for m in PAGE.finditer(d.source) for n in [m.group(1)]}
    cited |= {int(n) for d in DECISIONS.values() if "create-booking" in d.source
              for n in re.findall(r"#L(\d+)", d.source)}
    assert cited and cited <= set(PAGE_LINES), sorted(cited - set(PAGE_LINES))
    for n in cited:
        assert PAGE_LINES[n] in lines[n - 1], (n, lines[n - 1][:120])


def test_the_readme_lists_what_is_emulated_and_every_decision():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render(text) == text, "README.md is out of date: python -m wixcontracts.emulator.docs README.md"
    for key in DECISIONS:
        assert f"| `{key}` |" in text
