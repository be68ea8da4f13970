import uuid

import pytest

from .helpers import Client


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def msb(client):
    """Two created bookings grouped into a seeded multi-service booking."""
    ids = [client.create()[1]["booking"]["id"] for _ in range(2)]
    mid = str(uuid.uuid4())
    client.emu.seed({"multiServiceBookings": {mid: ids}})
    return mid, ids
