import threading
import uuid

from .helpers import CANON, Client, code, infos

N = 8


def _race(fn):
    barrier = threading.Barrier(N)
    results = [None] * N

    def run(i):
        barrier.wait()
        results[i] = fn()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_parallel_cancel_same_revision_one_wins():
    client = Client()
    bid = client.create()[1]["booking"]["id"]
    results = _race(lambda: client.cancel(bid, {"revision": "1"}))
    statuses = sorted(s for s, _ in results)
    assert statuses.count(200) == 1, statuses
    assert all(code(b) in ("BOOKING_REVISION_MISMATCH", "INVALID_BOOKING_STATUS") for s, b in results if s != 200)
    assert client.emu.bookings[bid]["revision"] == "2"


def test_parallel_decline_same_revision_one_wins():
    client = Client()
    ids = [client.create()[1]["booking"]["id"] for _ in range(3)]
    mid = str(uuid.uuid4())
    client.emu.seed({"multiServiceBookings": {mid: ids}})
    body = {"declineBookingsInfo": infos(client, ids)}
    results = _race(lambda: client.decline(mid, body))
    assert [s for s, _ in results].count(200) == 1
    assert all(s == 428 for s, _ in results if s != 200)
    assert {client.emu.bookings[i]["revision"] for i in ids} == {"2"}


def test_parallel_creates_all_succeed():
    client = Client()
    results = _race(lambda: client.create())
    assert [s for s, _ in results] == [200] * N
    assert len({b["booking"]["id"] for _, b in results}) == N
