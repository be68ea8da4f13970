"""`wixcontracts validate --event`, `wixcontracts webhook list|key|build|send`: exit codes, layered
pointers, one-line errors."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from click.testing import CliRunner

import wixcontracts.commands  # noqa: F401  (registers every command)
from wixcontracts.cli import app

from .conftest import UUID, serving

pytestmark = pytest.mark.usefixtures("test_cache")


def run(*args, input=None):
    r = CliRunner().invoke(app, [str(a) for a in args], input=input)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    return r


def delivery(event="booking_created", entity=None, **kw) -> str:
    from wixcontracts.webhooks.deliver import make_delivery

    return make_delivery(event, entity, **kw)[0]


def layers(event="booking_created", entity=None, **kw):
    from wixcontracts.webhooks.deliver import make_delivery

    return make_delivery(event, entity, **kw)[1]


@pytest.fixture
def pub(tmp_path):
    from wixcontracts.webhooks import cached_key_pair

    p = tmp_path / "public.pem"
    p.write_text(cached_key_pair().public_pem)
    return p


# ------------------------------------------------------------------ validate --event


def test_raw_jwt_verified_with_the_public_key(tmp_path, pub):
    f = tmp_path / "d.jwt"
    f.write_text(delivery())
    r = run("validate", "--event", f, "--public-key", pub)
    assert r.exit_code == 0, r.output
    assert "valid" in r.output and "wix.bookings.v2.booking_created" in r.output
    # the PEM text itself is accepted too
    assert run("validate", "--event", f, "--public-key", pub.read_text()).exit_code == 0


def test_jwt_needs_a_key_or_no_verify(tmp_path):
    f = tmp_path / "d.jwt"
    f.write_text(delivery())
    r = run("validate", "--event", f)
    assert r.exit_code == 2 and "needs --public-key PEM" in r.output
    assert run("validate", "--event", f, "--no-verify").exit_code == 0
    r = run("validate", "--event", f, "--no-verify", "--public-key", "x.pem")
    assert r.exit_code == 2 and "choose one of" in r.output


def test_wrong_key_is_exit_2_with_one_line(tmp_path):
    from wixcontracts.webhooks import generate

    f = tmp_path / "d.jwt"
    f.write_text(delivery())
    other = tmp_path / "other.pem"
    other.write_text(generate().public_pem)
    r = run("validate", "--event", f, "--public-key", other)
    assert r.exit_code == 2
    assert "signature does not verify" in r.output and str(f) in r.output.replace("\n", "")
    r = run("validate", "--event", f, "--public-key", tmp_path / "missing.pem")
    assert r.exit_code == 2 and "missing.pem: no such file" in r.output


def _broken_message(event="booking_created", **kw) -> dict:
    d = layers(event, **kw)
    msg = dict(d.message)
    ev = json.loads(msg["data"])
    prop, fld = d.body_field
    body = json.loads(ev[prop][fld]) if isinstance(ev[prop][fld], str) else ev[prop][fld]
    target = body.get("booking", body)
    target["status"] = "DONE"
    target["surprise"] = 1
    ev[prop][fld] = json.dumps(body) if isinstance(ev[prop][fld], str) else body
    msg["data"] = json.dumps(ev)
    return msg


@pytest.mark.parametrize("form", ["json-string", "object"])
def test_layered_pointers(tmp_path, form):
    f = tmp_path / "msg.json"
    f.write_text(json.dumps(_broken_message(form=form)))
    r = run("validate", "--event", f, "--format", "json")
    assert r.exit_code == 1, r.output
    out = json.loads(r.output)
    field = "entityAsJson" if form == "json-string" else "entity"
    assert out["event_type"] == "wix.bookings.v2.booking_created" and out["ok"] is False
    assert [(e["pointer"], e["rule"]) for e in out["errors"]] == [(f"/data/createdEvent/{field}/status", "enum")]
    assert [(w["pointer"], w["rule"]) for w in out["warnings"]] == [
        (f"/data/createdEvent/{field}/surprise", "undocumented-field")]
    # the field's own declaration, not the message's
    assert out["errors"][0]["source"].startswith("https://dev.wix.com/docs/")


def test_action_event_pointer_and_text_output(tmp_path):
    f = tmp_path / "msg.json"
    f.write_text(json.dumps(_broken_message("booking_canceled")))
    r = run("validate", "--event", f)
    assert r.exit_code == 1
    assert "/data/actionEvent/bodyAsJson/booking/status" in r.output and "enum" in r.output


def test_entity_alone_needs_event_type(tmp_path):
    f = tmp_path / "booking.json"
    booking = layers().payload
    f.write_text(json.dumps({**booking, "status": "DONE"}))
    r = run("validate", "--event", f, "--event-type", "booking_created", "--format", "json")
    assert r.exit_code == 1
    assert [e["pointer"] for e in json.loads(r.output)["errors"]] == ["/status"]
    f.write_text(json.dumps(booking))
    assert run("validate", "--event", f, "--event-type", "wix.bookings.v2.booking_created").exit_code == 0
    r = run("validate", "--event", f)
    assert r.exit_code == 2 and "needs event_type" in r.output
    r = run("validate", "--event", f, "--event-type", "bookng_created")
    assert r.exit_code == 2 and "did you mean booking_created" in r.output


def test_domain_event_alone(tmp_path):
    d = layers("booking_updated")
    f = tmp_path / "event.json"
    f.write_text(json.dumps(d.event))
    assert run("validate", "--event", f).exit_code == 0


@pytest.mark.parametrize("content,needle", [
    ("", "empty input"), ("\x00\x01binary", "binary data"), ("{oops", "not valid JSON"),
    ("abc.def", "malformed JWT"), ("a.b.c", "malformed JWT"),
])
def test_unreadable_input_is_exit_2(tmp_path, content, needle):
    f = tmp_path / "bad.jwt"
    f.write_text(content)
    r = run("validate", "--event", f, "--no-verify")
    assert r.exit_code == 2 and needle in r.output
    assert len([ln for ln in r.output.splitlines() if ln.strip()]) == 1


def test_usage_errors():
    r = run("validate", "createBooking", "--request", "x.json", "--event", "d.jwt")
    assert r.exit_code == 2 and "takes no OP/FILE argument" in r.output
    r = run("validate", "--event-type", "booking_created")
    assert r.exit_code == 2 and "go with --event FILE" in r.output
    r = run("validate", "--event", "/nonexistent/d.jwt", "--no-verify")
    assert r.exit_code == 2 and "no such file" in r.output


def test_stdin(tmp_path):
    r = run("validate", "--event", "-", "--no-verify", input=delivery())
    assert r.exit_code == 0 and "<stdin>" in r.output


def test_folder_batch_json_junit_sarif(tmp_path, monkeypatch):
    d = tmp_path / "deliveries"
    d.mkdir()
    (d / "a.jwt").write_text(delivery())
    (d / "b.json").write_text(json.dumps(_broken_message()))
    (d / "c.txt").write_text("not a token")
    (d / "ignored.md").write_text("x")
    monkeypatch.chdir(tmp_path)
    r = run("validate", "--event", "deliveries", "--no-verify", "--format", "json")
    assert r.exit_code == 2  # one unreadable delivery
    out = {x["delivery"]: x for x in json.loads(r.output)}
    assert set(out) == {"deliveries/a.jwt", "deliveries/b.json", "deliveries/c.txt"}
    assert out["deliveries/a.jwt"]["ok"] and not out["deliveries/b.json"]["ok"]
    assert "malformed JWT" in out["deliveries/c.txt"]["input_error"]
    r = run("validate", "--event", "deliveries", "--no-verify")
    assert "1/3 valid" in r.output
    rows = {ln.split()[0]: ln.split() for ln in r.output.splitlines()[1:-1]}  # a pipe: whole rows
    assert r.output.split()[:3] == ["delivery", "event", "result"]
    assert rows["deliveries/b.json"][1:5] == ["wix.bookings.v2.booking_created", "invalid", "1", "1"]
    assert rows["deliveries/c.txt"][1] == "unreadable"
    junit = ET.fromstring(run("validate", "--event", "deliveries", "--no-verify", "--format", "junit").output)
    assert (junit.get("tests"), junit.get("failures"), junit.get("errors")) == ("3", "1", "1")
    sarif = json.loads(run("validate", "--event", "deliveries", "--no-verify", "--format", "sarif").output)
    res = sarif["runs"][0]["results"]
    assert {x["ruleId"] for x in res} == {"enum", "undocumented-field", "input-error"}
    enum = next(x for x in res if x["ruleId"] == "enum")
    loc = enum["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "deliveries/b.json"
    assert loc["logicalLocations"][0]["name"] == "/data/createdEvent/entityAsJson/status"


# ------------------------------------------------------------------ webhook list / key / build


def test_webhook_list():
    rows = json.loads(run("webhook", "list", "--format", "json").output)
    assert len(rows) == 47 and len({r["service"] for r in rows}) == 14
    rows = json.loads(run("webhook", "list", "--service", "bookings", "--format", "json").output)
    assert {r["name"] for r in rows} >= {"booking_created", "booking_canceled"} and len(rows) == 8
    r = run("webhook", "list", "--service", "bookng")
    assert r.exit_code == 2 and "did you mean bookings" in r.output
    lines = run("webhook", "list", "--service", "bookings").output.splitlines()  # a pipe: whole rows
    assert lines[0].split() == ["event", "event", "type", "kind", "payload", "service"] and len(lines) == 9
    assert any(ln.split()[:3] == ["booking_created", "wix.bookings.v2.booking_created", "created"] for ln in lines)


def test_webhook_key(test_cache):
    r = run("webhook", "key")
    assert r.exit_code == 0 and "-----BEGIN PUBLIC KEY-----" in r.output
    path = run("webhook", "key", "--path").output.strip()
    assert path == str(test_cache / "webhooks" / "test.public.pem")


def test_webhook_build(tmp_path):
    from wixcontracts.webhooks import cached_key_pair, decode_delivery

    r = run("webhook", "build", "booking_created")
    assert r.exit_code == 0
    d = decode_delivery(r.output.strip(), public_key=cached_key_pair().public_pem)
    assert d.event_type == "wix.bookings.v2.booking_created" and d.body_field == ("createdEvent", "entityAsJson")
    ent = tmp_path / "booking.json"
    ent.write_text(json.dumps({"id": UUID, "status": "CONFIRMED"}))
    out = json.loads(run("webhook", "build", "booking_created", "--entity", ent, "--layers", "--form", "object",
                         "--instance-id", "inst-1").output)
    assert out["payload"] == {"id": UUID, "status": "CONFIRMED"} and out["message"]["instanceId"] == "inst-1"
    assert out["event"]["createdEvent"]["entity"]["id"] == UUID and out["event"]["entityId"] == UUID
    r = run("webhook", "build", "bookng_created")
    assert r.exit_code == 2 and "did you mean booking_created" in r.output
    ent.write_text("{nope")
    r = run("webhook", "build", "booking_created", "--entity", ent)
    assert r.exit_code == 2 and "--entity" in r.output and "not valid JSON" in r.output


# ------------------------------------------------------------------ webhook send


async def _handler(request):
    body = (await request.body()).decode()
    if request.url.path == "/slow":
        import asyncio

        await asyncio.sleep(1.4)
    if request.url.path == "/broken":
        return PlainTextResponse("no", status_code=500)
    request.app.state.seen.append(body)
    return PlainTextResponse("")


@pytest.fixture(scope="module")
def handler_url():
    web = Starlette(routes=[Route("/{p:path}", _handler, methods=["POST"])])
    web.state.seen = []
    with serving(web) as url:
        yield url, web.state.seen


def test_send_ok_and_save(handler_url, tmp_path):
    from wixcontracts.webhooks import cached_key_pair, decode_delivery

    url, seen = handler_url
    saved = tmp_path / "sent.jwt"
    r = run("webhook", "send", "booking_canceled", "--to", url + "/webhooks", "--save", saved)
    assert r.exit_code == 0, r.output
    line = " ".join(r.output.split())
    assert line.startswith("ok wix.bookings.v2.booking_canceled -> " + url + "/webhooks: status 200 in ")
    assert "(deadline 1250 ms)" in line
    assert seen[-1] == saved.read_text().strip()
    d = decode_delivery(seen[-1], public_key=cached_key_pair().public_pem)
    assert d.body_field == ("actionEvent", "bodyAsJson") and d.message["instanceId"]


def test_send_failures_exit_1(handler_url):
    url, _ = handler_url
    r = run("webhook", "send", "booking_created", "--to", url + "/broken")
    assert r.exit_code == 1 and "status 500, expected 2xx" in " ".join(r.output.split())
    start = time.monotonic()
    r = run("webhook", "send", "booking_created", "--to", url + "/slow")
    assert r.exit_code == 1 and "over the 1250 ms deadline" in " ".join(r.output.split())
    assert time.monotonic() - start < 10
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    r = run("webhook", "send", "booking_created", "--to", f"http://127.0.0.1:{port}/x")
    assert r.exit_code == 1 and "no answer" in r.output and "ConnectError" in r.output


def test_send_loopback_only_by_default():
    r = run("webhook", "send", "booking_created", "--to", "https://example.com/hook")
    assert r.exit_code == 2 and "not a loopback address" in r.output and "--i-own-this-endpoint" in r.output
    r = run("webhook", "send", "booking_created", "--to", "ftp://127.0.0.1/x")
    assert r.exit_code == 2 and "not an http(s) URL" in r.output


# ------------------------------------------------------------------ robustness (Hypothesis)

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@pytest.fixture(scope="module")
def event_lookup():
    from wixcontracts.catalog import Catalog
    from wixcontracts.webhooks import EventContracts

    return EventContracts(Catalog().event_schema_by_type)


@settings(max_examples=150, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=st.one_of(
    st.text(max_size=200),
    st.builds(lambda a, b: json.dumps({"eventType": a, "data": b}),
              st.sampled_from(["wix.bookings.v2.booking_created", "wix.bookings.v2.booking_canceled", "x", ""]),
              st.one_of(st.text(max_size=40), st.sampled_from(['{"createdEvent": {"entityAsJson": "{"}}',
                                                               '{"actionEvent": {"body": 1}}', "[]", "{}"]))),
    st.builds(lambda s: ".".join(s), st.lists(st.text("abcXYZ-_0189", max_size=30), min_size=1, max_size=4)),
))
def test_any_text_is_a_result_or_one_input_problem(event_lookup, text):
    """Whatever a file holds: a Result, or an InputProblem with one line naming the file -- nothing else."""
    from wixcontracts.validate.findings import Result
    from wixcontracts.webhooks.cli import InputProblem, check_event_text

    try:
        r = check_event_text(text, "f.jwt", lookup=event_lookup, public_key=None, verify=False, event_type=None)
    except InputProblem as exc:
        assert str(exc).startswith("f.jwt: ") and "\n" not in str(exc)
    else:
        assert isinstance(r, Result)
