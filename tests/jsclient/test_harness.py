"""The node harness: capture and forward modes, tagged arguments, chaining, errors."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from wixcontracts.sdk import jsclient
from wixcontracts.sdk.jsclient import JsClientError, run_plan

BOOKINGS = "@wix/auto_sdk_bookings_bookings"
PRICING = "@wix/auto_sdk_bookings_pricing"


class _Echo(BaseHTTPRequestHandler):
    """Echoes every request; ``/_api/bookings-service/v2/bookings`` answers like Create Booking
    (a REST-shaped booking with ``id`` and a timestamp); a path with ``/missing`` gives 404."""

    def log_message(self, *args):
        pass

    def _answer(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode() if length else None
        self.server.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body})
        if "/missing" in self.path:
            status, out = 404, {"message": "no such booking", "details": {"applicationError": {"code": "BOOKING_NOT_FOUND", "description": "gone"}}}
        elif self.path == "/_api/bookings-service/v2/bookings":
            status, out = 200, {"booking": {"id": "bk-1", "revision": "1", "createdDate": "2030-01-01T10:00:00Z", "status": "CREATED"}}
        else:
            status, out = 200, {"booking": {"id": "echo", "revision": "2"}, "echo": {"method": self.command, "path": self.path}}
        data = json.dumps(out).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer


@pytest.fixture
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_forward_mode_reaches_the_base_url_and_transforms_the_response(js_root, echo_server):
    base = f"http://127.0.0.1:{echo_server.server_address[1]}"
    plan = {
        "mode": "forward",
        "base_url": base,
        "headers": {"x-wixcontracts-run": "r1"},
        "calls": [
            {"id": "create", "module": BOOKINGS, "method": "createBooking",
             "args": [{"bookedEntity": {"slot": {"serviceId": "s1"}}, "totalParticipants": 1, "_createdDate": {"$date": "2031-02-03T04:05:06Z"}}]},
            {"id": "cancel", "module": BOOKINGS, "method": "cancelBooking",
             "args": [{"$ref": "create", "path": "booking._id"}, {"revision": {"$ref": "create", "path": "booking.revision"}}]},
            {"id": "gone", "module": BOOKINGS, "method": "getMultiServiceBooking", "args": ["missing"]},
        ],
    }
    results = run_plan(plan, root=js_root)
    create, cancel, gone = results
    # the request went to the stand-in server, exactly as the client built it
    assert [s["path"] for s in echo_server.seen] == [
        "/_api/bookings-service/v2/bookings",
        "/_api/bookings-service/v2/bookings/bk-1/cancel",
        "/_api/bookings-service/v2/multi_service_bookings/missing?multiServiceBookingId=missing",
    ]
    req = create["requests"][0]
    assert req["url"] == "https://www.wixapis.com/_api/bookings-service/v2/bookings"
    assert req["sent_to"] == base + "/_api/bookings-service/v2/bookings"
    seen = echo_server.seen[0]
    assert seen["body"] == req["body"]
    assert seen["headers"]["x-wixcontracts-run"] == "r1"
    assert seen["headers"]["Authorization"] == req["headers"]["Authorization"]
    body = json.loads(req["body"])
    # a JS Date under the SDK's name, renamed and serialised by the client
    assert body["booking"]["createdDate"] == "2031-02-03T04:05:06.000Z" and "_createdDate" not in body["booking"]
    # the response came back through the client's transform: id -> _id, timestamp -> Date
    assert create["result"]["booking"]["_id"] == "bk-1"
    assert create["result"]["booking"]["_createdDate"] == {"$date": "2030-01-01T10:00:00.000Z"}
    assert "id" not in create["result"]["booking"] and "createdDate" not in create["result"]["booking"]
    # the chained call used the transformed result
    assert json.loads(cancel["requests"][0]["body"]) == {"bookingId": "bk-1", "revision": "1"}
    assert cancel["result"]["booking"]["_id"] == "echo"
    # an error status reaches the caller as the client's error
    assert gone["error"]["status"] == 404
    assert gone["error"]["details"]["applicationError"]["code"] == "BOOKING_NOT_FOUND"
    assert "no such booking" in gone["error"]["message"]


def test_capture_mode_sends_nothing_and_uses_canned_answers(js_root):
    plan = {
        "mode": "capture",
        "apiKey": "K-1",
        "siteId": "S-1",
        "calls": [
            {"id": "a", "module": PRICING, "method": "previewPrice", "args": [[{"serviceId": "svc", "numberOfParticipants": 2}]],
             "response": {"status": 200, "body": {"priceInfo": {"calculatedPrice": 12.5}}}},
            {"id": "b", "module": BOOKINGS, "method": "cancelBooking", "args": ["b1", {"revision": "3"}],
             "response": {"status": 409, "body": {"message": "revision mismatch", "details": {"applicationError": {"code": "REVISION_MISMATCH", "description": "stale"}}}}},
            {"id": "c", "module": BOOKINGS, "method": "getMultiServiceBooking", "args": ["m1"]},
        ],
    }
    a, b, c = run_plan(plan, root=js_root)
    req = a["requests"][0]
    assert (req["method"], req["url"]) == ("POST", "https://www.wixapis.com/bookings/v2/pricing/v2/pricing/preview")
    assert json.loads(req["body"]) == {"bookingLineItems": [{"serviceId": "svc", "numberOfParticipants": 2}]}
    assert req["headers"]["Authorization"] == "K-1" and req["headers"]["wix-site-id"] == "S-1"
    assert a["result"] == {"priceInfo": {"calculatedPrice": 12.5}}
    assert b["error"]["status"] == 409 and b["error"]["details"]["applicationError"]["code"] == "REVISION_MISMATCH"
    assert c["requests"][0]["url"] == "https://www.wixapis.com/_api/bookings-service/v2/multi_service_bookings/m1?multiServiceBookingId=m1"
    assert c["requests"][0]["body"] is None
    assert c["result"] is None  # the client returns the (absent) multiServiceBooking of the {} answer


def test_per_call_argument_errors_do_not_stop_the_run(js_root):
    plan = {
        "mode": "capture",
        "calls": [
            {"id": "x", "module": BOOKINGS, "method": "noSuchMethod", "args": []},
            {"id": "y", "module": BOOKINGS, "method": "cancelBooking", "args": [{"$ref": "later"}]},
            {"id": "z", "module": BOOKINGS, "method": "cancelBooking", "args": ["b", {"revision": {"$date": "not a date"}}]},
            {"id": "w", "module": BOOKINGS, "method": "cancelBooking", "args": [{"$ref": "x", "path": "a"}]},
            {"id": "later", "module": BOOKINGS, "method": "cancelBooking", "args": ["b2", {"revision": "1"}]},
        ],
    }
    x, y, z, w, later = run_plan(plan, root=js_root)
    assert x["error"]["harness"] and "has no method noSuchMethod" in x["error"]["message"]
    assert "not an earlier call" in y["error"]["message"]
    assert "bad $date" in z["error"]["message"] and "plan.calls[2].args[1].revision" in z["error"]["message"]
    assert "which failed" in w["error"]["message"]
    for r in (x, y, z, w):
        assert r["requests"] == []
    assert len(later["requests"]) == 1 and "error" not in later


@pytest.mark.parametrize("plan, message", [
    ({"mode": "replay", "calls": []}, "plan.mode"),
    ({"mode": "capture"}, "plan.calls: expected a list"),
    ({"mode": "capture", "calls": [{"id": "a", "module": "", "method": "m"}]}, "plan.calls[0].module"),
    ({"mode": "capture", "calls": [{"id": "a", "module": BOOKINGS, "method": "m", "args": "x"}]}, "plan.calls[0].args"),
    ({"mode": "forward", "base_url": "http://10.1.2.3:80", "calls": []}, "loopback only"),
    ({"mode": "capture", "calls": [{"id": "a", "module": "@wix/not_installed", "method": "m"}]}, "is not installed"),
])
def test_bad_plans_are_one_line_errors(js_root, plan, message):
    with pytest.raises(JsClientError) as exc:
        run_plan(plan, root=js_root)
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_harness_reports_what_only_it_checks(js_root):
    dup = {"mode": "capture", "calls": [{"id": "a", "module": BOOKINGS, "method": "m"}, {"id": "a", "module": BOOKINGS, "method": "m"}]}
    with pytest.raises(JsClientError, match=r"harness: plan.calls\[1\].id: duplicate id"):
        run_plan(dup, root=js_root)
    typo = {"mode": "capture", "calls": [{"id": "a", "module": BOOKINGS, "method": "m", "arg": []}]}
    with pytest.raises(JsClientError, match=r"plan.calls\[0\].arg: unknown key"):
        run_plan(typo, root=js_root)
    # straight to the script: bad JSON on stdin, a folder that is not an install
    proc = subprocess.run(["node", str(jsclient.HARNESS), str(js_root)], input="{nope", capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and json.loads(proc.stdout)["fatal"].startswith("stdin: the plan is not JSON")
    proc = subprocess.run(["node", str(jsclient.HARNESS), "/nonexistent"], input='{"mode":"capture","calls":[]}', capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "not a wixcontracts JS-client install" in json.loads(proc.stdout)["fatal"]


def test_signatures_follow_reexports_and_fill_gaps_from_index_js(js_root):
    base = js_root / "node_modules" / "@wix"
    sigs = jsclient.signatures(base / "auto_sdk_bookings_bookings")
    assert [(p.name, p.optional) for p in sigs["cancelBooking"]] == [("bookingId", False), ("options", True)]
    assert sigs["cancelBooking"][1].type_text.startswith("NonNullablePaths<CancelBookingOptions")
    assert [p.name for p in sigs["updateExtendedFields"]] == ["_id", "namespace", "options"]
    # declared only in a re-exported chunk (export {f$ as createService} from './….js')
    services = jsclient.signatures(base / "auto_sdk_bookings_services")
    assert [(p.name, p.type_text) for p in services["createService"]] == [("service", "Service")]
    # exported by index.js but left out of the typings
    assert [p.name for p in sigs["bulkCancelBooking"]] == ["options"]
    display = jsclient.signatures(base / "auto_sdk_bookings_display-settings")
    assert [p.name for p in display["upsertBookingsDisplaySettings"]] == ["identifiers", "bookingsDisplaySettings"]
    assert "bookingsDisplaySettingsWidgetType?:" in display["upsertBookingsDisplaySettings"][0].type_text


def test_cli_usage_error_is_one_line():
    proc = subprocess.run([sys.executable, "-m", "wixcontracts.sdk.jsclient", "bogus"], capture_output=True, text=True,
                          cwd=Path(jsclient.__file__).parents[2], timeout=60)
    assert proc.returncode == 2 and proc.stderr.strip().startswith("usage:") and proc.stderr.count("\n") == 1
