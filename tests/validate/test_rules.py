"""Policy rules on real operations (declineMultiServiceBooking, createBooking, cancelBooking)."""

from __future__ import annotations

import copy

import pytest

from wixcontracts.catalog import UnknownOperation

from conftest import UUID, UUID2, booking_response, curl_examples


def by_rule(res, rule):
    return [f for f in res.findings if f.rule == rule]


def test_valid_request_has_no_findings(contracts, decline_body, create_body):
    for op, body in (("declineMultiServiceBooking", decline_body), ("createBooking", create_body)):
        r = contracts.validate_request(op, body)
        assert r.ok and not r.findings, r.findings
        assert r.operation == f"bookings.{op}"


def test_decline_curl_example_flags_skip_refund_validation_and_accepts_numeric_revision(contracts):
    (body,) = curl_examples(contracts, "declineMultiServiceBooking")
    assert isinstance(body["declineBookingsInfo"][0]["revision"], int)
    r = contracts.validate_request("declineMultiServiceBooking", body)
    assert not r.ok
    und = by_rule(r, "undocumented-field")
    assert [f.pointer for f in und] == ["/flowControlSettings/skipRefundValidation"]
    assert und[0].severity == "error"
    assert und[0].expected == ["withRefund"]
    assert und[0].source.startswith("https://dev.wix.com/") and "decline-multi-service-booking" in und[0].source
    assert not any("revision" in f.pointer for f in r.findings)
    # and with the example's placeholder ids swapped for uuids, that field is the only error left
    for i, info in enumerate(body["declineBookingsInfo"]):
        info["bookingId"] = (UUID, UUID2)[i % 2]
    r = contracts.validate_request("declineMultiServiceBooking", body)
    assert [f.rule for f in r.errors] == ["undocumented-field"]
    r = contracts.validate_request("declineMultiServiceBooking", body, allow_unknown=True)
    assert r.ok and [f.rule for f in r.warnings] == ["undocumented-field"]


@pytest.mark.parametrize("value,ok", [(1, True), ("1", True), ("-42", True), ("9223372036854775807", True),
                                      ("12\n", False), ("1.5", False), (1.5, False), ("", False),
                                      ("12345678901234567890", False), (True, False), (" 1", False)])
def test_int64_request_accepts_digit_string_or_integer(contracts, decline_body, value, ok):
    decline_body["declineBookingsInfo"][0]["revision"] = value
    r = contracts.validate_request("declineMultiServiceBooking", decline_body)
    assert r.ok is ok
    if not ok:
        (f,) = r.errors
        assert f.rule == "int64" and f.pointer == "/declineBookingsInfo/0/revision"
        assert f.actual == repr(value)


def test_int64_response_requires_digit_string(contracts):
    body = booking_response()
    body["booking"]["revision"] = 7
    r = contracts.validate_response("createBooking", body)
    assert [(f.rule, f.pointer) for f in r.errors] == [("int64", "/booking/revision")]
    body["booking"]["revision"] = "7\n"
    assert contracts.validate_response("createBooking", body).rules("error") == {"int64"}


def test_type_enum_format_findings(contracts, decline_body):
    decline_body["doubleBooked"] = "no"
    decline_body["declineBookingsInfo"][0]["paymentStatus"] = "LATER"
    decline_body["declineBookingsInfo"][0]["bookingId"] = "not-a-uuid"
    r = contracts.validate_request("declineMultiServiceBooking", decline_body)
    got = {f.pointer: f for f in r.errors}
    assert got["/doubleBooked"].rule == "type" and got["/doubleBooked"].expected == "boolean"
    assert got["/doubleBooked"].actual == "'no'"
    enum = got["/declineBookingsInfo/0/paymentStatus"]
    assert enum.rule == "enum" and "REFUNDED" in enum.expected and enum.source.startswith("https://")
    assert got["/declineBookingsInfo/0/bookingId"].rule == "format"
    assert got["/declineBookingsInfo/0/bookingId"].expected == "uuid"


def test_actual_is_truncated(contracts, decline_body):
    decline_body["doubleBooked"] = "x" * 500
    (f,) = contracts.validate_request("declineMultiServiceBooking", decline_body).errors
    assert len(f.actual) <= 80


def test_required_and_nested_required(contracts, create_body):
    r = contracts.validate_request("createBooking", {})
    assert [(f.rule, f.pointer) for f in r.errors] == [("required", "/booking")]
    del create_body["booking"]["bookedEntity"]
    r = contracts.validate_request("createBooking", create_body)
    assert ("required", "/booking/bookedEntity") in {(f.rule, f.pointer) for f in r.errors}


def test_one_of_at_most_one_and_required(contracts, create_body):
    b = copy.deepcopy(create_body)
    # a valid participantsChoices (the SDK requires 1..20 serviceChoices), so the only error is the one-of
    b["booking"]["participantsChoices"] = {"serviceChoices": [{"numberOfParticipants": 1}]}
    r = contracts.validate_request("createBooking", b)
    (f,) = r.errors
    assert f.rule == "oneOf-at-most-one" and f.pointer == "/booking"
    assert set(f.expected) == {"totalParticipants", "participantsChoices"}
    b = copy.deepcopy(create_body)
    del b["booking"]["totalParticipants"]
    (f,) = contracts.validate_request("createBooking", b).errors
    assert f.rule == "oneOf-required" and f.pointer == "/booking"
    b = copy.deepcopy(create_body)
    b["booking"]["bookedEntity"]["schedule"] = {"scheduleId": UUID}
    (f,) = contracts.validate_request("createBooking", b).errors
    assert f.rule == "oneOf-at-most-one" and f.pointer == "/booking/bookedEntity"


def test_read_only_field_is_a_warning(contracts, create_body):
    create_body["booking"]["id"] = UUID
    create_body["booking"]["bookedEntity"]["title"] = "Massage"
    r = contracts.validate_request("createBooking", create_body)
    assert r.ok
    assert {(f.rule, f.pointer) for f in r.warnings} == {("read-only-field", "/booking/id"),
                                                       ("read-only-field", "/booking/bookedEntity/title")}
    # a wrong type in a read-only field is still an error
    create_body["booking"]["doubleBooked"] = "yes"
    r = contracts.validate_request("createBooking", create_body)
    assert ("type", "/booking/doubleBooked") in {(f.rule, f.pointer) for f in r.errors}


def test_undocumented_request_field_nested(contracts, create_body):
    create_body["booking"]["contactDetails"]["nickname"] = "Johnny"
    r = contracts.validate_request("createBooking", create_body)
    (f,) = r.errors
    assert (f.rule, f.pointer) == ("undocumented-field", "/booking/contactDetails/nickname")
    assert "firstName" in f.expected


def test_response_drift_is_warning_unless_strict(contracts):
    body = booking_response()
    body["booking"]["newServerField"] = {"x": 1}
    body["booking"]["contactDetails"]["fullAddress"]["geocode"]["altitude"] = 3
    r = contracts.validate_response("createBooking", body)
    assert r.ok
    assert {f.pointer for f in r.warnings} == {"/booking/newServerField",
                                              "/booking/contactDetails/fullAddress/geocode/altitude"}
    assert r.rules() == {"undocumented-field"}
    r = contracts.validate_response("createBooking", body, strict=True)
    assert not r.ok and len(r.errors) == 2
    # free-form objects (extendedFields namespaces) never produce drift warnings
    assert not contracts.validate_response("createBooking", booking_response()).findings


def test_response_errors_still_errors(contracts):
    body = booking_response()
    body["booking"]["status"] = "MAYBE"
    body["booking"]["createdDate"] = "2024-02-30T10:00:00Z"
    r = contracts.validate_response("createBooking", body)
    assert {(f.rule, f.pointer) for f in r.errors} == {("enum", "/booking/status"),
                                                      ("format", "/booking/createdDate")}


@pytest.fixture(scope="session")
def docs_only(docs_dir, tmp_path_factory):
    """Contracts built from the docs pages alone (``wixcontracts build --sources docs``): there
    cancelBooking is still incomplete (its page lists no parameters, response or errors)."""
    from wixcontracts.build import build, write
    from wixcontracts.validate import Contracts

    root = tmp_path_factory.mktemp("docs-only")
    write(build(docs_dir, sources=("docs",)), root)
    return Contracts.load(root)


def test_incomplete_operation_undocumented_fields_are_warnings(docs_only):
    contracts = docs_only
    assert contracts.operation("cancelBooking").get("complete") is False
    assert contracts.compiled("cancelBooking", "request").schema.get("x-wix-incomplete")
    body = {"participantNotification": {"notifyParticipants": True, "channel": "sms"}, "foo": 1,
            "flowControlSettings": {"anything": True}}
    r = contracts.validate_request("cancelBooking", body)
    assert r.ok
    assert {(f.rule, f.pointer) for f in r.warnings} == {("undocumented-field", "/foo"),
                                                        ("undocumented-field", "/participantNotification/channel")}
    assert all(f.severity == "warning" for f in r.warnings)
    body["participantNotification"]["notifyParticipants"] = "yes"
    assert contracts.validate_request("cancelBooking", body).rules("error") == {"type"}


def test_complete_operation_undocumented_fields_are_errors(contracts):
    """The committed (docs + SDK) cancelBooking is complete: the same extras are errors, revision is required."""
    assert not any(o.get("complete") is False for o in contracts.catalog.operations.values())
    assert not contracts.compiled("cancelBooking", "request").schema.get("x-wix-incomplete")
    body = {"revision": "3", "participantNotification": {"notifyParticipants": True, "channel": "sms"}, "foo": 1,
            "flowControlSettings": {"ignoreCancellationPolicy": True, "withRefund": False,
                                    "waiveCancellationFee": True}, "waiveCharges": False}
    r = contracts.validate_request("cancelBooking", body)
    assert {(f.rule, f.pointer) for f in r.errors} == {("undocumented-field", "/foo"),
                                                      ("undocumented-field", "/participantNotification/channel")}
    del body["foo"], body["participantNotification"]["channel"]
    assert not contracts.validate_request("cancelBooking", body).findings
    del body["revision"]
    assert [(f.rule, f.pointer) for f in contracts.validate_request("cancelBooking", body).errors] \
        == [("required", "/revision")]


def test_path_params(contracts, decline_body):
    r = contracts.validate_request("declineMultiServiceBooking", decline_body,
                                   path_params={"multiServiceBookingId": UUID})
    assert r.ok and not r.findings
    r = contracts.validate_request("declineMultiServiceBooking", decline_body,
                                   path_params={"multiServiceBookingId": "msb-12345"})
    (f,) = r.errors
    assert (f.location, f.rule, f.pointer) == ("path", "format", "/multiServiceBookingId")
    r = contracts.validate_request("cancelBooking", {"revision": "1"}, path_params={})
    assert [(f.location, f.rule, f.pointer) for f in r.errors] == [("path", "required", "/bookingId")]
    # body and path are both checked, each finding tagged with its location
    r = contracts.validate_request("cancelBooking", {}, path_params={"bookingId": ""})
    assert sorted((f.location, f.rule, f.pointer) for f in r.errors) == [
        ("path", "format", "/bookingId"), ("path", "minLength", "/bookingId"), ("request", "required", "/revision")]


def test_error_responses(contracts):
    op = "declineMultiServiceBooking"
    good = {"message": "not found", "details": {"applicationError": {"code": "BOOKING_NOT_FOUND",
                                                                        "description": "x"}}}
    assert not contracts.validate_response(op, good, 404).findings
    r = contracts.validate_response(op, good, 400)  # documented code, wrong status
    assert r.ok and [(f.rule, f.pointer) for f in r.warnings] == [("undocumented-error-code",
                                                                   "/details/applicationError/code")]
    assert "REVISION_MISSING" in r.warnings[0].expected
    r = contracts.validate_response(op, {"message": "x", "details": {"applicationError": {"code": "NOPE"}}}, 404)
    assert r.ok and r.rules() == {"undocumented-error-code"}
    r = contracts.validate_response(op, good, 418)
    assert r.ok and r.rules("warning") == {"undocumented-status"}
    for bad in ({"details": {}}, {"message": 1, "details": {"applicationError": {}}}, [],
                {"message": "x", "details": {"applicationError": {"code": "BOOKING_NOT_FOUND"},
                                             "validationError": {"fieldViolations": []}}}):
        r = contracts.validate_response(op, bad, 404)
        assert not r.ok and r.rules("error") == {"envelope"}, (bad, r.findings)
    ok_validation = {"message": "bad", "details": {"validationError": {"fieldViolations": [{"field": "a"}]}}}
    assert contracts.validate_error(op, ok_validation, 400).ok
    # cancelBooking documents no errors: any code is fine, every status is undocumented
    r = contracts.validate_response("cancelBooking", good, 404)
    assert r.ok and r.rules() == {"undocumented-status"}


def test_unknown_operation_did_you_mean(contracts):
    with pytest.raises(UnknownOperation) as e:
        contracts.validate_request("declineMultiServiceBookin", {})
    assert "declineMultiServiceBooking" in str(e.value)


def test_sdk_surface(contracts):
    r = contracts.validate_request("declineMultiServiceBooking",
                                   {"multiServiceBookingId": UUID, "options": {"returnFullEntity": True}},
                                   surface="sdk")
    assert r.ok, r.findings


def test_findings_are_best_first_and_grouped(contracts, create_body):
    create_body["booking"]["contactDetails"]["email"] = 5
    create_body["booking"]["contactDetails"]["extra"] = 1
    create_body["booking"]["selectedPaymentOption"] = "CASH"
    r = contracts.validate_request("createBooking", create_body)
    ptrs = [f.pointer for f in r.errors]
    # findings of one pointer are adjacent
    seen = []
    for p in ptrs:
        if not seen or seen[-1] != p:
            assert p not in seen
            seen.append(p)
    assert all(f.source and f.source.startswith("https://dev.wix.com/") for f in r.errors)


def test_findings_on_sdk_only_fields_link_the_sdk_declaration(contracts):
    r = contracts.validate_request("cancelBooking", {"revision": "1", "waiveCharges": "yes"})
    (f,) = r.errors
    assert f.rule == "type" and f.pointer == "/waiveCharges"
    assert f.source.startswith("npm:@wix/auto_sdk_bookings_bookings@") and "#L" in f.source
