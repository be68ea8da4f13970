"""What the gateway accepts: the request message from path + body + query, proto names, path fields repeated
in the body or the query, internal (non-public) fields, the official client's headers."""

from __future__ import annotations

import base64
import json

import pytest

from conftest import UUID, UUID2

HOST = "https://www.wixapis.com"
AUTH = {"Authorization": "KEY", "wix-site-id": UUID}
CLIENT_HEADERS = {**AUTH, "Content-Type": "application/json",  # what @wix/sdk sends, in its own spelling
                  "x-wix-bi-gateway": "environment=js-sdk,package-name=@wix/auto_sdk_bookings_bookings,"
                                      "method-fqn=com.wixpress.bookings.bookings.v2.Bookings.CancelBooking"}
CANCEL = f"{HOST}/_api/bookings-service/v2/bookings/{UUID}/cancel"
MSB = f"{HOST}/_api/bookings-service/v2/multi_service_bookings/{UUID}"
ANON = f"{HOST}/v1/anonymous-bookings/tok-1"


def rules(r, severity=None):
    fs = r.findings if severity is None else (r.errors if severity == "error" else r.warnings)
    return [(f.rule, f.location, f.pointer) for f in fs]


# ------------------------------------------------------------------ path fields repeated

def test_path_field_repeated_in_the_body_is_accepted_when_equal(contracts):
    r = contracts.validate_exchange("POST", CANCEL, CLIENT_HEADERS, {"bookingId": UUID, "revision": "1"}, None, None)
    assert r.ok and not r.findings, r.findings


def test_path_field_that_differs_from_the_path_is_an_error_naming_both_values(contracts):
    r = contracts.validate_exchange("POST", CANCEL, AUTH, {"bookingId": UUID2, "revision": "1"}, None, None)
    (f,) = r.errors
    assert (f.rule, f.location, f.pointer) == ("path-param-mismatch", "request", "/bookingId")
    assert UUID in f.message and UUID2 in f.message and f.expected == UUID


def test_validate_request_without_a_path_takes_the_body_as_the_whole_message(contracts):
    body = {"bookingId": UUID2, "revision": "1"}
    assert contracts.validate_request("cancelBooking", body).ok  # nothing to compare against
    r = contracts.validate_request("cancelBooking", body, path_params={"bookingId": UUID})
    assert rules(r, "error") == [("path-param-mismatch", "request", "/bookingId")]
    assert contracts.validate_request("cancelBooking", body, path_params={"bookingId": UUID2}).ok


def test_nested_path_field_is_compared_inside_its_object(contracts):
    url = f"{HOST}/bookings/v2/services/{UUID}"
    ok = contracts.validate_exchange("PATCH", url, AUTH, {"service": {"id": UUID, "revision": "3"}}, None, None)
    assert ok.operation == "services.updateService" and not rules(ok, "error"), ok.errors
    bad = contracts.validate_exchange("PATCH", url, AUTH, {"service": {"id": UUID2, "revision": "3"}}, None, None)
    assert ("path-param-mismatch", "request", "/service/id") in rules(bad, "error")


# ------------------------------------------------------------------ the query string

def test_get_reads_the_message_from_the_query_the_way_the_client_sends_it(contracts):
    r = contracts.validate_exchange("GET", f"{MSB}?multiServiceBookingId={UUID}", CLIENT_HEADERS, None, None, None)
    assert r.operation == "bookings.getMultiServiceBooking" and r.ok and not r.findings, r.findings
    r = contracts.validate_exchange("GET", f"{MSB}?multiServiceBookingId={UUID2}", AUTH, None, None, None)
    assert rules(r, "error") == [("path-param-mismatch", "query", "/multiServiceBookingId")]


def test_unknown_query_parameter_is_an_undocumented_field(contracts):
    r = contracts.validate_exchange("GET", f"{ANON}?token=tok-1&nickname=x", AUTH, None, None, None)
    assert rules(r, "error") == [("undocumented-field", "query", "/nickname")]


def test_bad_enum_in_the_query_lists_the_allowed_values(contracts):
    r = contracts.validate_exchange("GET", f"{ANON}?fields=NOPE", AUTH, None, None, None)
    (f,) = r.errors
    assert (f.rule, f.location, f.pointer) == ("enum", "query", "/fields/0")
    assert isinstance(f.expected, list) and f.expected and "NOPE" not in f.expected


def test_query_values_are_typed_by_the_field(contracts):
    msg = contracts.read_request("staff-members.listDeletedStaffMembers", method="GET",
                                 query=f"staffMemberIds={UUID}&staffMemberIds={UUID2}&paging.limit=5&paging.cursor=c1")
    assert msg.message == {"staffMemberIds": [UUID, UUID2], "paging": {"limit": 5, "cursor": "c1"}}
    assert not msg.findings
    r = contracts.validate_exchange("GET", f"{HOST}/bookings/staff/v2/staff-members/trash-bin?paging.limit=many",
                                    AUTH, None, None, None)
    assert rules(r, "error") == [("type", "query", "/paging/limit")]
    # booleans and int64 digit strings
    m = contracts.read_request("external-calendars.listConnections", method="GET", query="partialFailure=true").message
    assert m == {"partialFailure": True}
    m = contracts.read_request("service-options-and-variants.deleteServiceOptionsAndVariants", method="DELETE",
                               query="revision=12").message
    assert m == {"revision": "12"}
    r = contracts.validate_exchange(
        "DELETE", f"{HOST}/bookings/v1/serviceOptionsAndVariants/{UUID}?revision=1x", AUTH, None, None, None)
    assert ("int64", "query", "/revision") in rules(r, "error")


def test_repeated_key_on_a_scalar_and_mixed_shapes_are_reported(contracts):
    r = contracts.read_request("external-calendars.listConnections", method="GET",
                               query="partialFailure=true&partialFailure=false")
    assert [(f.rule, f.location, f.pointer) for f in r.findings] == [("query", "query", "/partialFailure")]


def test_dot_r_carries_the_whole_message_as_base64url_json(contracts):
    message = {"query": {"cursorPaging": {"limit": 5}, "filter": {"name": {"$eq": "x"}}}}
    raw = base64.urlsafe_b64encode(json.dumps(message).encode()).decode().rstrip("=")
    url = f"{HOST}/addons/v1/add-ons/query?.r={raw}"
    r = contracts.validate_exchange("GET", url, AUTH, None, None, None)
    assert r.operation == "add-ons.queryAddOns" and r.ok, r.errors
    assert contracts.read_request("add-ons.queryAddOns", method="GET", query=f".r={raw}").message == message
    bad = contracts.validate_exchange("GET", f"{HOST}/addons/v1/add-ons/query?.r=%%%", AUTH, None, None, None)
    assert rules(bad, "error") == [("query", "query", "/.r")]


def test_a_get_body_and_post_query_parameters_are_ignored_by_the_gateway(contracts):
    r = contracts.validate_exchange("GET", f"{MSB}", AUTH, {"x": 1}, None, None)
    assert r.ok and rules(r) == [("ignored-body", "request", "")]
    r = contracts.validate_exchange("POST", CANCEL + "?revision=1", AUTH, {"revision": "1"}, None, None)
    assert r.ok and rules(r) == [("ignored-query", "query", "/revision")]


# ------------------------------------------------------------------ names

def test_proto_names_are_accepted_with_a_warning(contracts):
    body = {"create_bookings_info": [{"booking": {"totalParticipants": 1, "bookedEntity": {"slot": {
        "serviceId": UUID, "scheduleId": UUID2, "startDate": "2030-01-01T10:00:00.000Z",
        "endDate": "2030-01-01T11:00:00.000Z"}}}}], "return_full_entity": True}
    r = contracts.validate_request("bulkCreateBooking", body)
    assert r.ok, r.errors
    assert rules(r, "warning") == [("non-canonical-name", "request", "/createBookingsInfo"),
                                   ("non-canonical-name", "request", "/returnFullEntity")]


def test_one_field_under_both_names_is_an_error(contracts):
    r = contracts.validate_request("cancelBooking", {"revision": "1", "waive_charges": True, "waiveCharges": False})
    assert ("duplicate-name", "request", "/waive_charges") in rules(r, "error")
    q = contracts.validate_exchange("GET", f"{ANON}?return_full_entity=1", AUTH, None, None, None)
    assert ("undocumented-field", "query", "/return_full_entity") in rules(q, "error")  # a proto name of nothing


def test_proto_names_in_the_query(contracts):
    m = contracts.read_request("staff-members.listDeletedStaffMembers", method="GET",
                               query=f"staff_member_ids={UUID}")
    assert m.message == {"staffMemberIds": [UUID]}
    assert [(f.rule, f.severity, f.location) for f in m.findings] == [("non-canonical-name", "warning", "query")]


# ------------------------------------------------------------------ internal fields, headers

def test_a_field_only_the_internal_typings_declare_is_known_but_not_public(contracts):
    r = contracts.validate_request("cancelBooking", {"revision": "1", "newPrice": "10"})
    assert r.ok and rules(r, "warning") == [("non-public-field", "request", "/newPrice")]
    s = contracts.catalog.schema("cancelBooking", "request")
    assert s["properties"]["newPrice"]["x-wix-non-public"] is True
    assert "/build/internal/cjs/meta.d.ts#L" in s["properties"]["newPrice"]["x-wix-source"]
    r = contracts.validate_request("cancelBooking", {"revision": "1", "newPriceX": "10"})
    assert rules(r, "error") == [("undocumented-field", "request", "/newPriceX")]


@pytest.mark.parametrize("headers", [
    {"authorization": "KEY", "WIX-SITE-ID": UUID},
    {"Authorization": "KEY", "Wix-Site-Id": UUID, "X-Wix-Bi-Gateway": "environment=js-sdk", "User-Agent": "x"},
])
def test_header_names_are_case_insensitive_and_client_headers_accepted(contracts, headers):
    r = contracts.validate_exchange("POST", CANCEL, headers, {"revision": "1"}, None, None)
    assert r.ok and not r.findings, r.findings


def test_the_catalog_and_openapi_record_the_wire_model(contracts):
    get = contracts.operation("bookings.getBookingAnonymously")
    assert get["wire"] == {"message_in": "query", "path": ["token"]}
    assert contracts.operation("services.updateService")["wire"] == {"message_in": "body", "path": ["service.id"]}
    doc = contracts.catalog.openapi("bookings")
    op = next(o for item in doc["paths"].values() for o in item.values() if o["x-wix-id"] == "bookings.getBookingAnonymously")
    assert "requestBody" not in op and op["x-wix-message-in"] == "query"
    fields = next(p for p in op["parameters"] if p["name"] == "fields")
    assert fields["in"] == "query" and fields["explode"] is True and fields["schema"]["items"]["enum"]
    cancel = next(o for item in doc["paths"].values() for o in item.values() if o["x-wix-id"] == "bookings.cancelBooking")
    body = doc["components"]["schemas"][cancel["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert body["properties"]["bookingId"]["x-wix-path-param"] == "bookingId"
