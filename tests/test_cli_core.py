"""The CLI core: exit codes everywhere (0 ok, 1 findings, 2 bad input/usage, 3 internal error),
one-line errors, --version, completion, plain rows in a pipe, --format on the listing commands,
never green on nothing, and build never writing into an installed package."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from wixcontracts.build import ROOT
from wixcontracts.cli import app, plain_rows, tsv_rows

ENV = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}


def cli(*args, env=None, cwd=ROOT, timeout=300):
    return subprocess.run([sys.executable, "-m", "wixcontracts", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, env={**ENV, **(env or {})}, timeout=timeout)


def invoke(*args, env=None):
    return CliRunner().invoke(app, list(map(str, args)), env=env)


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


# ---------------------------------------------------------------- exit codes

BUG = ("import sys, wixcontracts.catalog_cli as c\n"
       "def boom(*a, **k):\n    raise ZeroDivisionError('simulated bug\\nsecond line')\n"
       "c.ops_rows = boom\nfrom wixcontracts.cli import main\nmain()\n")


def test_an_unexpected_exception_is_one_line_and_exit_3():
    p = subprocess.run([sys.executable, "-c", BUG, "ops", "--service", "bookings"], capture_output=True, text=True,
                       env=ENV, cwd=ROOT, timeout=120)
    assert p.returncode == 3, p.stderr
    line = one_line(p.stderr)
    assert "Traceback" not in p.stderr
    assert "internal error in `wixcontracts ops`" in line and "ZeroDivisionError: simulated bug second line" in line
    assert "please report it" in line and "WIXCONTRACTS_DEBUG=1" in line


def test_debug_shows_the_traceback_and_still_exits_3():
    p = subprocess.run([sys.executable, "-c", BUG, "ops"], capture_output=True, text=True,
                       env={**ENV, "WIXCONTRACTS_DEBUG": "1"}, cwd=ROOT, timeout=120)
    assert p.returncode == 3
    assert "Traceback (most recent call last)" in p.stderr and "ZeroDivisionError" in p.stderr
    assert p.stderr.strip().splitlines()[-1].startswith("error: internal error in `wixcontracts ops`")


def test_the_in_process_app_maps_exceptions_too(monkeypatch):
    import wixcontracts.catalog_cli as c

    monkeypatch.setattr(c, "ops_rows", lambda *a, **k: {}["missing"])
    r = invoke("ops")
    assert r.exit_code == 3 and "internal error in `wixcontracts ops`: KeyError" in r.stderr


@pytest.mark.parametrize("args,needle", [
    (["bogus"], "No such command 'bogus'"),
    (["validate", "--bogus"], ("No such option", "--bogus", "(`wixcontracts validate --help` for usage)")),
    (["ops", "--format", "xml"], "Invalid value for '--format'"),
    (["live", "run", "--format", "yaml"], "`wixcontracts live run --help`"),
    (["serve", "--port", "70000"], "Invalid value for '--port'"),
    (["check", "--fuzz-examples", "0"], "--fuzz-examples"),
])
def test_usage_errors_are_one_located_line_exit_2(args, needle):
    r = invoke(*args)
    assert r.exit_code == 2, r.output
    line = one_line(r.stderr)
    assert line.startswith("error: ")
    assert all(n in line for n in (needle if isinstance(needle, tuple) else (needle,))), line


def test_no_command_prints_the_help_and_exits_2():
    r = invoke()
    assert r.exit_code == 2 and "Usage" in r.output and "validate" in r.output


def test_version_from_package_metadata():
    from importlib.metadata import version

    p = cli("--version")
    assert p.returncode == 0 and p.stdout.strip() == f"wixcontracts {version('wixcontracts')}"


def test_shell_completion_is_available():
    r = invoke("--help")
    assert "--show-completion" in r.output
    for shell in ("bash", "zsh", "fish"):
        p = cli("--show-completion", shell)
        assert p.returncode == 0 and "_WIXCONTRACTS_COMPLETE" in p.stdout and "wixcontracts" in p.stdout, p.stderr
    assert cli("--show-completion", "tcsh").returncode == 2
    # the script's way back in: the shell asks the CLI itself for the words that complete a command line
    p = cli(env={"_WIXCONTRACTS_COMPLETE": "bash_complete", "COMP_WORDS": "wixcontracts valid", "COMP_CWORD": "1"})
    assert p.returncode == 0 and "plain,validate" in p.stdout.split(), p.stdout
    p = cli(env={"_WIXCONTRACTS_COMPLETE": "bash_complete", "COMP_WORDS": "wixcontracts validate --for",
                 "COMP_CWORD": "2"})
    assert "plain,--format" in p.stdout.split(), p.stdout


def test_broken_pipe_is_not_a_traceback():
    p = subprocess.run(f"'{sys.executable}' -m wixcontracts ops | head -1", shell=True, capture_output=True,
                       text=True, env=ENV, cwd=ROOT, timeout=120)
    assert p.stdout.startswith("id ") and "Traceback" not in p.stderr


# ---------------------------------------------------------------- output

def test_ops_in_a_pipe_is_plain_unwrapped_rows():
    p = cli("ops")
    assert p.returncode == 0
    lines = p.stdout.splitlines()
    assert len(lines) == 193 and lines[0].split() == ["id", "method", "path", "surfaces", "complete", "source", "page"]
    assert not any(ch in p.stdout for ch in "│┃━─╇")
    hit = [ln for ln in lines if "bookings.cancelBooking " in ln]
    assert len(hit) == 1 and "/_api/bookings-service/v2/bookings/{bookingId}/cancel" in hit[0]
    assert hit[0].endswith("https://dev.wix.com/docs/velo/apis/wix-bookings-v2/bookings/cancel-booking")
    grep = subprocess.run(f"'{sys.executable}' -m wixcontracts ops | grep cancelBooking", shell=True,
                          capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=120)
    assert "bookings.cancelBooking " in grep.stdout and "POST" in grep.stdout


def test_ops_formats_agree():
    tsv = list(csv.reader(io.StringIO(cli("ops", "--format", "tsv").stdout), delimiter="\t"))
    as_json = json.loads(cli("ops", "--format", "json").stdout)
    assert json.loads(cli("ops", "--json").stdout) == as_json  # the hidden alias
    assert tsv[0] == ["id", "method", "path", "surfaces", "complete", "source", "page"]
    assert [r[0] for r in tsv[1:]] == [o["id"] for o in as_json] and len(as_json) == 192
    assert "--json" not in invoke("ops", "--help").output


def test_help_lists_arguments_and_choices_by_value():
    """Each argument's help (click lists it itself from 8.5 on, our Command before), and an enum option's values and
    default as typed on the command line."""
    out = " ".join(invoke("webhook", "build", "--help").output.split())
    assert "Positional arguments: EVENT event name or type: booking_created" in out
    assert "--form [json-string|object]" in out and "[default: json-string]" in out
    assert out.count("event name or type") == 1
    r = invoke("webhook", "build", "booking_created", "--form", "json_string")
    assert r.exit_code == 2 and "'json_string' is not one of 'json-string', 'object'" in r.stderr


def test_plain_and_tsv_helpers():
    assert plain_rows(("a", "bb"), [["x\ny", None], [True, ["p", "q"]]]) == "a    bb\nx y\nyes  p,q\n"
    assert tsv_rows(("a", "b"), [["t\tab", "n\nl"]]) == "a\tb\nt ab\tn l\n"


def test_explain_json_is_the_tree_as_data():
    d = json.loads(cli("explain", "declineMultiServiceBooking", "--format", "json").stdout)
    assert d["id"] == "bookings.declineMultiServiceBooking" and d["method"] == "POST"
    assert d["path_parameters"] == [{"name": "multiServiceBookingId", "type": "string", "required": True}]
    info = next(f for f in d["request"] if f.get("name") == "declineBookingsInfo")
    assert info["type"] == "array<BookingInfo>" and {f["name"] for f in info["fields"]} >= {"bookingId", "revision"}
    assert any(e["code"] == "BOOKING_REVISION_MISMATCH" and e["http"] == 428 for e in d["errors"])
    pre = d["preconditions"][0]
    assert pre["from_statuses"] == ["PENDING", "CREATED", "WAITING_LIST"] and pre["all_or_nothing"] is True
    booking = next(f for f in d["response"][0]["fields"] if f["name"] == "bookings")["fields"]
    one_of = [f for f in next(f for f in booking if f["name"] == "booking")["fields"] if "one_of" in f]
    assert one_of and one_of[0]["one_of"] == ["totalParticipants", "participantsChoices"]
    text = cli("explain", "declineMultiServiceBooking").stdout
    assert "declineBookingsInfo array<BookingInfo>" in text and "ONE-OF (at most one)" in text


# ---------------------------------------------------------------- never green on nothing

@pytest.mark.slow
def test_check_without_its_inputs_fails_unless_allow_skip(tmp_path, monkeypatch):
    """In process, the fuzz step stubbed (the README runs the whole command, fuzz included, both ways)."""
    import wixcontracts.check as chk

    monkeypatch.setattr(chk, "step_fuzz", lambda n: chk.Step("fuzz emulator (schemathesis)", "ok", f"stub {n}"))
    p = invoke("check", "--docs", tmp_path / "nope", "--fuzz-examples", "1", "--report-dir", tmp_path / "r",
               "--format", "json")
    assert p.exit_code == 2, p.stdout + p.stderr
    steps = {s["step"]: s["status"] for s in json.loads(p.stdout)}
    assert steps["rebuild + verify"] == "skipped" and steps["emulator lifecycle"] == "ok"
    assert steps["fuzz emulator (schemathesis)"] == "ok"
    assert "rebuild + verify skipped" in p.stderr.splitlines()[-1] and "--allow-skip" in p.stderr
    p = invoke("check", "--docs", tmp_path / "nope", "--fuzz-examples", "1", "--report-dir", tmp_path / "r",
               "--allow-skip", "--format", "tsv")
    assert p.exit_code == 0, p.stderr
    assert p.stdout.splitlines()[0] == "step\tstatus\tdetail\ts" and "skipped (--allow-skip)" in p.stderr
    assert json.loads((tmp_path / "r" / "check.json").read_text())[0]["status"] == "skipped"


def test_check_only_runs_the_steps_named(tmp_path, monkeypatch):
    import wixcontracts.check as chk

    ran = []
    for key, fn in chk.STEP_KEYS.items():
        name = next(n for n, f in chk.STEPS if f == fn)
        monkeypatch.setattr(chk, fn, lambda *a, _k=key, _n=name: ran.append(_k) or chk.Step(_n, "ok", _k))
    r = invoke("check", "--only", "fuzz", "--only", "rebuild", "--report-dir", tmp_path, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert ran == ["rebuild", "fuzz"]  # in the job's order, not the command line's
    assert [s["step"] for s in json.loads(r.stdout)] == ["rebuild + verify", "fuzz emulator (schemathesis)"]
    r = invoke("check", "--only", "lint", "--report-dir", tmp_path)
    assert r.exit_code == 2 and one_line(r.stderr).startswith("error: --only lint: not a step of check")
    assert ran == ["rebuild", "fuzz"]


def test_check_without_the_sdk_typings_fails(docs_dir, tmp_path, monkeypatch):
    import wixcontracts.build as b
    import wixcontracts.check as chk

    def no_sdk(spec=None):
        raise b.SourceError("SDK typings: npm pack failed (simulated)")

    monkeypatch.setattr(b, "load_sdk", no_sdk)
    step = chk.step_rebuild(docs_dir)
    assert step.status == "skipped" and "npm pack failed" in step.detail


def test_a_crashing_check_step_exits_3(monkeypatch, tmp_path):
    import wixcontracts.check as chk

    monkeypatch.setattr(chk, "step_examples", lambda: 1 / 0)
    monkeypatch.setattr(chk, "step_fuzz", lambda n: chk.Step("fuzz emulator (schemathesis)", "ok", "stub"))
    monkeypatch.setattr(chk, "step_rebuild", lambda d: chk.Step("rebuild + verify", "ok", "stub"))
    r = invoke("check", "--report-dir", tmp_path)
    assert r.exit_code == 3
    assert "internal error in `wixcontracts check`" in r.stderr and "ZeroDivisionError" in r.stderr


@pytest.mark.slow
def test_check_really_compares_the_committed_contracts(docs_dir, fresh_build, tmp_path, monkeypatch):
    """A stale or extra committed file fails the rebuild step (a copy of the contracts, one file edited)."""
    import shutil

    import wixcontracts.check as chk

    import wixcontracts.build as b

    root = tmp_path / "root"
    for d in ("contracts", "schemas"):
        shutil.copytree(ROOT / d, root / d)
    # the test process's fresh build, compared twice (the edits below touch outputs only, never the build's
    # inputs: the copy's hints are the committed ones)
    monkeypatch.setattr(b, "build", lambda *a, **kw: fresh_build)
    ok = chk.step_rebuild(docs_dir, root)
    assert ok.status == "ok", ok.detail
    cat = root / "contracts" / "catalog.json"
    cat.write_text(cat.read_text().replace('"createBooking"', '"createBookingX"', 1))
    (root / "schemas" / "bookings" / "rest" / "gone.request.json").write_text("{}")
    bad = chk.step_rebuild(docs_dir, root)
    assert bad.status == "failed" and bad.data["stale"] == ["contracts/catalog.json"]
    assert bad.data["extra"] == ["schemas/bookings/rest/gone.request.json"]


def test_nightly_without_inputs_fails_unless_allow_skip(tmp_path):
    r = invoke("nightly", "--format", "json")
    assert r.exit_code == 2 and "no --docs-cache given" in r.stderr and "no --fixtures given" in r.stderr
    (tmp_path / "cache").mkdir()
    r = invoke("nightly", "--docs-cache", tmp_path / "cache", "--fixtures", tmp_path / "nope")
    assert r.exit_code == 2 and "holds no pages" in r.stderr and "not found" in r.stderr
    r = invoke("nightly", "--allow-skip", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["summary"]["total"] == 0 and "skipped" in r.stderr


def test_drift_and_fixtures_check_on_nothing_fail_unless_allow_skip(tmp_path):
    (tmp_path / "empty").mkdir()
    r = invoke("drift", tmp_path / "empty")
    assert r.exit_code == 2 and "no recorded interaction" in r.stderr
    assert invoke("drift", tmp_path / "empty", "--allow-skip", "--format", "json").exit_code == 0
    r = invoke("fixtures", "check", tmp_path / "empty")
    assert r.exit_code == 2 and "no recorded interactions" in r.stderr
    assert invoke("fixtures", "check", tmp_path / "empty", "--allow-skip").exit_code == 0


def test_drift_compares_fixtures_recorded_with_bare_names():
    fx = ROOT / "examples" / "integrator" / "fixtures"
    r = invoke("drift", fx, "--format", "tsv")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0].split("\t")[:3] == ["section", "severity", "kind"]
    r = invoke("fixtures", "check", fx, "--format", "tsv")
    assert r.exit_code == 0 and r.stdout.splitlines()[1].split("\t")[3] == "ok"


def test_diff_formats(tmp_path):
    r = invoke("diff", ROOT, ROOT, "--format", "tsv")
    assert r.exit_code == 0 and r.stdout.splitlines() == ["\t".join(
        ("section", "severity", "kind", "operation", "side", "pointer", "message", "example", "evidence"))]
    r = invoke("diff", ROOT, tmp_path / "nope", "--format", "text")
    assert r.exit_code == 2 and r.stderr.startswith("error: cannot read contracts")


# ---------------------------------------------------------------- build: never into site-packages

def test_build_outside_a_checkout_writes_under_the_current_directory(docs_dir, tmp_path, monkeypatch):
    import wixcontracts.build_cli as bc

    monkeypatch.setattr(bc, "checkout_root", lambda: None)
    monkeypatch.chdir(tmp_path)
    r = invoke("build", "--docs", docs_dir, "--sources", "docs")
    assert r.exit_code == 0, r.output
    assert "not running from a checkout" in r.stderr and str(tmp_path) in r.stderr
    assert (tmp_path / "contracts" / "catalog.json").is_file()
    assert bc.default_out()[0] == tmp_path


def test_checkout_detection():
    import wixcontracts.build_cli as bc

    assert bc.checkout_root() == ROOT  # this test runs from the checkout
    assert bc.default_out() == (ROOT, None)


def test_build_warnings_are_whole_lines_in_a_pipe(docs_dir, tmp_path):
    p = cli("build", "--docs", docs_dir, "--sources", "docs", "--out", tmp_path)
    assert p.returncode == 0, p.stderr
    warn = [ln for ln in p.stdout.splitlines() if "required.unknown-path" in ln]
    assert warn and all(ln.rstrip().endswith(".md:27") or ln.rstrip().endswith(".md:469") for ln in warn), warn


def test_lint_docs_formats(docs_dir):
    r = invoke("lint-docs", "--docs", docs_dir, "--no-sdk", "--format", "tsv", "--fail-on", "none")
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.stdout), delimiter="\t"))
    assert rows[0] == ["check", "severity", "operation", "path", "message", "docs", "other"] and len(rows) > 1
    r = invoke("lint-docs", "--docs", docs_dir, "--no-sdk", "--format", "text")
    assert r.exit_code == 1 and "examples" in r.stdout and "│" not in r.stdout  # errors on today's pages


def test_startup_stays_lean():
    """`--help` and `validate` do not import the heavy modules (schemathesis, jsonschema, the compiler)."""
    code = ("import sys, io, contextlib\nfrom wixcontracts.cli import main\nsys.argv = ['wixcontracts'] + sys.argv[1:]\n"
            "try:\n    with contextlib.redirect_stdout(io.StringIO()): main()\nexcept SystemExit: pass\n"
            "heavy = [m for m in ('schemathesis', 'jsonschema', 'hypothesis', 'starlette', 'uvicorn', 'httpx', "
            "'wixcontracts.docs.compiler', 'tree_sitter') if m in sys.modules]\nprint(heavy, file=sys.stderr)\n")
    ok = ROOT / "examples" / "payloads" / "decline.json"
    for args in (["--help"], ["validate", "declineMultiServiceBooking", "--request", str(ok)]):
        p = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=ENV, cwd=ROOT,
                           timeout=120)
        assert p.stderr.strip().splitlines()[-1] == "[]", (args, p.stderr)


def test_each_command_loads_from_its_own_module():
    """``main`` imports only the module ``COMMAND_MODULES`` names for ``wixcontracts CMD``: each command appears
    exactly when its module is imported, and every command of the whole CLI is in the table."""
    code = """
import importlib, json
from wixcontracts.cli import COMMAND_MODULES, app
app._loaded = True  # no automatic full load: modules one by one
names = lambda: set(app.commands)
wrong = []
for module in dict.fromkeys(COMMAND_MODULES.values()):
    before = names()
    importlib.import_module(module)
    after = names()
    for cmd in (c for c, m in COMMAND_MODULES.items() if m == module):
        if cmd in before or cmd not in after:
            wrong.append([cmd, module])
import wixcontracts.commands
print(json.dumps({"wrong": wrong, "all": sorted(names()), "table": sorted(COMMAND_MODULES)}))
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["wrong"] == [] and out["all"] == out["table"], out
    # through main: a command runs with its module alone; anything else loads them all
    ok = ROOT / "examples" / "payloads" / "decline.json"
    assert cli("validate", "declineMultiServiceBooking", "--request", ok).returncode == 0
    r = cli("valdate")
    assert r.returncode == 2 and r.stderr.count("Did you mean 'validate'?") == 1, r.stderr
    r = cli("live", "rn")  # a sub-group's command too, once (click 8.5 adds it when the message is formatted)
    assert r.returncode == 2 and r.stderr.count("Did you mean 'run'?") == 1, r.stderr


def test_a_copy_without_the_contracts_says_so(tmp_path):
    """The package alone (no schemas/ or contracts/ beside it, no _data inside): one line naming the file, exit 2."""
    import shutil

    shutil.copytree(ROOT / "wixcontracts", tmp_path / "wixcontracts",
                    ignore=shutil.ignore_patterns("__pycache__", "_data", "node_modules"))
    for args in (["ops"], ["validate", "createBooking", "--request", "-"]):
        p = subprocess.run([sys.executable, "-m", "wixcontracts", *args], cwd=tmp_path, capture_output=True, text=True,
                           env={**ENV, "PYTHONPATH": str(tmp_path)}, input="{}", timeout=120)
        assert p.returncode == 2, p.stderr
        line = one_line(p.stderr)
        assert "contracts/catalog.json: the contract catalog is missing" in line and "Traceback" not in p.stderr
