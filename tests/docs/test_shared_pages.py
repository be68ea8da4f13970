"""Whole-page tests on the real Wix pages in ../shared/wix-docs (skipped without them)."""

from __future__ import annotations

from wixcontracts.ir import OneOf, iter_fields

from .test_dialects import field, names


def test_structure_facts_of_the_booking_types(model):
    booking = names(model.types["Booking"].members)
    for f in ("bookedEntity", "contactDetails", "status"):
        assert f in booking
    assert names(model.types["ParticipantChoices"].members) == ["serviceChoices"]
    assert "optionId" in names(model.types["ServiceChoice"].members)
    assert "optionId" not in names(model.types["Duration"].members)
    be = names(model.types["BookedEntity"].members)
    assert "title" in be and "tags" in be
    addr = names(model.types["Address"].members)
    street = names(model.types["StreetAddress"].members)
    for f in ("country", "subdivision", "city", "postalCode", "subdivisions"):
        assert f in addr and f not in street
    assert addr[0] == "ONE-OF(streetAddress,addressLine)"


def test_same_structure_from_the_live_and_the_collapsed_page(model):
    """Booking inside the collapsed decline page resolves to the same shape as in the
    live create page."""
    decline = model.operations["declineMultiServiceBooking"].surfaces["rest"]
    create = model.operations["createBooking"].surfaces["rest"]
    b1 = field(decline.response, "multiServiceBooking.bookings.booking")
    b2 = field(create.response, "booking")
    assert names(b1.members) == names(b2.members)
    assert names(field(decline.response, "multiServiceBooking.bookings.booking.contactDetails.fullAddress").members) == \
        names(field(create.response, "booking.contactDetails.fullAddress").members)


def test_no_unresolved_structure_and_every_decision_is_recorded(model):
    assert model.decisions
    assert [d for d in model.decisions if d["unresolved"]] == []
    assert {d["resolved_by"] for d in model.decisions} <= {"registry", "hints", "indentation"}


def test_decline_operation_facts(model):
    op = model.operations["declineMultiServiceBooking"]
    assert set(op.surfaces) == {"rest", "sdk"}
    rest = op.surfaces["rest"]
    assert rest.http_method == "POST"
    host, path = rest.url.split("/_api/", 1)
    assert host == "https://www.wixapis.com"
    assert path.split("/") == ["bookings-service", "v2", "multi_service_bookings", "{multiServiceBookingId}", "decline"]
    assert op.path_aliases == ["/bookings/v2/multi_service_bookings/{multiServiceBookingId}/decline"]
    assert {e.application_code for e in rest.errors} >= {"ALL_BOOKINGS_ARE_ALREADY_DECLINED", "NOT_ALL_BOOKINGS_WERE_SENT",
                                                         "DUPLICATE_BOOKING_INFO", "REVISION_MISSING", "BOOKING_NOT_FOUND",
                                                         "MULTI_SERVICE_BOOKING_NOT_FOUND"}
    (p,) = op.preconditions
    assert p.from_statuses == ["PENDING", "CREATED", "WAITING_LIST"] and p.to_status == "DECLINED" and p.all_or_nothing
    assert op.scopes[0]["id"] == "SCOPE.DC-BOOKINGS.MANAGE-BOOKINGS"
    # the REST renderer's name-as-type glitch, resolved from the SDK section
    assert field(rest.params, "doubleBooked").type.kind == "boolean"
    assert field(rest.params, "returnFullEntity").type.kind == "boolean"
    assert field(rest.params, "declineBookingsInfo.revision").type.format == "int64"
    sdk = op.surfaces["sdk"]
    assert field(sdk.response, "multiServiceBooking.bookings.booking._createdDate").type.kind == "date"
    assert field(rest.response, "multiServiceBooking.bookings.booking.createdDate").type.format == "date-time"
    (ex,) = rest.examples
    assert ex.body["flowControlSettings"] == {"skipRefundValidation": False}


def test_create_operation_facts(model):
    op = model.operations["createBooking"]
    rest = op.surfaces["rest"]
    assert field(rest.params, "booking").required
    assert field(rest.params, "booking.bookedEntity").required
    group = rest.params[0].members[0]
    assert isinstance(group, OneOf) and group.required
    assert field(rest.params, "sendSmsReminder").type.kind == "boolean"
    assert field(rest.params, "formSubmission").type.kind == "object"
    assert any(d.code == "required.unknown-path" and "additionalFields" in d.message for d in model.diagnostics)
    assert len(rest.examples) == 3 and all(e.body for e in rest.examples)
    assert op.path_aliases == ["/bookings/v2/bookings"]


def test_velo_cancel_page_is_an_incomplete_operation(model):
    op = model.operations["cancelBooking"]
    assert not op.complete and op.incomplete_reasons
    sdk = op.surfaces["sdk"]
    assert [p.name for p in sdk.params] == ["bookingId", "options"]
    opts = sdk.params[1]
    # named in the description; typed by the registry, which knows it from the other pages
    assert field(opts.members, "participantNotification").type.name == "ParticipantNotification"
    assert "notifyParticipants" in names(model.sdk_types["ParticipantNotification"].members)
    assert field(opts.members, "flowControlSettings.ignoreCancellationPolicy").type.kind == "boolean"
    assert op.preconditions[0].to_status == "CANCELED"
    assert op.surfaces["rest"].url.endswith("/bookings/{bookingId}/cancel")  # from hints
