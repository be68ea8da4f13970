from __future__ import annotations

import copy

import pytest

from wixcontracts.validate import Contracts


@pytest.fixture(scope="session")
def contracts() -> Contracts:
    return Contracts.load()


def curl_examples(contracts, op):
    return [copy.deepcopy(e["body"]) for e in contracts.operation(op)["examples"]
            if e.get("kind") == "curl" and isinstance(e.get("body"), dict)]


UUID = "5fa50f19-4c94-4c42-a72b-289505ba2028"
UUID2 = "8ee826a3-64c4-416d-a22c-e01d39f56931"


@pytest.fixture
def decline_body():
    return {"declineBookingsInfo": [{"bookingId": UUID, "revision": "3", "paymentStatus": "REFUNDED"}],
            "participantNotification": {"notifyParticipants": True, "message": "sorry"},
            "doubleBooked": False, "returnFullEntity": True, "flowControlSettings": {"withRefund": True}}


@pytest.fixture
def create_body():
    return {"booking": {"bookedEntity": {"slot": {"serviceId": UUID, "scheduleId": UUID2,
                                                  "startDate": "2022-12-26T12:00:00.000Z",
                                                  "endDate": "2022-12-26T13:00:00.000Z",
                                                  "timezone": "Europe/Dublin"}},
                        "contactDetails": {"firstName": "John", "email": "john@example.com"},
                        "totalParticipants": 1, "selectedPaymentOption": "ONLINE"},
            "participantNotification": {"notifyParticipants": True}}


def booking_response(n_addons: int = 3) -> dict:
    """A complete Booking as the server returns it (createBooking response)."""
    return {"booking": {
        "id": UUID, "revision": "7", "status": "CONFIRMED", "paymentStatus": "PAID",
        "selectedPaymentOption": "ONLINE", "createdDate": "2024-05-01T10:00:00.000Z",
        "updatedDate": "2024-05-01T10:05:00.000Z", "startDate": "2024-05-02T09:00:00Z",
        "endDate": "2024-05-02T10:00:00Z", "doubleBooked": False, "totalParticipants": 2,
        "appId": UUID2, "createdByAppId": UUID2, "formId": UUID, "externalUserId": UUID,
        "bookedEntity": {"title": "Deep tissue massage", "tags": ["INDIVIDUAL"], "slot": {
            "serviceId": UUID, "scheduleId": UUID2, "eventId": UUID, "startDate": "2024-05-02T09:00:00Z",
            "endDate": "2024-05-02T10:00:00Z", "timezone": "Europe/Dublin",
            "resource": {"id": UUID, "name": "Tom Jones", "email": "tom@example.com", "scheduleId": UUID2},
            "location": {"id": UUID, "name": "Main studio", "formattedAddress": "1 Main St, Dublin",
                         "locationType": "OWNER_BUSINESS"}}},
        "contactDetails": {"contactId": UUID, "firstName": "John", "lastName": "Doe",
                           "email": "john@example.com", "phone": "+353 1 234 5678", "countryCode": "IE",
                           "fullAddress": {"country": "IE", "subdivision": "IE-D", "city": "Dublin",
                                           "postalCode": "D02", "addressLine": "1 Main St",
                                           "formattedAddress": "1 Main St, Dublin, Ireland",
                                           "geocode": {"latitude": 53.34, "longitude": -6.26},
                                           "subdivisions": [{"code": "D", "name": "Dublin"}]}},
        "createdBy": {"memberId": UUID, "contactId": UUID},
        "bookedAddOns": [{"id": UUID, "groupId": UUID2, "durationInMinutes": 15, "quantity": 1,
                          "name": f"Hot stones {i}", "nameTranslated": f"Pierres chaudes {i}"}
                         for i in range(n_addons)],
        "extendedFields": {"namespaces": {"@my-app/ns": {"note": "VIP", "priority": 2}}},
    }}
