"""Every REST operation of the 29 pinned bookings packages, called once through the official
client with fetch intercepted: what goes over the wire."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from wixcontracts.sdk import jsclient

EXPECTED_OPERATIONS = 192
EXPECTED_REST_PACKAGES = 29
SERVICE_PLUGIN_PACKAGES = 5


def test_every_operation_is_planned(js_root, all_plan, operations):
    dirs = jsclient.package_dirs(js_root)
    assert len(dirs) == EXPECTED_REST_PACKAGES
    pinned = [p for p in jsclient.pinned_packages() if p.startswith(jsclient.BOOKINGS_PREFIX)]
    assert len(pinned) == EXPECTED_REST_PACKAGES + SERVICE_PLUGIN_PACKAGES
    assert len(operations) == EXPECTED_OPERATIONS
    assert all_plan["unplanned"] == []
    assert len(all_plan["calls"]) == EXPECTED_OPERATIONS
    assert {c["id"] for c in all_plan["calls"]} == set(operations)


def test_each_operation_sends_exactly_one_request_as_meta_declares(all_capture, operations):
    problems = []
    for cid, (call, res) in all_capture.items():
        op = operations[cid]
        reqs = res["requests"]
        if "error" in res:
            problems.append(f"{cid}: {res['error']['message'][:120]}")
        if len(reqs) != 1:
            problems.append(f"{cid}: {len(reqs)} requests")
            continue
        req = reqs[0]
        url = urlsplit(req["url"])
        if (url.scheme, url.netloc) != ("https", "www.wixapis.com"):
            problems.append(f"{cid}: sent to {url.scheme}://{url.netloc}")
        if req["method"] != op.http_method or call["expect"]["http_method"] != op.http_method:
            problems.append(f"{cid}: {req['method']} but meta.js says {op.http_method}")
        bi = dict(kv.split("=", 1) for kv in req["headers"].get("x-wix-bi-gateway", "").split(",") if "=" in kv)
        if bi.get("method-fqn") != op.method_fqn or bi.get("package-name") != op.package:
            problems.append(f"{cid}: x-wix-bi-gateway {bi} does not name {op.method_fqn}")
        if req["method"] == "GET":
            if req["body"] is not None:
                problems.append(f"{cid}: GET with a body")
        elif req["body"] is not None:
            try:
                body = json.loads(req["body"])
            except ValueError:
                problems.append(f"{cid}: body is not JSON")
            else:
                if not isinstance(body, dict):
                    problems.append(f"{cid}: body is a JSON {type(body).__name__}")
        for header in ("Authorization", "wix-site-id"):
            if not req["headers"].get(header):
                problems.append(f"{cid}: no {header} header")
    assert not problems, "\n".join(problems)


def test_requests_carry_the_generated_arguments(all_capture):
    """Bodies and query strings are not empty (except for the three parameterless methods),
    and path parameters are filled in."""
    empty = []
    for cid, (call, res) in all_capture.items():
        req = res["requests"][0]
        url = urlsplit(req["url"])
        assert "{" not in url.path and "/undefined" not in url.path, (cid, url.path)
        if not url.query and req["body"] in (None, "{}"):
            empty.append(cid)
            assert call["args"] == [] and "chain" not in call, f"{cid} sent nothing although it has arguments"
    assert sorted(empty) == [
        "bookings-settings.getBookingsSettings",
        "external-calendars.listProviders",
        "staff-member-settings.getStaffMemberSettings",
    ]


def test_the_client_renames_and_serialises_arguments(all_capture):
    """``_id`` goes out as ``id``; a required path of NonNullablePaths is filled."""
    call, res = all_capture["bookings.createBooking"]
    assert call["args"][0]["additionalFields"][0]["_id"]
    body = json.loads(res["requests"][0]["body"])
    assert body["booking"]["additionalFields"][0] == {"id": call["args"][0]["additionalFields"][0]["_id"]}
    assert "bookedEntity" in body["booking"]
    call, res = all_capture["bookings.getMultiServiceBooking"]
    req = res["requests"][0]
    msb = call["args"][0]
    assert req["url"].endswith(f"/v2/multi_service_bookings/{msb}?multiServiceBookingId={msb}")


def test_query_builders_send_from_find(all_capture):
    builders = {cid for cid, (call, _r) in all_capture.items() if "chain" in call}
    assert len(builders) >= 10
    for cid in builders:
        call, res = all_capture[cid]
        assert call["chain"][-1]["method"] == "find"
        assert len(res["requests"]) == 1 and "error" not in res, cid


def test_bookings_package_capture_file(all_capture, operations, tmp_path_factory):
    """The 33 operations of @wix/auto_sdk_bookings_bookings, written for reuse."""
    rows = [
        {"id": cid, "plan": call, "requests": res["requests"], "result": res.get("result"), "error": res.get("error")}
        for cid, (call, res) in all_capture.items()
        if call["module"] == "@wix/auto_sdk_bookings_bookings"
    ]
    assert len(rows) == 33
    out = tmp_path_factory.mktemp("jsclient") / "bookings-captures.json"
    out.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print(f"\nbookings captures: {out}")
    back = json.loads(out.read_text())
    assert {r["plan"]["expect"]["method_fqn"] for r in back} == {
        operations[r["id"]].method_fqn for r in back
    }
