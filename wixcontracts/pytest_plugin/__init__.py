"""pytest plugin (``pytest11`` entry point ``wixcontracts``): the ``wix_api`` fixture.

A test that takes ``wix_api`` has every request its code sends to ``https://www.wixapis.com`` — through
httpx (sync and async) or requests — routed to its documented operation and validated; a violation
fails the test (even if the code swallows the error) with one compact block per finding.  Any other
client's connection to a Wix host is blocked (``--wix-allow-network`` to opt out).  Answers come from
injected faults, the test's recorded fixtures, a real server (``--wix-live`` / ``--wix-base-url``), the
stateful emulator, or a response generated from the contract (``core`` says in which order).

Modules: ``core`` (the exchange, the ``wix_api`` object), ``intercept`` (httpx, requests), ``guard``
(other clients), ``faults``, ``recording`` (cassettes; layout and modes in ``fixtures.record``),
``coverage``, ``output`` (violation blocks), ``live`` (the sandbox gate), ``bench`` (overhead)."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest

from .core import BASE_URL, Call, Calls, Settings, WixApi
from .coverage import Coverage, write_table
from .output import WixContractViolation, format_violation

__all__ = ["BASE_URL", "Call", "Calls", "WixApi", "WixContractViolation", "WixRecordingWarning", "format_violation"]

_COV_KEY = "wixcontracts_cov"
_REPORT_KEY = "wixcontracts_report"


class WixRecordingWarning(UserWarning):
    """A recording mode was asked for, but nothing real was answered to record."""


# --------------------------------------------------------------------------- options
def pytest_addoption(parser):
    from ..fixtures.record import RECORD_MODES

    g = parser.getgroup("wixcontracts", "Wix API contract checks (wix_api fixture)")
    g.addoption("--wix-strict", action="store_true", default=False, help="undocumented response fields fail")
    g.addoption("--wix-record-mode", default="none", choices=list(RECORD_MODES),
                help="fixture recording, as pytest-recording: none (replay only, default), once, new_episodes, "
                     "all, rewrite")
    g.addoption("--wix-record-source", default="real", choices=["real", "emulator"],
                help="what may be recorded: real answers only (--wix-live / --wix-base-url; default), or also "
                     "emulator and generated answers")
    g.addoption("--wix-fixtures-dir", default=None, metavar="DIR",
                help="fixture root (default: fixtures/wix next to each test file); a test's file is "
                     "DIR/<module>/<test>.json")
    g.addoption("--wix-live", action="store_true", default=False,
                help="answer from the real API (WIX_API_KEY, WIX_SITE_ID, WIX_SANDBOX=1 and the site on the "
                     "allow-list in wixcontracts.toml); without credentials the tests fail")
    g.addoption("--wix-allow-skip", action="store_true", default=False,
                help="with --wix-live: skip (instead of fail) when there are no credentials")
    g.addoption("--wix-config", default=None, metavar="PATH",
                help="the live allow-list (default: wixcontracts.toml in the rootdir)")
    g.addoption("--wix-base-url", default=None, metavar="URL",
                help="answer from this server (a sandbox, `wixcontracts serve`) instead of the emulator")
    g.addoption("--wix-allow-network", action="store_true", default=False,
                help="do not block connections to Wix hosts from clients the plugin does not intercept")
    g.addoption("--wix-cov-json", default=None, metavar="PATH", help="write the contract coverage as JSON")
    g.addoption("--wix-cov-all", action="store_true", default=False,
                help="score coverage over every operation of the API, not only the ones the tests called")
    g.addoption("--wix-cov-fail-under", type=float, default=None, metavar="N",
                help="fail the run if contract coverage (as shown) is below N percent")
    g.addoption("--wix-report", default=None, metavar="PATH",
                help="write every violation and call as JSON (for CI artifacts)")


def pytest_configure(config):
    config.addinivalue_line("markers", "wix_fixtures(*names): also replay these shared fixture files "
                                       "(<fixtures root>/<name>.json; never written)")
    config.addinivalue_line("markers", "wix_passthrough(*prefixes): let requests to these Wix path prefixes "
                                       "through unchecked (e.g. '/contacts/')")
    config._wix_cov = Coverage()
    config._wix_report = []
    config._wix_live = None


# --------------------------------------------------------------------------- the fixture
def _fixtures_root(node) -> Path:
    opt = node.config.getoption("--wix-fixtures-dir")
    if opt:
        p = Path(opt)
        return (p if p.is_absolute() else Path(node.config.invocation_params.dir) / p).resolve()
    return Path(str(node.path)).parent / "fixtures" / "wix"


def _marker_files(node, root: Path) -> list[Path]:
    out = []
    for m in node.iter_markers("wix_fixtures"):
        for n in m.args:
            if not isinstance(n, (str, os.PathLike)):
                pytest.fail(f"wix_fixtures: names are strings, got {n!r}", pytrace=False)
            fname = str(n) if str(n).endswith(".json") else f"{n}.json"
            cands = [Path(fname)] if Path(fname).is_absolute() else \
                [root / fname, root / Path(str(node.path)).stem / fname]
            found = next((c for c in cands if c.is_file()), None)
            if found is None:
                pytest.fail(f"wix_fixtures: {fname} not found (looked in {', '.join(str(c.parent) for c in cands)})",
                            pytrace=False)
            out.append(found)
    return out


def _settings(config) -> dict:
    from .live import live_settings

    return {"strict": bool(config.getoption("--wix-strict")),
            "record_mode": config.getoption("--wix-record-mode"),
            "record_source": config.getoption("--wix-record-source"),
            "base_url": config.getoption("--wix-base-url"),
            **live_settings(config)}


@pytest.fixture
def wix_api(request):
    """Intercept and contract-check every call to https://www.wixapis.com (``wixcontracts.pytest_plugin``)."""
    from . import guard
    from .intercept import make_router, start_requests, stop_requests
    from .live import gate
    from ..fixtures.record import default_path
    from .recording import Cassette

    config = request.config
    node = request.node
    s = _settings(config)
    if s["live"]:
        gate(config)  # fails (or skips with --wix-allow-skip) before anything is intercepted
    root = _fixtures_root(node)
    own = default_path(root, Path(str(node.path)), node.name)
    cassette = Cassette(own, s["record_mode"], _marker_files(node, root), s["record_source"])
    passthrough = tuple(p for m in node.iter_markers("wix_passthrough") for p in m.args)
    settings = Settings(coverage=config._wix_cov, strict=s["strict"], live=s["live"], live_base=s["live_base"],
                        base_url=s["base_url"], record_mode=s["record_mode"], record_source=s["record_source"],
                        fixtures_root=root, allow_network=bool(config.getoption("--wix-allow-network")))
    api = WixApi(config=config, nodeid=node.nodeid, settings=settings, cassette=cassette)
    if passthrough:
        api.passthrough(*passthrough)
    api.router = make_router(api)
    node._wix_api = api
    api.router.start()
    start_requests(api)
    if not config.getoption("--wix-allow-network"):
        guard.install(lambda host, port, how: _blocked(api, host, port, how))
    try:
        yield api
    finally:
        guard.uninstall()
        stop_requests(api)
        api.router.stop(quiet=True)
        saved = cassette.save()
        if cassette.recorder is not None and saved is None and cassette.not_recorded:
            n = sum(cassette.not_recorded.values())
            srcs = ", ".join(sorted(cassette.not_recorded))
            warnings.warn(WixRecordingWarning(
                f"{node.nodeid}: --wix-record-mode {cassette.mode} recorded nothing: its {n} answer(s) came from "
                f"the {srcs}, and only real answers are recorded (--wix-live or --wix-base-url; "
                "--wix-record-source emulator records emulator answers)"))


def _blocked(api: WixApi, host: str, port, how: str) -> str:
    from .output import caller

    where = caller()
    text = (f"WixContractViolation: a connection to {host}:{port} was blocked\n"
            f"  wix_api intercepts httpx and requests; the client that opened this connection is not "
            f"intercepted,\n  so its request was not contract-checked.  Use httpx or requests, or run with "
            f"--wix-allow-network.")
    if where:
        text += f"\n  called at {where}"
    api.violations.append(text)
    return text.split("\n", 1)[0].replace("WixContractViolation: ", "wixcontracts: ") + \
        " (not an intercepted client; --wix-allow-network to allow)"


# --------------------------------------------------------------------------- failing compactly
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    api = getattr(item, "_wix_api", None)
    if api is None or rep.when != "call":
        return rep
    blocks = list(dict.fromkeys(api.violations))
    if blocks:
        text = "\n\n".join(blocks)
        exc = call.excinfo
        if exc is not None and not exc.errisinstance(WixContractViolation) and not exc.errisinstance(OSError):
            line = exc.exconly().splitlines()[0][:200]
            entry = exc.traceback[-1] if len(exc.traceback) else None
            where = f" at {Path(str(entry.path)).name}:{entry.lineno + 1}" if entry is not None else ""
            text += f"\n\nthe test also failed{where}: {line}"
        rep.outcome = "failed"
        rep.longrepr = text
        if hasattr(rep, "wasxfail"):
            del rep.wasxfail
    scrub = _report_scrubber(item.config)
    item.config._wix_report.append({
        "test": item.nodeid, "outcome": rep.outcome, "violations": [scrub.text(b) for b in blocks],
        "calls": [{"operation": c.operation, "method": c.method, "url": scrub.url(c.url, ()), "status": c.status,
                   "source": c.source, "client": c.client,
                   "fault": c.fault.describe() if c.fault else None, "undocumented": c.undocumented}
                  for c in api.calls]})
    return rep


def _report_scrubber(config):
    """The report (``--wix-report``) is written to disk too: its URLs keep no query value and its
    texts go through the value patterns, with a salt made for this run only (never stored)."""
    s = getattr(config, "_wix_report_scrub", None)
    if s is None:
        import secrets

        from ..fixtures.scrub import ScrubPolicy

        s = config._wix_report_scrub = ScrubPolicy(salt=secrets.token_bytes(16), query_allow=set())
    return s


# --------------------------------------------------------------------------- coverage, report, xdist
def pytest_sessionfinish(session, exitstatus):
    config = session.config
    cov: Coverage = config._wix_cov
    if hasattr(config, "workeroutput"):  # xdist worker: hand the data to the controller
        config.workeroutput[_COV_KEY] = json.dumps(cov.to_dict())
        config.workeroutput[_REPORT_KEY] = json.dumps(config._wix_report)
        return
    path = config.getoption("--wix-report")
    if path:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps({"tests": config._wix_report,
                                 "violations": sum(len(t["violations"]) for t in config._wix_report)},
                                indent=2) + "\n", encoding="utf-8")
    want = config.getoption("--wix-cov-json") or config.getoption("--wix-cov-fail-under") is not None
    if not cov.used and not want:
        return
    from .core import contracts

    summary = cov.summary(contracts(), scope="all" if config.getoption("--wix-cov-all") else "touched")
    config._wix_cov_summary = summary
    cpath = config.getoption("--wix-cov-json")
    if cpath:
        Path(cpath).parent.mkdir(parents=True, exist_ok=True)
        Path(cpath).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    under = config.getoption("--wix-cov-fail-under")
    if under is not None and summary["total"]["percent"] < under and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    out = getattr(node, "workeroutput", {})
    if out.get(_COV_KEY):
        node.config._wix_cov.merge(json.loads(out[_COV_KEY]))
    if out.get(_REPORT_KEY):
        node.config._wix_report.extend(json.loads(out[_REPORT_KEY]))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    summary = getattr(config, "_wix_cov_summary", None)
    if summary:
        write_table(terminalreporter, summary, config.getoption("--wix-cov-fail-under"))
