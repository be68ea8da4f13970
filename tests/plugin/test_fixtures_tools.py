"""Scrubbing rules and ``wixcontracts fixtures check``."""

import json
import subprocess
import sys
import uuid

from wixcontracts.fixtures.scrub import SCRUBBED, ScrubPolicy
from tests.plugin.test_plugin import _fixture, MSB


def test_pseudonyms_are_stable_and_keep_formats():
    p = ScrubPolicy(salt=b"s1")
    cid = "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"
    a = p.body({"contactId": cid, "email": "a@b.co", "nested": [{"memberId": cid, "note": "mail me at a@b.co"}],
                "password": "pw", "accessToken": "t"})
    uuid.UUID(a["contactId"])
    assert a["contactId"] == a["nested"][0]["memberId"] != cid
    assert a["email"].endswith("@example.com") and a["email"] in a["nested"][0]["note"]
    assert a["password"] == a["accessToken"] == SCRUBBED
    assert ScrubPolicy(salt=b"s2").body({"email": "a@b.co"})["email"] != a["email"]
    assert ScrubPolicy(salt=b"s1", allow_fields={"email"}).body({"email": "a@b.co"})["email"] == "a@b.co"
    assert "key=%3Cscrubbed%3E" in p.url("https://www.wixapis.com/x?key=abc&page=2")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "wixcontracts", "fixtures", "check", *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def test_fixtures_check_cli(tmp_path):
    good, stale = tmp_path / "good", tmp_path / "stale"
    _fixture(good / "a.json", {"multiServiceBooking": {"id": MSB}})
    assert _cli(good).returncode == 0
    _fixture(stale / "b.json", {"multiServiceBooking": {"id": 42}})
    r = _cli(stale, "--format", "json")
    assert r.returncode == 1, r.stderr
    rep = json.loads(r.stdout)
    assert rep["stale"] == 1 and rep["results"][0]["errors"][0]["pointer"] == "/multiServiceBooking/id"
    (stale / "broken.json").write_text("{nope")
    assert _cli(stale).returncode == 2
