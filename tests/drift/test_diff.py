"""Contract diff classification (request vs response side), incl. ONE-OF groups."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

from wixcontracts.build import ROOT
from wixcontracts.drift.diff import TABLE, diff_roots, diff_specs

REQ = {"type": "object", "additionalProperties": False, "properties": {
    "booking": {"$ref": "#/$defs/Booking"}, "flag": {"type": "boolean"}}, "$defs": {"Booking": {
        "type": "object", "properties": {
            "status": {"type": "string", "enum": ["CREATED", "CONFIRMED"]},
            "revision": {"type": "string", "pattern": "^-?[0-9]{1,19}$", "x-wix-int64": True},
            "slot": {"type": "object"}, "schedule": {"type": "object"}, "extra": {"type": "string"},
            "startDate": {"type": "string", "format": "date-time"}},
        "allOf": [{"not": {"anyOf": [{"required": ["slot", "schedule"]}]}, "x-wix-one-of": ["slot", "schedule"]}]}}}


def root(tmp: Path, name: str, req: dict, resp: dict, errors=None, ops=("createBooking",)) -> Path:
    r = tmp / name
    (r / "schemas" / "bookings" / "rest").mkdir(parents=True)
    (r / "contracts").mkdir()
    cat = []
    for op in ops:
        files = {}
        for kind, s in (("request", req), ("response", resp)):
            rel = f"schemas/bookings/rest/{op}.{kind}.json"
            (r / rel).write_text(json.dumps(s))
            files[kind] = rel
        cat.append({"id": f"bookings.{op}", "service": "bookings", "name": op, "method": "POST", "path": f"/v2/{op}",
                    "aliases": [], "page": "", "errors": errors or [], "schemas": {"rest": files}})
    services = [{"slug": "bookings", "kind": "rest", "operations": len(cat), "openapi": None, "types": []}]
    (r / "contracts" / "catalog.json").write_text(json.dumps({"version": "x", "services": services, "operations": cat}))
    return r


def kinds(found):
    return {(f.side, f.kind, f.pointer, f.severity) for f in found}


def run(tmp, mutate, ops_new=("createBooking",), errors_new=None):
    new = copy.deepcopy(REQ)
    mutate(new)
    return kinds(diff_roots(root(tmp, "a", REQ, REQ), root(tmp, "b", new, new, errors_new, ops_new)))


def test_identical_is_empty_and_committed_contracts_equal_themselves(tmp_path):
    assert run(tmp_path, lambda s: None) == set()
    assert diff_roots(ROOT, ROOT) == []


def test_field_removed_and_added(tmp_path):
    def m(s):
        del s["$defs"]["Booking"]["properties"]["extra"]
        s["$defs"]["Booking"]["properties"]["note"] = {"type": "string"}
    k = run(tmp_path, m)
    assert ("request", "field-removed", "/booking/extra", "breaking") in k
    assert ("response", "field-removed", "/booking/extra", "breaking") in k
    assert ("request", "field-added", "/booking/note", "informational") in k
    assert ("response", "field-added", "/booking/note", "informational") in k


def test_enum_type_format_required(tmp_path):
    def m(s):
        b = s["$defs"]["Booking"]
        b["properties"]["status"]["enum"] = ["CREATED", "CONFIRMED", "NO_SHOW"]
        b["properties"]["extra"] = {"type": "integer"}
        del b["properties"]["startDate"]["format"]
        b["properties"]["revision"] = {"type": "string"}
        s["required"] = ["flag"]
    k = run(tmp_path, m)
    assert ("request", "enum-value-added", "/booking/status", "informational") in k
    assert ("response", "enum-value-added", "/booking/status", "breaking") in k
    assert ("request", "type-changed", "/booking/extra", "breaking") in k
    assert ("request", "format-removed", "/booking/startDate", "informational") in k
    assert ("response", "format-removed", "/booking/startDate", "breaking") in k
    assert ("response", "type-changed", "/booking/revision", "breaking") in k  # int64 string → plain string
    assert ("request", "required-added", "/flag", "breaking") in k
    assert ("response", "required-added", "/flag", "informational") in k
    k2 = run(tmp_path / "2", lambda s: s["$defs"]["Booking"]["properties"]["status"].update(enum=["CREATED"]))
    assert ("request", "enum-value-removed", "/booking/status", "breaking") in k2
    assert ("response", "enum-value-removed", "/booking/status", "informational") in k2


def test_one_of_reorder_and_pairwise_encoding_are_no_change(tmp_path):
    def m(s):
        b = s["$defs"]["Booking"]
        b["allOf"] = [{"x-wix-one-of": ["schedule", "slot"],
                       "not": {"anyOf": [{"required": ["schedule", "slot"]}]}}]
    assert run(tmp_path, m) == set()

    def no_marker(s):  # group only recoverable from the pairwise encoding
        s["$defs"]["Booking"]["allOf"] = [{"not": {"anyOf": [{"required": ["schedule", "slot"]}]}}]
    assert run(tmp_path / "2", no_marker) == set()


def test_one_of_member_moves_and_group_required(tmp_path):
    def join(s):  # existing field 'extra' moves into the group
        s["$defs"]["Booking"]["allOf"] = [{"x-wix-one-of": ["slot", "schedule", "extra"], "not": {"anyOf": [
            {"required": ["slot", "schedule"]}, {"required": ["slot", "extra"]}, {"required": ["schedule", "extra"]}]}}]
    k = run(tmp_path, join)
    assert ("request", "one-of-member-added", "/booking", "breaking") in k
    assert ("response", "one-of-member-added", "/booking", "breaking") in k
    assert not any(kind.startswith("field-") for _, kind, _, _ in k)

    def new_member(s):  # a brand-new field joins: harmless for requests
        b = s["$defs"]["Booking"]
        b["properties"]["course"] = {"type": "object"}
        b["allOf"] = [{"x-wix-one-of": ["slot", "schedule", "course"], "not": {"anyOf": []}}]
    k = run(tmp_path / "2", new_member)
    assert ("request", "one-of-member-added", "/booking", "informational") in k

    def leave(s):
        s["$defs"]["Booking"]["allOf"] = []
    k = run(tmp_path / "3", leave)
    assert ("request", "one-of-group-removed", "/booking", "informational") in k
    assert ("response", "one-of-group-removed", "/booking", "breaking") in k

    def required(s):
        s["$defs"]["Booking"]["allOf"].append({"anyOf": [{"required": ["slot"]}, {"required": ["schedule"]}],
                                               "x-wix-one-of": ["slot", "schedule"], "x-wix-one-of-required": True})
    k = run(tmp_path / "4", required)
    assert k == {("request", "one-of-group-became-required", "/booking", "breaking"),
                 ("response", "one-of-group-became-required", "/booking", "informational")}


def test_operations_and_error_codes(tmp_path):
    errs = [{"code": "NEW_CODE", "http": 428}]
    found = diff_roots(root(tmp_path, "a", REQ, REQ, ops=("createBooking", "cancelBooking")),
                       root(tmp_path, "b", REQ, REQ, errs, ops=("createBooking", "getBooking")))
    k = {(f.operation, f.kind, f.severity) for f in found}
    assert ("bookings.cancelBooking", "operation-removed", "breaking") in k
    assert ("bookings.getBooking", "operation-added", "informational") in k
    assert ("bookings.createBooking", "error-code-added", "breaking") in k
    assert set(TABLE) >= {f.kind for f in found}


def test_git_refs_are_extracted(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    root(tmp_path, "a", REQ, REQ)
    import shutil

    shutil.copytree(tmp_path / "a", repo, dirs_exist_ok=True)
    git("add", "-A")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "v1")
    new = copy.deepcopy(REQ)
    del new["properties"]["flag"]
    (repo / "schemas/bookings/rest/createBooking.request.json").write_text(json.dumps(new))
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qam", "v2")
    found = diff_specs("HEAD~1", "HEAD", repo)
    assert [(f.side, f.kind, f.pointer) for f in found] == [("request", "field-removed", "/flag")]


def test_a_catalog_from_before_the_namespaced_model_diffs_against_today(tmp_path):
    """``wixcontracts diff`` across the change that namespaced the catalog: the old one-service catalog
    (bare names, ``path_aliases``, ``schemas/rest/``) reads as service ``bookings``."""
    old = tmp_path / "old"
    (old / "schemas" / "rest").mkdir(parents=True)
    (old / "contracts").mkdir()
    for kind in ("request", "response"):
        (old / f"schemas/rest/createBooking.{kind}.json").write_text(json.dumps(REQ))
    files = {k: f"schemas/rest/createBooking.{k}.json" for k in ("request", "response")}
    (old / "contracts" / "catalog.json").write_text(json.dumps({"version": "v0", "types": [], "operations": [
        {"name": "createBooking", "method": "POST", "path": "/v2/createBooking", "path_aliases": [], "page": "",
         "errors": [], "schemas": {"rest": files}}]}))
    new = copy.deepcopy(REQ)
    del new["properties"]["flag"]
    found = diff_roots(old, root(tmp_path, "b", new, REQ))
    assert [(f.operation, f.side, f.kind, f.pointer) for f in found] == [
        ("bookings.createBooking", "request", "field-removed", "/flag")]
