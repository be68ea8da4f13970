"""The integrator's tests, written with the wixcontracts pytest plugin (no import needed: the
``wix_api`` fixture comes from the ``pytest11`` entry point)."""

import asyncio

import pytest

from bookings_client import AsyncBookingsClient, BookingError, BookingsClient, RequestsBookingsClient

pytest_plugins = ["pytester"]

SERVICE = "8ee826a3-64c4-416d-a22c-e01d39f56931"
SCHEDULE = "844772a6-ad31-49fb-b3d9-7aef1e559b7e"
MSB = "0b6ab2c4-5b5f-4d0e-9a55-3c1e8f0b7a10"
B1, B2 = "1f0a3c2e-8a41-4d6b-9c11-2b7e5f0d9a01", "1f0a3c2e-8a41-4d6b-9c11-2b7e5f0d9a02"


@pytest.fixture
def client():
    return BookingsClient("test-api-key", "site-123")


def test_create_then_cancel(wix_api, client):
    b = client.create_booking(SERVICE, SCHEDULE, "2026-12-26T12:00:00.000Z", "2026-12-26T13:00:00.000Z",
                              email="jane@example.com", first_name="Jane")
    assert b["status"] == "CREATED"
    c = client.cancel_booking(b["id"], b["revision"])
    assert c["status"] == "CANCELED"
    assert [call.operation for call in wix_api.calls] == ["bookings.createBooking", "bookings.cancelBooking"]
    assert wix_api.calls.last.response.status_code == 200


def test_decline_multi_service_booking(wix_api, client):
    wix_api.emulator.seed({"bookings": [{"id": B1, "status": "CREATED"}, {"id": B2, "status": "PENDING"}],
                           "multiServiceBookings": {MSB: [B1, B2]}})
    msb = client.decline_multi_service_booking(MSB, [(B1, 1), (B2, 1)])
    assert {b["booking"]["status"] for b in msb["bookings"]} == {"DECLINED"}


def test_injected_revision_mismatch_is_handled(wix_api, client):
    wix_api.fail("declineMultiServiceBooking", code="BOOKING_REVISION_MISMATCH")
    with pytest.raises(BookingError) as e:
        client.decline_multi_service_booking(MSB, [(B1, 1)])
    assert (e.value.status, e.value.code) == (428, "BOOKING_REVISION_MISMATCH")


@pytest.mark.wix_fixtures("decline_recorded")
def test_replay_recorded_decline(wix_api, client):
    msb = client.decline_multi_service_booking(MSB, [(B1, 3), (B2, 3)])
    assert msb["id"] == MSB  # answered by the recorded fixture: the emulator knows no such booking
    assert [b["booking"]["revision"] for b in msb["bookings"]] == ["4", "4"]


def test_async_cancel(wix_api):
    wix_api.emulator.seed({"bookings": [{"id": B1, "status": "CONFIRMED", "revision": 4}]})

    async def run():
        c = AsyncBookingsClient("test-api-key", "site-123")
        try:
            return await c.cancel_booking(B1, 4)
        finally:
            await c.aclose()

    assert asyncio.run(run())["status"] == "CANCELED"


def test_requests_client_retries_after_a_timeout(wix_api):
    wix_api.emulator.seed({"bookings": [{"id": B1, "status": "CONFIRMED", "revision": 2}]})
    wix_api.timeout("cancelBooking")                       # the first call times out (requests.ReadTimeout)
    assert RequestsBookingsClient("k", "site-123").cancel_booking(B1, 2)["status"] == "CANCELED"
    assert [c.fault.kind if c.fault else c.status for c in wix_api.calls] == ["timeout", 200]


def test_requests_client_honours_retry_after(wix_api):
    wix_api.emulator.seed({"bookings": [{"id": B1, "status": "CONFIRMED", "revision": 2}]})
    wix_api.fail("cancelBooking", status=429, retry_after=7)   # any status; 429 is not documented here
    waited = []
    RequestsBookingsClient("k", "site-123", sleep=waited.append).cancel_booking(B1, 2)
    assert waited == [7.0] and wix_api.calls[0].undocumented


def test_unavailable_twice_is_an_error(wix_api):
    wix_api.fail("cancelBooking", status=503, times=2)
    with pytest.raises(BookingError) as e:
        RequestsBookingsClient("k", "site-123").cancel_booking(B1, 2)
    assert (e.value.status, e.value.code) == (503, "UNAVAILABLE")


def test_wrong_call_fails_with_a_useful_message(pytester):
    """A typo'd field and a non-uuid id: the plugin fails the test even though the code swallows errors."""
    pytester.makepyfile(test_wrong="""
        from bookings_client import BookingsClient

        def test_wrong(wix_api):
            c = BookingsClient("k", "site")
            assert c.decline_safely("not-a-uuid", [("also-not-a-uuid", 1)]) == "failed"
    """)
    res = pytester.runpytest("-p", "no:cacheprovider")
    res.assert_outcomes(failed=1)
    res.stdout.fnmatch_lines(["*WixContractViolation*declineMultiServiceBooking*",
                              "*path /multiServiceBookingId*rule: format*",
                              "*expected: 'uuid'*", "*docs:*decline-multi-service-booking*"])
