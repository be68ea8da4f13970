"""``resolve_client_path`` is the official client's URL rule: checked against the runtime's
own ``resolveUrl`` on synthetic cases and against every captured request."""

from __future__ import annotations

import base64
import itertools
import json
import subprocess
from urllib.parse import parse_qsl, urlsplit

import pytest

from wixcontracts.sdk.urls import inject_path_params, mappings_for_domain, resolve_client_path, resolve_domain

# ------------------------------------------------------------------ the rule, by hand


def test_first_match_by_plain_string_prefix_not_longest():
    maps = {"www.wixapis.com": [("/a", "/v2"), ("/b", "/v2/bookings"), ("/c", "")]}
    assert resolve_client_path("/v2/bookings/x", maps) == "/a/bookings/x"
    # a plain string prefix: "/v2/book" prefixes "/v2/bookings" although it is not a segment
    assert resolve_client_path("/v2/bookings", {"_": [("/s", "/v2/book")]}) == "/sings"
    assert resolve_client_path("/v3/x", maps) == "/c/v3/x"  # "" prefixes everything
    assert resolve_client_path("/v3/x", {"_": [("/s", "/v2")]}) == "/v3/x"  # no match: unchanged


def test_domain_fallbacks():
    exact, root, wild, user = [("/exact", "")], [("/root", "")], [("/wild", "")], [("/user", "")]
    assert resolve_client_path("/p", {"www.wixapis.com": exact, "wixapis.com": root, "_": user}) == "/exact/p"
    assert resolve_client_path("/p", {"wixapis.com": root, "*.wixapis.com": wild, "_": user}) == "/root/p"
    assert resolve_client_path("/p", {"*.com": [("/short", "")], "*.wixapis.com": wild, "_": user}) == "/wild/p"
    assert resolve_client_path("/p", {"manage.wix.com": exact, "_": user}) == "/user/p"
    assert resolve_client_path("/p", {}) == "/p"
    # an empty list for the host is still "found" (a JS [] is truthy): no fallback to "_"
    assert resolve_client_path("/p", {"www.wixapis.com": [], "_": user}) == "/p"
    assert resolve_client_path("/p", {"www._base_domain_": exact, "_": user}, host="fr.wix.com") == "/exact/p"
    assert resolve_domain("www.wixapis.com") == "www.wixapis.com"
    assert resolve_domain("manage.wix.com") == "manage._base_domain_"
    assert resolve_domain("x.dev.wix-code.com") == "*.dev.wix-code.com"
    assert mappings_for_domain("a.b.c", {"b.c": [{"srcPath": "/s", "destPath": "/d"}]}) == [("/s", "/d")]


def test_path_params_are_filled_before_matching():
    maps = {"_": [("/x", "/v1/a/b1"), ("/y", "/v1/a")]}
    assert resolve_client_path("/v1/a/{id}/cancel", maps, data={"id": "b1"}) == "/x/cancel"
    assert resolve_client_path("/v1/a/{id}/cancel", maps) == "/y/{id}/cancel"
    assert inject_path_params("/v1/{p.id}:go", {"p": {"id": "7"}}) == "/v1/7:go"
    assert inject_path_params("/v1/{id}:go", {}) == "/v1/undefined:go"  # the leaf is missing
    assert inject_path_params("/v1/{p.id}:go", {"p": {}}) == "/v1/undefined:go"
    assert inject_path_params("/v1/{p.id}:go", {}) == "/v1/{p.id}:go"  # a parent is missing: the raw segment
    assert inject_path_params("/v1/{p.id}:go", {"p": None}) == "/v1/{p.id}:go"
    assert inject_path_params("/v1/{n}", {"n": 0}) == "/v1/0"


# ------------------------------------------------------------------ against the runtime

HOSTS = [
    "www.wixapis.com", "wixapis.com", "api.wixapis.com", "manage.wix.com", "fr.wix.com", "www.wix.com",
    "create.editorx.com", "payments.base44.com", "bo.42.wixprod.net", "x.dev.wix-code.com", "site.wixacom",
]
MAPPING_SETS = [
    {},
    {"_": [{"srcPath": "/user", "destPath": "/v2"}, {"srcPath": "/user2", "destPath": ""}]},
    {"www.wixapis.com": [], "_": [{"srcPath": "/user", "destPath": ""}]},
    {"www.wixapis.com": [{"srcPath": "/_api/svc", "destPath": "/v2"}, {"srcPath": "/long", "destPath": "/v2/bookings"}],
     "_": [{"srcPath": "/user", "destPath": ""}]},
    {"wixapis.com": [{"srcPath": "/root", "destPath": "/v2/book"}], "*.wixapis.com": [{"srcPath": "/wild", "destPath": ""}]},
    {"*.com": [{"srcPath": "/short", "destPath": ""}], "*.wixapis.com": [{"srcPath": "/wild", "destPath": "/v2"}],
     "*.dev.wix-code.com": [{"srcPath": "/dev", "destPath": ""}]},
    {"www._base_domain_": [{"srcPath": "/www", "destPath": ""}], "manage._base_domain_": [{"srcPath": "/bm", "destPath": ""}],
     "editor._base_domain_": [{"srcPath": "/ed", "destPath": ""}], "bo._api_base_domain_": [{"srcPath": "/api", "destPath": ""}],
     "_": [{"srcPath": "/user", "destPath": "/v"}]},
]
PATHS = [
    ("/v2/bookings/{bookingId}/cancel", {"bookingId": "b1"}),
    ("/v2/bookings/{bookingId}/cancel", {}),
    ("/v2/bookings/{booking.id}", {"booking": {"id": "x"}}),
    ("/v2/bookings/{booking.id}", {"booking": None}),
    ("/v2/policies/{id}:setDefault", {"id": 0}),
    ("/v2/policies/{id}:setDefault", {"id": "p"}),
    ("/v3/other", {}),
    ("/v2", {}),
]


def test_python_rule_equals_the_runtime_resolve_url(js_root):
    cases = [
        {"host": h, "protoPath": p, "data": d, "domainToMappings": m}
        for h, m, (p, d) in itertools.product(HOSTS, MAPPING_SETS, PATHS)
    ]
    runtime = js_root / "node_modules" / "@wix" / "sdk-runtime"
    assert runtime.is_dir()
    # the generated packages import this copy (none carries its own)
    assert not list((js_root / "node_modules" / "@wix").glob("auto_sdk_bookings_*/node_modules/@wix/sdk-runtime"))
    script = (
        "import { resolveUrl } from '@wix/sdk-runtime/rest-modules';"
        "import { readFileSync } from 'node:fs';"
        "const cases = JSON.parse(readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(cases.map((c) => resolveUrl(structuredClone(c)))));"
    )
    proc = subprocess.run(
        ["node", "--input-type=module", "-e", script], input=json.dumps(cases), capture_output=True, text=True, cwd=js_root, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-500:]
    expected = json.loads(proc.stdout)
    got = [resolve_client_path(c["protoPath"], c["domainToMappings"], host=c["host"], data=c["data"]) for c in cases]
    diffs = [(c["host"], c["protoPath"], c["data"], list(c["domainToMappings"]), e, g) for c, e, g in zip(cases, expected, got) if e != g]
    assert not diffs, diffs[:5]
    assert len(set(expected)) > 25  # the cases do exercise different outcomes


# ------------------------------------------------------------------ against the captures


def _request_data(req: dict) -> dict:
    """The request message the client sent: JSON body, else the query string (``a.b=`` keys
    nested, ``.r`` base64 JSON decoded)."""
    data = json.loads(req["body"]) if req["body"] else {}
    for key, value in parse_qsl(urlsplit(req["url"]).query):
        if key == ".r":
            data.update(json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))))
            continue
        node = data
        *parents, leaf = key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node.setdefault(leaf, value)
    return data


def test_captured_paths_follow_the_rule(all_capture, operations):
    mismatches = []
    for cid, (_call, res) in all_capture.items():
        op = operations[cid]
        req = res["requests"][0]
        path = urlsplit(req["url"]).path
        expected = resolve_client_path(op.proto_path, op.mappings, data=_request_data(req))
        if path != expected:
            mismatches.append(f"{cid}: sent {path}, rule says {expected}")
    assert not mismatches, "\n".join(mismatches)


def test_captures_prove_first_match_and_the_default_domain(operations, all_capture):
    """Operations where the first matching mapping is not the longest one, and one that only
    the ``_`` mappings serve: the captures went where the first-match rule says."""
    first_not_longest = []
    user_domain_only = []
    for cid, op in operations.items():
        ms = mappings_for_domain(resolve_domain("www.wixapis.com"), op.mappings)
        matching = [m for m in ms if op.proto_path.startswith(m[1])]
        if matching and max(matching, key=lambda m: len(m[1])) != matching[0]:
            first_not_longest.append(cid)
        if "www.wixapis.com" not in op.mappings and op.mappings.get("_"):
            user_domain_only.append(cid)
    assert len(first_not_longest) >= 5 and user_domain_only
    for cid in first_not_longest + user_domain_only:
        op = operations[cid]
        req = all_capture[cid][1]["requests"][0]
        assert urlsplit(req["url"]).path == resolve_client_path(op.proto_path, op.mappings, data=_request_data(req))
    call, res = all_capture["bookings.addBookingsToMultiServiceBooking"]
    assert urlsplit(res["requests"][0]["url"]).path == "/_api/bookings-service/v2/multi_service_bookings/add_bookings_to_multi_service_booking"


@pytest.mark.parametrize("cid, path", [
    ("bookings.cancelBooking", "/_api/bookings-service/v2/bookings/{bookingId}/cancel"),
    ("pricing.previewPrice", "/bookings/v2/pricing/v2/pricing/preview"),
    ("bookings-provisioner.provisionBookingsPlatform", "/v1/provisioner/provision-bookings-platform"),
])
def test_known_client_paths(operations, cid, path):
    op = operations[cid]
    assert resolve_client_path(op.proto_path, op.mappings) == path
