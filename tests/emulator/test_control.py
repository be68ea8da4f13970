"""The reserved /_wixcontracts endpoints, the 501 of operations not emulated, the dispatch() interface of the
pytest plugin, and seeds (files, errors with their place, `serve --seed / --scenario / --clock`)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from wixcontracts import commands  # noqa: F401  (registers serve)
from wixcontracts.catalog import Catalog
from wixcontracts.cli import app
from wixcontracts.emulator import seeds
from wixcontracts.emulator.core import EMULATED, Emulator
from wixcontracts.emulator.routing import CONTROL_PREFIX
from .helpers import Wire, code

MASSAGE = "fb03e015-7d89-4bfd-847c-2235ce2b6f2e"


def ctl(emu, method, path, body=None):
    s, _h, out = emu.handle(method, CONTROL_PREFIX + path, {}, json.dumps(body).encode() if body is not None else b"")
    return s, out


def test_the_prefix_never_collides_with_a_wix_path():
    for o in Catalog().operations.values():
        for t in [o["path"], *o.get("aliases", [])]:
            assert not t.startswith(CONTROL_PREFIX), (o["id"], t)


def test_index_operations_state_policy():
    emu = Emulator(seed="business")
    s, out = ctl(emu, "GET", "")
    assert s == 200 and f"{CONTROL_PREFIX}/reset" in out["endpoints"]
    s, out = ctl(emu, "GET", "/operations")
    assert out["emulator"] == "wixcontracts" and out["operations"] == sorted(EMULATED) == sorted(emu.handlers)
    assert len(out["operations"]) + len(out["notEmulated"]) == len(out["catalog"]) == 192
    assert "services.cloneService" in out["notEmulated"]
    s, out = ctl(emu, "GET", "/state")
    assert s == 200 and len(out["services"]) == 6 and out["business"]["timeZone"] == "Europe/Dublin"
    s, out = ctl(emu, "GET", "/policy")
    assert s == 200 and "slots.appointments" in out["decisions"]


def test_reset_seed_clock_events_scenarios():
    emu = Emulator(seed="business", clock="2030-01-06T12:00:00Z")
    w = Wire(emu)
    w.post("/_api/bookings-service/v2/bookings", {"booking": {"totalParticipants": 1, "bookedEntity": {"slot": {
        "serviceId": MASSAGE, "startDate": "2030-01-07T09:00:00", "endDate": "2030-01-07T10:00:00"}}}})
    s, out = ctl(emu, "GET", "/events")
    assert out["count"] == 1 and out["events"][0]["type"] == "wix.bookings.v2.booking_created"
    assert ctl(emu, "GET", "/events?since=1")[1]["events"] == []
    s, out = ctl(emu, "POST", "/reset", {})
    assert s == 200 and out["state"]["bookings"] == 0 and out["state"]["services"] == 6
    assert emu.events == [] and ctl(emu, "GET", "/clock")[1] == {"now": "2030-01-06T12:00:00.000Z", "frozen": True}
    assert ctl(emu, "POST", "/clock", {"advanceSeconds": 90})[1]["now"] == "2030-01-06T12:01:30.000Z"
    assert ctl(emu, "POST", "/clock", {"now": "2031-02-03T04:05:06Z"})[1]["now"] == "2031-02-03T04:05:06.000Z"
    assert ctl(emu, "POST", "/clock", {"real": True})[1]["frozen"] is False
    s, out = ctl(emu, "POST", "/scenarios", {"enable": ["eventual-consistency:lagSeconds=7"]})
    active = {x["name"]: x for x in out["scenarios"] if x["active"]}
    assert active["eventual-consistency"]["params"] == {"lagSeconds": 7.0} and emu.store.lag == 7.0
    ctl(emu, "POST", "/scenarios", {"disable": ["eventual-consistency"]})
    assert emu.store.lag is None
    s, out = ctl(emu, "POST", "/reset", {"seed": "empty", "scenarios": ["location-type-business"]})
    assert out["state"]["services"] == 0 and out["scenarios"] == ["location-type-business"]
    s, out = ctl(emu, "POST", "/seed", {"services": [{"name": "Reiki", "type": "APPOINTMENT"}]})
    assert s == 200 and out["state"]["services"] == 1
    assert ctl(emu, "DELETE", "/events")[1] == {"count": 0}


def test_a_bounded_event_list_keeps_positions():
    emu = Emulator(max_events=2)
    w = Wire(emu)
    for _ in range(3):
        w.post("/_api/bookings-service/v2/bookings", {"booking": {"totalParticipants": 1, "bookedEntity": {}}})
    s, out = ctl(emu, "GET", "/events?since=2")
    assert (out["count"], out["dropped"], len(out["events"])) == (3, 1, 1) and len(emu.events) == 2
    assert out["events"][0]["entityId"] == emu.events[-1].entity_id


@pytest.mark.parametrize("method, path, body, status, field", [
    ("GET", "/nope", None, 404, None),
    ("GET", "/reset", None, 405, None),
    ("POST", "/clock", {"now": "tomorrow"}, 400, "now"),
    ("POST", "/clock", {"advanceSeconds": "1"}, 400, "advanceSeconds"),
    ("POST", "/clock", {}, 400, ""),
    ("POST", "/scenarios", {"enable": ["no-such-quirk"]}, 400, "enable"),
    ("POST", "/scenarios", {"enable": ["eventual-consistency:lag=1"]}, 400, "enable"),
    ("POST", "/reset", {"seed": "nope"}, 400, "seed"),
    ("POST", "/seed", {"servics": []}, 400, ""),
    ("POST", "/seed", [1], 400, ""),
    ("GET", "/events?since=x", None, 400, "since"),
])
def test_control_errors_use_the_envelope(method, path, body, status, field):
    s, out = ctl(Emulator(), method, path, body)
    assert s == status
    if field is None:
        assert out["details"]["applicationError"]["code"] in ("NOT_FOUND", "METHOD_NOT_ALLOWED")
    else:
        assert out["details"]["validationError"]["fieldViolations"][0]["field"] == field


def test_operations_not_emulated_are_validated_then_501():
    w = Wire(Emulator())
    s, out = w.emu.handle("POST", "/_api/bookings/v2/services/clone", {}, b'{"sourceServiceId": "nope"}')[::2]
    assert s == 400  # the request is still read and validated: sourceServiceId is a GUID
    s, _h, out = w.emu.handle("POST", "/_api/bookings/v2/services/clone", {},
                              b'{"sourceServiceId": "fb03e015-7d89-4bfd-847c-2235ce2b6f2e"}')
    assert (s, code(out)) == (501, "NOT_EMULATED")
    assert out["details"]["applicationError"]["data"] == {"operation": "services.cloneService"}
    assert not w.emu.emulates("services.cloneService") and w.emu.emulates("createBooking")
    assert not w.emu.emulates("no.such")


def test_dispatch_runs_a_read_request_without_reading_it_again():
    emu = Emulator()
    msg = {"booking": {"totalParticipants": 1, "bookedEntity": {"slot": {"serviceId": "x"}}, "createdBy": {}}}
    frozen = json.dumps(msg, sort_keys=True)
    s, h, out = emu.dispatch("bookings.createBooking", {}, msg)
    assert s == 200 and h["content-type"] == "application/json" and out["booking"]["revision"] == "1"
    assert json.dumps(msg, sort_keys=True) == frozen  # the caller's message is not changed
    assert "createdBy" not in out["booking"]  # read-only fields dropped, as handle() does
    bid = out["booking"]["id"]
    s, _h, out = emu.dispatch("bookings.cancelBooking", {"bookingId": bid}, {"bookingId": bid, "revision": "1"})
    assert s == 200 and out["booking"]["status"] == "CANCELED"
    s, _h, out = emu.dispatch("cancelBooking", {"bookingId": bid}, {"bookingId": bid, "revision": "1"})
    assert (s, code(out)) == (428, "BOOKING_REVISION_MISMATCH")  # a bare name works where it is unique
    assert emu.dispatch("services.cloneService", {}, {})[0] == 501
    assert emu.dispatch("no.such", {}, {})[0] == 404
    # the plugin reads GETs from the query: the message it passes has the path's fields bound
    s, _h, out = emu.dispatch("services.getService", {"serviceId": MASSAGE}, {"serviceId": MASSAGE})
    assert (s, code(out)) == (404, "SERVICE_NOT_FOUND")


def test_shared_contracts_across_emulators():
    a, b = Emulator(), Emulator()
    assert a.contracts is b.contracts and a._shared is b._shared
    c = Emulator(catalog=Catalog())
    assert c.contracts is not a.contracts  # another catalog object: its own compiled schemas


# ---------------------------------------------------------------------- seeds

def test_shipped_seeds():
    assert {"business", "empty"} <= set(seeds.names())
    emu = Emulator(seed="business")
    assert emu.store.counts() == {"bookings": 0, "multiServiceBookings": 0, "services": 6, "staffMembers": 3,
                                  "resources": 5, "schedules": 4}
    assert Emulator(seed="empty").store.counts()["services"] == 0


@pytest.mark.parametrize("seed, message", [
    ({"servics": []}, "unknown key 'servics'"),
    ({"services": [{"name": "x", "staffMemberIds": ["nope"]}]}, "seed.services[0].staffMemberIds[0]: no staff member"),
    ({"services": [{"name": "x", "type": "CLAS"}]}, "seed.services[0].type"),
    ({"staffMembers": [{"name": "x", "emial": "a@b.c"}]}, "seed.staffMembers[0].emial"),
    ({"business": {"workingHours": {"MONDAY": []}}}, "seed.business.workingHours.MONDAY: not a weekday"),
    ({"business": {"workingHours": {"MON": [["17:00", "09:00"]]}}}, "seed.business.workingHours.MON[0]"),
    ({"business": {"timeZone": "Mars/Olympus"}}, "seed.business.timeZone: unknown time zone"),
    ({"schedules": [{"sessions": []}]}, "seed.schedules[0].id is required"),
    ({"schedules": [{"id": "s", "sessions": [{"weekday": "TUE", "start": "6pm"}]}]}, "seed.schedules[0].sessions[0]"),
    ({"clock": "soon"}, "seed.clock"),
    ({"scenarios": ["nope"]}, "seed.scenarios: unknown scenario"),
    ("no-such-seed", "no such file, and not a shipped seed"),
])
def test_seed_errors_name_their_place(seed, message):
    with pytest.raises(seeds.SeedError, match=None) as e:
        Emulator(seed=seed)
    assert message in str(e.value)


def test_serve_takes_seeds_scenarios_and_a_clock(tmp_path):
    runner = CliRunner()
    p = tmp_path / "seed.json"
    p.write_text(json.dumps({"services": [{"name": "x", "type": "CLAS"}]}))
    r = runner.invoke(app, ["serve", "--seed", str(p), "--port", "1"])
    assert r.exit_code == 2 and "seed.services[0].type" in r.stderr, r.output
    r = runner.invoke(app, ["serve", "--scenario", "nope", "--port", "1"])
    assert r.exit_code == 2 and "unknown scenario 'nope'" in r.stderr
    r = runner.invoke(app, ["serve", "--clock", "tomorrow", "--port", "1"])
    assert r.exit_code == 2 and "--clock" in r.stderr
    assert "--scenario" in runner.invoke(app, ["serve", "--help"]).output
