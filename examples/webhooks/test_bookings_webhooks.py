"""The integrator's tests of the webhook endpoint: deliveries signed and shaped like Wix's, sent to
the app in process with ``wixcontracts.webhooks.deliver`` (no server, no network)."""

import uuid

import pytest

pytest.importorskip("jwt", reason="PyJWT is not installed (pip install 'wixcontracts[webhooks]')")

from bookings_webhooks import BookingStore, create_app  # noqa: E402
from wixcontracts.webhooks import cached_key_pair, generate  # noqa: E402
from wixcontracts.webhooks.deliver import deliver  # noqa: E402

KEY = cached_key_pair()  # the test pair: in production the app gets Wix's public key instead
B1 = "1f0a3c2e-8a41-4d6b-9c11-2b7e5f0d9a01"
INSTANCE = "6f2c9b1e-0d3a-4b8e-9f7a-5c4d3b2a1e0f"


@pytest.fixture
def store():
    return BookingStore()


@pytest.fixture
def app(store):
    return create_app(KEY.public_pem, store)


def test_booking_created_is_stored(app, store):
    r = deliver(app, "booking_created", {"id": B1, "status": "CONFIRMED", "revision": "1"}, path="/webhooks",
                instance_id=INSTANCE)
    assert r.ok, r.summary()
    assert store.bookings == {B1: "CONFIRMED"} and store.instances[B1] == INSTANCE


def test_a_booking_the_contract_generates(app, store):
    r = deliver(app, "booking_created", path="/webhooks")  # a realistic Booking from the committed schema
    assert r.ok, r.summary()
    booking = r.delivery.payload
    assert store.bookings[booking["id"]] == booking["status"]


def test_booking_canceled(app, store):
    deliver(app, "booking_created", {"id": B1, "status": "CONFIRMED"}, path="/webhooks")
    r = deliver(app, "booking_canceled", {"booking": {"id": B1, "status": "CANCELED"}}, path="/webhooks")
    assert r.ok, r.summary()
    assert store.bookings[B1] == "CANCELED"


def test_the_sdk_object_form_is_read_too(app, store):
    r = deliver(app, "booking_created", {"id": B1, "status": "PENDING"}, path="/webhooks", form="object")
    assert r.ok and store.bookings[B1] == "PENDING"


def test_a_forged_delivery_is_rejected(app, store):
    r = deliver(app, "booking_created", {"id": B1, "status": "CONFIRMED"}, path="/webhooks", key=generate())
    assert r.status == 401 and not r.ok
    assert store.bookings == {}


def test_a_retried_event_is_applied_once(app, store):
    event_id = str(uuid.uuid4())
    deliver(app, "booking_created", {"id": B1, "status": "CONFIRMED"}, path="/webhooks", event_id=event_id)
    store.bookings[B1] = "CONFIRMED (seen)"
    r = deliver(app, "booking_created", {"id": B1, "status": "CONFIRMED"}, path="/webhooks", event_id=event_id)
    assert r.ok and store.bookings[B1] == "CONFIRMED (seen)"


def test_other_events_are_acknowledged(app, store):
    assert deliver(app, "booking_confirmed", path="/webhooks").ok
    assert deliver(app, "wix.bookings.services.v2.service_created", path="/webhooks").ok
    assert store.bookings == {}
