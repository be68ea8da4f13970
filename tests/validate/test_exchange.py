"""Exchange routing (canonical path and /bookings/v2 alias) and header rules."""

from __future__ import annotations

import pytest

from conftest import UUID, booking_response

HOST = "https://www.wixapis.com"
AUTH = {"Authorization": "Bearer t", "wix-site-id": UUID}


@pytest.mark.parametrize("path", ["/_api/bookings-service/v2/multi_service_bookings/{id}/decline",
                                  "/bookings/multiServiceBookings/v2/multi_service_bookings/{id}/decline"])
def test_routes_decline_by_canonical_path_and_alias(contracts, decline_body, path):
    url = HOST + path.format(id=UUID) + "?x=1"
    resp = {"multiServiceBooking": {"id": UUID}}
    r = contracts.validate_exchange("POST", url, AUTH, decline_body, 200, resp)
    assert r.operation == "bookings.declineMultiServiceBooking"
    # a POST carries its request in the body: the gateway ignores the query parameter
    assert r.ok and [(f.rule, f.location, f.pointer) for f in r.findings] == [("ignored-query", "query", "/x")]
    # the path parameter is taken from the URL and validated
    r = contracts.validate_exchange("post", url.replace(UUID, "msb-12345"), AUTH, decline_body, 200, resp)
    assert [(f.location, f.rule, f.pointer) for f in r.errors] == [("path", "format", "/multiServiceBookingId")]


@pytest.mark.parametrize("url,op", [
    (HOST + "/bookings/v2/bookings", "createBooking"),
    (HOST + "/_api/bookings-service/v2/bookings", "createBooking"),
    (HOST + f"/bookings/v2/bookings/{UUID}/cancel", "cancelBooking"),
    (f"/_api/bookings-service/v2/bookings/{UUID}/cancel", "cancelBooking"),
])
def test_routes_other_operations(contracts, url, op):
    hit = contracts.route("POST", url)
    assert hit and hit[0] == f"bookings.{op}"


def test_unknown_route_and_method(contracts):
    for method, url in (("GET", HOST + "/bookings/v2/bookings"), ("POST", HOST + "/bookings/v3/bookings"),
                        ("POST", HOST + f"/bookings/v2/bookings/{UUID}/cancel/extra")):
        r = contracts.validate_exchange(method, url, AUTH, {}, 200, {})
        assert not r.ok and r.operation is None and r.rules() == {"route"}


def test_exchange_combines_request_and_response_findings(contracts, create_body):
    resp = booking_response()
    resp["booking"]["surprise"] = 1
    create_body["booking"]["nickname"] = "x"
    r = contracts.validate_exchange("POST", HOST + "/bookings/v2/bookings", AUTH, create_body, 200, resp)
    assert {(f.location, f.rule, f.severity) for f in r.findings} == {
        ("request", "undocumented-field", "error"), ("response", "undocumented-field", "warning")}
    err = {"message": "m", "details": {"applicationError": {"code": "INVALID_TIME_ZONE"}}}
    r = contracts.validate_exchange("POST", HOST + "/bookings/v2/bookings", AUTH, {"booking": {}}, 400, err)
    assert {(f.location, f.rule) for f in r.errors} == {("request", "required"), ("request", "oneOf-required")}
    assert not [f for f in r.findings if f.location == "response"]


def test_other_host_is_a_warning(contracts, decline_body):
    r = contracts.validate_exchange("POST", "http://localhost:8080/bookings/multiServiceBookings/v2/multi_service_bookings/"
                                    f"{UUID}/decline", AUTH, decline_body, 200, {})
    assert r.ok and r.rules() == {"host"}


@pytest.mark.parametrize("headers,problems", [
    ({"Authorization": "t", "wix-site-id": UUID}, 0),
    ({"authorization": "t", "WIX-ACCOUNT-ID": UUID}, 0),
    ({"wix-site-id": UUID}, 1),
    ({"Authorization": "", "wix-site-id": UUID}, 1),
    ({"Authorization": "t"}, 1),
    ({"Authorization": "t", "wix-site-id": UUID, "wix-account-id": UUID}, 1),
    ({}, 2),
])
def test_header_rules(contracts, decline_body, headers, problems):
    r = contracts.validate_request("declineMultiServiceBooking", decline_body, headers=headers)
    assert len(r.errors) == problems and all(f.rule == "header" and f.location == "header" for f in r.errors)
