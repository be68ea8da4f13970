"""The committed catalog against the official client: every one of the 192 captured requests is routed to
the operation with the captured RPC name, and its path is that operation's canonical path (where the
official client actually sends), not merely an alias."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from wixcontracts.validate import Contracts

CONTRACTS = Contracts.load()


def _matches(template: str, path: str) -> bool:
    rx = re.sub(r"\\\{[^{}]+\\\}", "[^/]+", re.escape(template))
    return re.fullmatch(rx, path) is not None


def test_every_captured_request_hits_its_operations_canonical_path(all_capture):
    ops_by_rpc = {(o["service"], o["rpc"]): o for o in CONTRACTS.catalog.operations.values()}
    assert len(all_capture) == len(CONTRACTS.catalog.operations) == 192
    problems = []
    for cid, (_call, res) in all_capture.items():
        req = res["requests"][0]
        bi = dict(kv.split("=", 1) for kv in req["headers"]["x-wix-bi-gateway"].split(",") if "=" in kv)
        service = cid.split(".", 1)[0]
        op = ops_by_rpc.get((service, bi["method-fqn"]))
        if op is None:
            problems.append(f"{cid}: no catalog operation with rpc {bi['method-fqn']}")
            continue
        path = urlsplit(req["url"]).path
        if req["method"] != op["method"] or not _matches(op["path"], path):
            problems.append(f"{cid}: client sent {req['method']} {path}; catalog has {op['method']} {op['path']}")
        hit = CONTRACTS.route(req["method"], req["url"])
        if hit is None or hit[0] != op["id"]:
            problems.append(f"{cid}: routed to {hit and hit[0]}, expected {op['id']}")
    assert not problems, "\n".join(problems)
