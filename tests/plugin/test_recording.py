"""Recording as pytest-recording records: layout, modes, real answers only, file modes, the salt."""

import json
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from tests.plugin.test_plugin import HEAD

CREATE_SRC = """
def create(n=1):
    for i in range(n):
        r = httpx.post(CREATE, json={"booking": {"bookedEntity": {"slot": SLOT}, "totalParticipants": 1 + i,
                                                 "contactDetails": {"firstName": "Zebulon", "email": "zeb@corp.test"}}},
                       headers=H)
        assert r.status_code == 200, r.text
    return r
"""


@pytest.fixture(autouse=True)
def _salt_outside(tmp_path_factory, monkeypatch):
    """Every test gets its own user-level salt folder (never the real one, never beside the fixtures)."""
    cfg = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(cfg))
    monkeypatch.delenv("WIX_SCRUB_SALT", raising=False)
    monkeypatch.delenv("WIXCONTRACTS_SALT_FILE", raising=False)
    return cfg


def _project(pytester, src: str, name="test_x"):
    """tests/test_x.py in a project: the layout pytest-recording users have."""
    tests = pytester.mkdir("tests")
    (tests / f"{name}.py").write_text(HEAD + CREATE_SRC + src)
    return tests


def _run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def test_layout_once_then_replay_without_a_server(pytester, emulator_server, _salt_outside):
    tests = _project(pytester, """
def test_rec(wix_api):
    create(2)
    assert all(c.source == "base-url" for c in wix_api.calls) or all(c.source.startswith("fixture") for c in wix_api.calls)
""")
    r = _run(pytester, "tests/test_x.py", "--wix-record-mode", "once", "--wix-base-url", emulator_server.url)
    r.assert_outcomes(passed=1)
    f = tests / "fixtures" / "wix" / "test_x" / "test_rec.json"
    assert f.is_file() and not (tests / "tests").exists()
    written = sorted(str(p.relative_to(pytester.path)) for p in pytester.path.rglob("*") if p.is_file()
                     and p.suffix != ".py" and "__pycache__" not in p.parts)  # Python's bytecode is not ours
    assert written == ["tests/fixtures/wix/test_x/test_rec.json"], written  # no temp files, no salt here
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(f.stat().st_mode) == 0o666 & ~mask
    fx = json.loads(f.read_text())
    assert [i["source"] for i in fx["interactions"]] == ["base-url", "base-url"]
    assert "Zebulon" not in f.read_text() and "zeb@corp.test" not in f.read_text()
    assert (_salt_outside / "wixcontracts" / "scrub-salt").is_file()
    n = len(emulator_server.requests)
    # replay: no server, no salt needed (an unreadable salt location)
    os.environ["WIXCONTRACTS_SALT_FILE"] = "/proc/nonexistent/salt"
    try:
        r = _run(pytester, "tests/test_x.py")
    finally:
        del os.environ["WIXCONTRACTS_SALT_FILE"]
    r.assert_outcomes(passed=1)
    assert len(emulator_server.requests) == n  # answered from the fixture
    # once, with the file there: replay only; a third request is not recorded, it fails
    (tests / "test_x.py").write_text(HEAD + CREATE_SRC + "def test_rec(wix_api):\n    create(3)\n")
    r = _run(pytester, "tests/test_x.py", "--wix-record-mode", "once", "--wix-base-url", emulator_server.url)
    r.assert_outcomes(failed=1)
    r.stdout.fnmatch_lines(["*bookings.createBooking (POST /bookings/v2/bookings) was not recorded (--wix-record-mode once: replay only)*",
                            "*nearest recorded: *test_rec.json interactions?*? (already replayed*",
                            "*to record it: --wix-record-mode new_episodes*"])
    assert len(emulator_server.requests) == n


def test_fixtures_dir_option(pytester, emulator_server):
    _project(pytester, "def test_rec(wix_api):\n    create()\n")
    r = _run(pytester, "--wix-record-mode", "once", "--wix-base-url", emulator_server.url, "--wix-fixtures-dir", "rec")
    r.assert_outcomes(passed=1)
    assert (pytester.path / "rec" / "test_x" / "test_rec.json").is_file()


def test_emulator_answers_are_not_recorded_unless_asked(pytester):
    tests = _project(pytester, "def test_rec(wix_api):\n    create()\n")
    f = tests / "fixtures" / "wix" / "test_x" / "test_rec.json"
    for mode in ("once", "new_episodes", "all"):
        r = _run(pytester, "--wix-record-mode", mode)
        r.assert_outcomes(passed=1)
        assert not f.exists(), mode
        r.stdout.fnmatch_lines([f"*--wix-record-mode {mode} recorded nothing: its 1 answer(s) came from the emulator*"])
    r = _run(pytester, "--wix-record-mode", "once", "--wix-record-source", "emulator")
    r.assert_outcomes(passed=1)
    assert [i["source"] for i in json.loads(f.read_text())["interactions"]] == ["emulator"]


def test_new_episodes_appends_only_new_real_answers(pytester, emulator_server):
    tests = _project(pytester, "def test_rec(wix_api):\n    create(1)\n")
    f = tests / "fixtures" / "wix" / "test_x" / "test_rec.json"
    _run(pytester, "--wix-record-mode", "once", "--wix-base-url", emulator_server.url).assert_outcomes(passed=1)
    (tests / "test_x.py").write_text(HEAD + CREATE_SRC + "def test_rec(wix_api):\n    create(2)\n")
    # the new (second) request answered by the emulator: not recorded (the old bug saved a 404)
    _run(pytester, "--wix-record-mode", "new_episodes").assert_outcomes(passed=1)
    assert len(json.loads(f.read_text())["interactions"]) == 1
    n = len(emulator_server.requests)
    _run(pytester, "--wix-record-mode", "new_episodes", "--wix-base-url", emulator_server.url).assert_outcomes(passed=1)
    assert len(emulator_server.requests) == n + 1  # the first replayed, the second sent
    fx = json.loads(f.read_text())["interactions"]
    assert len(fx) == 2 and fx[1]["request"]["body"]["booking"]["totalParticipants"] == 2
    # all: never replays, appends; rewrite: starts over
    _run(pytester, "--wix-record-mode", "all", "--wix-base-url", emulator_server.url).assert_outcomes(passed=1)
    assert len(json.loads(f.read_text())["interactions"]) == 4 and len(emulator_server.requests) == n + 3
    _run(pytester, "--wix-record-mode", "rewrite", "--wix-base-url", emulator_server.url).assert_outcomes(passed=1)
    assert len(json.loads(f.read_text())["interactions"]) == 2


def test_mode_none_names_the_nearest_recorded_request(pytester, emulator_server):
    tests = _project(pytester, "def test_rec(wix_api):\n    create(1)\n")
    _run(pytester, "--wix-record-mode", "once", "--wix-base-url", emulator_server.url).assert_outcomes(passed=1)
    (tests / "test_x.py").write_text(HEAD + CREATE_SRC + """
def test_rec(wix_api):
    create(1)
    httpx.post(f"https://www.wixapis.com/bookings/v2/bookings/{B1}/cancel", json={"revision": "1"}, headers=H)
""")
    r = _run(pytester)
    r.assert_outcomes(failed=1)
    r.stdout.fnmatch_lines(["*bookings.cancelBooking (POST /bookings/v2/bookings/*/cancel) was not recorded (--wix-record-mode none*",
                            "*nearest recorded: *test_rec.json interactions?0?*",
                            "*recorded: POST /bookings/v2/bookings",
                            "*sent:     POST /bookings/v2/bookings/*/cancel"])


def test_unmarked_tests_replay_their_own_file(pytester, emulator_server):
    """pytest-recording's default cassette: no marker needed for a test's own file."""
    tests = _project(pytester, """
def test_rec(wix_api):
    r = create()
    print("ID", r.json()["booking"]["id"], wix_api.calls.last.source)
""")
    r = _run(pytester, "-s", "--wix-record-mode", "once", "--wix-base-url", emulator_server.url)
    first = [x.split("ID ", 1)[1] for x in r.outlines if "ID " in x]
    r = _run(pytester, "-s")
    again = [x.split("ID ", 1)[1] for x in r.outlines if "ID " in x]
    assert first[0].split()[0] == again[0].split()[0] and again[0].split()[1] == "fixture"
    assert tests


def _make_salt(args):
    path, barrier = args
    os.environ["WIXCONTRACTS_SALT_FILE"] = path
    os.environ.pop("WIX_SCRUB_SALT", None)
    from wixcontracts.fixtures.salt import load_salt

    barrier.wait()
    return load_salt()[0]


def test_salt_is_created_once_under_real_concurrency(tmp_path):
    p = tmp_path / "cfg" / "wixcontracts" / "scrub-salt"
    n = 8
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as m:
        barrier = m.Barrier(n)
        with ctx.Pool(n) as pool:
            salts = pool.map(_make_salt, [(str(p), barrier)] * n)
    assert len(set(salts)) == 1 and len(salts[0]) >= 32
    assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert [x.name for x in p.parent.iterdir()] == ["scrub-salt"]  # no temp file left


def test_salt_sources_and_refusals(tmp_path, monkeypatch):
    from wixcontracts.fixtures.salt import SaltError, load_salt

    monkeypatch.setenv("WIX_SCRUB_SALT", "from-ci-secret-0123456789")
    assert load_salt() == (b"from-ci-secret-0123456789", "$WIX_SCRUB_SALT")
    monkeypatch.delenv("WIX_SCRUB_SALT")
    monkeypatch.setenv("WIXCONTRACTS_SALT_FILE", str(tmp_path / "fx" / "salt"))
    with pytest.raises(SaltError, match="must not live inside the fixtures folder"):
        load_salt(forbid_under=tmp_path / "fx")
    short = tmp_path / "short"
    short.write_text("abc")
    monkeypatch.setenv("WIXCONTRACTS_SALT_FILE", str(short))
    with pytest.raises(SaltError, match="shorter than 16"):
        load_salt()
    assert Path(os.environ["XDG_CONFIG_HOME"]).is_dir()
