"""Scrubbing: rules one by one, and an end-to-end leak test that plants secrets of many kinds in
headers, query strings and bodies, records through the plugin, then greps every byte written."""

import json
import os
import urllib.parse
import uuid

import pytest

from wixcontracts.fixtures.scrub import SCRUBBED, ScrubPolicy, luhn_ok
from tests.plugin.test_plugin import HEAD

# kind -> planted values (every one must be absent from every byte written)
SECRETS = {
    "wix api key": ["IST.eyJraWQiOiJQb3pIX2FDMiIsImFsZyI6IlJTMjU2In0.eyJkYXRhIjoie1wiaWRcIjpcIjEyMzRcIn0iLCJpYXQiOjE3MDB9.c2lnbmF0dXJlX3BhcnRfb2ZfdGhlX2tleQ"],
    "jwt": ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkLXVzZXIiLCJyb2xlIjoiYWRtaW4ifQ.pLanTEDsig-9fXq3Zr0"],
    "stripe key": ["sk_live_51HplantedSecretKeyABCDEF123456", "pk_live_51HplantedPublishableXYZ987"],
    "aws key": ["AKIAPLANTED123456789"],
    "github token": ["ghp_PlantedGithubToken0123456789abcdefABCD"],
    "long hex": ["d41d8cd98f00b204e9800998ecf8427e9a1b2c3d4e5f6071"],
    "long base64": ["QmFzZTY0U2VjcmV0VmFsdWVQbGFudGVkSGVyZTEyMzQ1Njc4OTA="],
    "card": ["4111 1111 1111 1111", "5500005555555559", "3782-822463-10005"],
    "ssn": ["078-05-1120", "219-09-9999"],
    "email": ["quillon.varga@planted-corp.test", "hortensia.b@staff-planted.test", "notes-mail@planted.example"],
    "phone": ["+44 20 7946 0958", "(415) 555-0132", "+1 212 555 0187"],
    "name": ["Quillon", "Varga", "Hortensia Blakeley", "Ermengarde Phoebus"],
    "address": ["17 Cherry Tree Lane", "Whistlecombe", "WC2N 5DU"],
    "geocode": ["51.507351", "-0.127758"],
    "contact id": ["9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"],
    "session id (query)": ["sess-PLANTED-7781"],
    "utm (query)": ["campaign-planted-2231"],
    "cookie": ["cookieSecretPlanted991"],
    "x-api-key header": ["xApiKeyPlanted55"],
    "site id": ["real-site-id-PLANTED-777"],
}


def test_at_least_30_secrets_of_10_kinds():
    assert len(SECRETS) >= 10 and sum(map(len, SECRETS.values())) >= 30


def _variants(s: str) -> set[str]:
    out = {s, urllib.parse.quote(s), urllib.parse.quote_plus(s), json.dumps(s)[1:-1]}
    digits = "".join(ch for ch in s if ch.isdigit())
    if len(digits) >= 9 and not any(c.isalpha() for c in s.replace("+", "")):
        out.add(digits)  # a phone or card number with its separators removed
    return {v for v in out if v}


def test_planted_secrets_never_reach_disk(pytester, tmp_path_factory, monkeypatch):
    xdg = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    monkeypatch.delenv("WIX_SCRUB_SALT", raising=False)
    S = SECRETS
    src = f"""
import requests
S = {S!r}
CID = S["contact id"][0]

def booking():
    contact = {{"contactId": CID, "firstName": S["name"][0], "lastName": S["name"][1], "email": S["email"][0],
               "phone": S["phone"][0], "countryCode": "GB", "timeZone": "Europe/London",
               "fullAddress": {{"addressLine": S["address"][0], "city": S["address"][1], "postalCode": S["address"][2],
                               "geocode": {{"latitude": float(S["geocode"][0]), "longitude": float(S["geocode"][1])}}}}}}
    slot = dict(SLOT, resource={{"id": B2, "name": S["name"][2], "email": S["email"][1]}},
                additionalResources=[{{"id": B1, "name": S["name"][3]}}])
    note = (f"Hi, my name is {{S['name'][0]}} {{S['name'][1]}}; call {{S['phone'][1]}} or {{S['phone'][2]}}, mail "
            f"{{S['email'][2]}}. Card {{S['card'][0]}}, backup {{S['card'][1]}}, amex {{S['card'][2]}}. "
            f"SSN {{S['ssn'][0]}} / {{S['ssn'][1]}}. keys {{S['stripe key'][0]}} {{S['stripe key'][1]}} "
            f"{{S['aws key'][0]}} {{S['github token'][0]}} {{S['long hex'][0]}} {{S['long base64'][0]}} "
            f"token {{S['jwt'][0]}}")
    return {{"booking": {{"bookedEntity": {{"slot": slot}}, "totalParticipants": 1, "contactDetails": contact,
                         "additionalFields": [{{"id": B1, "value": note, "valueType": "LONG_TEXT"}}]}},
            "participantNotification": {{"notifyParticipants": True, "message": note}}}}

HDR = {{"Authorization": S["wix api key"][0], "Cookie": "wixSession=" + S["cookie"][0],
        "x-api-key": S["x-api-key header"][0], "wix-site-id": S["site id"][0],
        "x-wix-request-id": S["long hex"][0], "User-Agent": "app/1 " + S["email"][0]}}
Q = ("?sessionid=" + S["session id (query)"][0] + "&utm_campaign=" + S["utm (query)"][0] + "&token=" + S["jwt"][0]
     + "&email=" + S["email"][0] + "&ssn=" + S["ssn"][0])

def test_httpx(wix_api):
    r = httpx.post(CREATE + Q, json=booking(), headers=HDR)
    assert r.status_code == 200, r.text
    b = r.json()["booking"]
    httpx.post(f"https://www.wixapis.com/bookings/v2/bookings/{{b['id']}}/cancel" + Q,
               json={{"revision": b["revision"]}}, headers=HDR)

def test_requests(wix_api):
    r = requests.post(CREATE + Q, json=booking(), headers=HDR)
    assert r.status_code == 200, r.text

def test_violation(wix_api):
    b = booking()
    b["booking"]["contactDetails"]["tokn"] = S["stripe key"][0]     # undocumented: shown as a violation
    b["booking"]["cardNumbr"] = S["card"][1]
    b["booking"]["ssnn"] = S["ssn"][1] + " " + S["aws key"][0]
    httpx.post(CREATE, json=b, headers=HDR)
"""
    pytester.makepyfile(test_leak=HEAD + src)
    r = pytester.runpytest("-p", "no:cacheprovider", "--wix-record-mode", "once", "--wix-record-source", "emulator",
                           "--wix-report", "report.json", "--wix-cov-json", "cov.json", "--junitxml", "junit.xml")
    r.assert_outcomes(passed=2, failed=1)
    r.stdout.fnmatch_lines(["*request /booking/contactDetails/tokn  rule: undocumented-field*", "*actual:   '<scrubbed>'*"])
    written = [p for p in pytester.path.rglob("*") if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts]
    names = sorted(str(p.relative_to(pytester.path)) for p in written)
    assert names == ["cov.json", "fixtures/wix/test_leak/test_httpx.json", "fixtures/wix/test_leak/test_requests.json",
                     "junit.xml", "report.json"], names
    blob = b"\n".join(p.read_bytes() for p in written)
    text = blob.decode()
    leaks = [(kind, v) for kind, vals in SECRETS.items() for s in vals for v in _variants(s) if v in text]
    assert leaks == [], leaks
    planted = sum(map(len, SECRETS.values()))
    # the recording is still useful: formats kept, ids linked, the fixture replays
    fx = json.loads((pytester.path / "fixtures/wix/test_leak/test_httpx.json").read_text())
    a, b = fx["interactions"]
    c = a["request"]["body"]["booking"]["contactDetails"]
    uuid.UUID(c["contactId"])
    assert c["email"].endswith("@example.com") and c["phone"].startswith("+1555") and c["countryCode"] == "GB"
    assert a["response"]["body"]["booking"]["contactDetails"]["contactId"] == c["contactId"]
    assert a["request"]["headers"]["authorization"] == SCRUBBED and "x-api-key" not in a["request"]["headers"]
    assert "sessionid=%3Cscrubbed%3E" in a["request"]["url"]
    r = pytester.runpytest("-p", "no:cacheprovider", "-k", "test_httpx or test_requests")
    r.assert_outcomes(passed=2)
    print(f"planted {planted} secrets of {len(SECRETS)} kinds; {len(blob)} bytes written in {len(written)} files; 0 leaks")


@pytest.mark.parametrize("value,scrubbed", [
    ("4111 1111 1111 1111", True), ("4111-1111-1111-1111", True), ("4111111111111111", True),
    ("4111111111111112", False),  # Luhn fails: an id, not a card
    ("1767225600000", False),  # a millisecond timestamp
    ("078-05-1120", True), ("2026-12-26", False), ("2026-12-26T12:00:00.000Z", False),
    ("sk_live_abcdef123456", True), ("IST.eyJabc.def-ghi_jkl", True),
    ("eyJhbGciOi.eyJzdWIiOi.sig", True), ("AKIAABCDEFGHIJKLMNOP", True),
    ("0123456789abcdef0123456789abcdef", True), ("1f0a3c2e-8a41-4d6b-9c11-2b7e5f0d9a01", False),
    ("Deep Tissue Massage", False), ("CONFIRMED", False), ("revision 12", False),
])
def test_value_patterns(value, scrubbed):
    out = ScrubPolicy(salt=b"s").text(f"x {value} y")
    assert (value not in out) is scrubbed, out


def test_rules_by_field_and_known_values():
    p = ScrubPolicy(salt=b"s1")
    cid = "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"
    a = p.body({"contactId": cid, "email": "a@b.co", "nested": [{"memberId": cid, "note": "mail me at a@b.co"}],
                "password": "pw", "accessToken": "t", "apiKey": "k",
                "slot": {"resource": {"name": "Hortensia Blakeley"}, "sessionId": "sess-1"},
                "contactDetails": {"firstName": "Zed", "custom": "anything", "countryCode": "GB"}})
    uuid.UUID(a["contactId"])
    assert a["contactId"] == a["nested"][0]["memberId"] != cid
    assert a["email"].endswith("@example.com") and a["email"] in a["nested"][0]["note"]
    assert a["password"] == a["accessToken"] == a["apiKey"] == SCRUBBED
    assert a["slot"]["resource"]["name"].startswith("Name-") and a["slot"]["sessionId"] == "sess-1"
    assert a["contactDetails"]["custom"] != "anything" and a["contactDetails"]["countryCode"] == "GB"
    assert p.known_pass({"text": "ask Hortensia Blakeley or Zed"})["text"] == \
        f"ask {a['slot']['resource']['name']} or {a['contactDetails']['firstName']}"
    assert ScrubPolicy(salt=b"s2").body({"email": "a@b.co"})["email"] != a["email"]
    assert ScrubPolicy(salt=b"s1", allow_fields={"email"}).body({"email": "a@b.co"})["email"] == "a@b.co"


def test_query_allow_list_and_r_param():
    import base64

    p = ScrubPolicy(salt=b"s")
    u = p.url("https://www.wixapis.com/x?paging.limit=5&sessionid=abc&key=k&fields=A&query.filter=x",
              fields={"query.filter"})
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(u).query))
    assert q == {"paging.limit": "5", "sessionid": SCRUBBED, "key": SCRUBBED, "fields": "A", "query.filter": "x"}
    msg = base64.urlsafe_b64encode(json.dumps({"query": {"filter": {"email": "a@b.co"}}}).encode()).decode().rstrip("=")
    r = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(p.url(f"https://h/x?.r={msg}")).query))[".r"]
    decoded = json.loads(base64.urlsafe_b64decode(r + "=" * (-len(r) % 4)))
    assert decoded["query"]["filter"]["email"].endswith("@example.com")
    assert p.url("https://user:pw@h/v1/anonymous-bookings/eyJabcdef.eyJabcdef.sig") == \
        "https://h/v1/anonymous-bookings/%3Cscrubbed%3E"


def test_luhn():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert os.sep
