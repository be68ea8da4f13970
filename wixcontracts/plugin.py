"""pytest plugin (``pytest11`` entry point ``wixcontracts``): the ``wix_api`` fixture.

``wix_api`` is a respx router on ``https://www.wixapis.com`` that intercepts every call made with
``httpx.Client`` / ``httpx.AsyncClient``.  Each request is routed to its documented operation and
validated (method, path params, headers, body); a violation raises ``WixContractViolation`` from
the transport *and* is recorded, so the test fails even if the code under test swallows errors.

Answers, first that applies: ``wix_api.fail(...)`` injections; a recorded fixture selected with
``@pytest.mark.wix_fixtures("name")`` (re-validated on replay: stale ones fail with findings);
``--wix-live`` / ``--wix-base-url`` (a real server); the stateful emulator (``wix_api.emulator``);
``wix_api.backend = "generated"`` (a deterministic document generated from the response schema).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .ir import WIX_API as BASE_URL  # noqa: E402
_COV_KEY = "wixcontracts_cov"


class WixContractViolation(AssertionError):
    """A request (or a replayed response) that breaks the Wix contract."""


# --------------------------------------------------------------------------- options
def pytest_addoption(parser):
    group = parser.getgroup("wixcontracts", "Wix API contract checks (wix_api fixture)")
    group.addoption("--wix-strict", action="store_true", default=False,
                    help="undocumented response fields fail")
    group.addoption("--wix-record-mode", default="none", choices=["none", "once", "new_episodes", "all"],
                    help="fixture recording (pytest-recording conventions); default none")
    group.addoption("--wix-live", action="store_true", default=False,
                    help="pass calls through to the real API (WIX_API_KEY / WIX_SITE_ID); skip without them")
    group.addoption("--wix-base-url", default=None,
                    help="answer from this server (e.g. a sandbox or `wixcontracts serve`) instead of the emulator")
    group.addoption("--wix-fixtures-dir", default=None,
                    help="fixture folder (default: tests/fixtures/wix next to the test file)")
    group.addoption("--wix-cov-fail-under", type=float, default=None, metavar="N",
                    help="fail the run if contract coverage is below N percent")
    group.addoption("--wix-cov-json", default=None, metavar="PATH", help="write the contract coverage as JSON")


def pytest_configure(config):
    config.addinivalue_line("markers", "wix_fixtures(*names): replay tests/fixtures/wix/<name>.json in wix_api")
    config._wix_cov = Coverage()


# --------------------------------------------------------------------------- shared state
_CONTRACTS = None


def _contracts():
    global _CONTRACTS
    if _CONTRACTS is None:
        from .validate import Contracts

        _CONTRACTS = Contracts.load()
    return _CONTRACTS


@dataclass
class Coverage:
    operations: set = field(default_factory=set)
    fields: set = field(default_factory=set)
    enums: set = field(default_factory=set)
    codes: set = field(default_factory=set)
    used: bool = False

    def to_dict(self) -> dict:
        return {k: sorted(getattr(self, k)) for k in ("operations", "fields", "enums", "codes")} | {"used": self.used}

    def merge(self, d: dict) -> None:
        for k in ("operations", "fields", "enums", "codes"):
            getattr(self, k).update(d.get(k) or [])
        self.used = self.used or bool(d.get("used"))

    def note(self, op: str, body: Any, code: str | None) -> None:
        from .fixtures.schemawalk import walk_instance

        self.used = True
        self.operations.add(op)
        for ptr, v in walk_instance(body):
            self.fields.add(f"{op}:{ptr}")
            if isinstance(v, (str, int, bool)) and not isinstance(v, dict):
                self.enums.add(f"{op}:{ptr}={v}")
        if code:
            self.codes.add(f"{op}:{code}")

    def summary(self) -> dict:
        from .fixtures.schemawalk import inventory

        c = _contracts()
        avail = {"operations": set(), "fields": set(), "enums": set(), "codes": set()}
        for name, op in c.catalog.operations.items():
            avail["operations"].add(name)
            try:
                f, e = inventory(c.catalog.schema(name, "request"))
            except KeyError:
                f, e = set(), set()
            avail["fields"] |= {f"{name}:{p}" for p in f}
            avail["enums"] |= {f"{name}:{x}" for x in e}
            avail["codes"] |= {f"{name}:{x['code']}" for x in op.get("errors") or []}
        rows = {}
        for k in ("operations", "fields", "enums", "codes"):
            hit = getattr(self, k) & avail[k]
            rows[k] = {"exercised": len(hit), "available": len(avail[k]),
                       "percent": round(100.0 * len(hit) / len(avail[k]), 1) if avail[k] else 100.0,
                       "missing": sorted(avail[k] - hit)}
        tot_hit = sum(r["exercised"] for r in rows.values())
        tot = sum(r["available"] for r in rows.values())
        return {"total": {"exercised": tot_hit, "available": tot,
                          "percent": round(100.0 * tot_hit / tot, 1) if tot else 100.0}, **rows}


# --------------------------------------------------------------------------- messages
def _docs_link(f, op: dict | None) -> str:
    return f.source or (op or {}).get("page") or ""


def format_violation(title: str, findings, op: dict | None = None) -> str:
    lines = [title]
    for f in findings:
        lines.append(f"  {f.location} {f.pointer or '/'}  rule: {f.rule}")
        lines.append(f"      {f.message}")
        lines.append(f"      expected: {f.expected!r}" if f.expected is not None else "      expected: -")
        lines.append(f"      actual:   {f.actual}" if f.actual is not None else "      actual:   (missing)")
        link = _docs_link(f, op)
        if link:
            lines.append(f"      docs:     {link}")
    return "\n".join(lines)


def nearest_operations(method: str, url: str, n: int = 3) -> str:
    c = _contracts()
    path = urlsplit(url).path
    cands = []
    for name, op in c.catalog.operations.items():
        for tpl in [op.get("path"), *(op.get("aliases") or [])]:
            if not tpl:
                continue
            filled = re.sub(r"\{[^}]+\}", "{}", tpl)
            concrete = re.sub(r"[^/]+", lambda m: m.group(0), path)
            score = difflib.SequenceMatcher(None, _shape(concrete, tpl), filled).ratio()
            score += 0.25 if (op.get("method") or "").upper() == method.upper() else 0
            cands.append((score, name, op, tpl))
    cands.sort(key=lambda x: -x[0])
    seen, lines = set(), []
    for score, name, op, tpl in cands:
        if name in seen:
            continue
        seen.add(name)
        lines.append(f"  {name}: {op.get('method')} {tpl}   (similarity {min(score, 1.0):.2f})")
        if (op.get("method") or "").upper() != method.upper():
            lines.append(f"      method: sent {method.upper()}, documented {op.get('method')}")
        want, got = tpl.strip("/").split("/"), path.strip("/").split("/")
        for d in difflib.ndiff(want, got):
            if d[:1] in "+-" and not (d.startswith("- {") and len(want) == len(got)):
                lines.append(f"      path {'documented' if d[0] == '-' else 'sent':10} segment: {d[2:]}")
        lines.append(f"      docs: {op.get('page')}")
        if len(seen) >= n:
            break
    return "\n".join(lines)


def _shape(path: str, tpl: str) -> str:
    """Replace the path's segments that sit where the template has parameters by ``{}``."""
    p, t = path.strip("/").split("/"), tpl.strip("/").split("/")
    if len(p) == len(t):
        p = ["{}" if ts.startswith("{") else ps for ps, ts in zip(p, t)]
    return "/" + "/".join(p)


# --------------------------------------------------------------------------- calls
@dataclass
class Call:
    operation: str | None
    request: Any  # httpx.Request
    response: Any  # httpx.Response | None

    def __iter__(self):
        return iter((self.operation, self.request, self.response))


class Calls(list):
    @property
    def last(self) -> Call:
        if not self:
            raise IndexError("no calls to the Wix API were made")
        return self[-1]

    def of(self, operation: str) -> list[Call]:
        """Calls of ``operation``: its id (``bookings.cancelBooking``) or its bare name."""
        return [c for c in self if c.operation and (c.operation == operation or c.operation.split(".", 1)[-1] == operation)]

    @property
    def called(self) -> bool:
        return bool(self)

    @property
    def call_count(self) -> int:
        return len(self)


# --------------------------------------------------------------------------- the fixture object
class WixApi:
    def __init__(self, node, config, *, fixture_files: list[Path], fixtures_dir: Path, record_name: str):
        import respx

        from .emulator.core import Emulator

        self.node = node
        self.config = config
        self.contracts = _contracts()
        self.emulator = Emulator(catalog=self.contracts.catalog)
        self.strict = bool(config.getoption("--wix-strict"))
        self.record_mode = config.getoption("--wix-record-mode")
        self.live = bool(config.getoption("--wix-live"))
        self.base_url = config.getoption("--wix-base-url")
        self.backend = "live" if self.live else "emulator"
        self.calls = Calls()
        self.violations: list[str] = []
        self.fixtures_dir = fixtures_dir
        self._injected: dict[str, list[tuple[int, str, str]]] = {}
        self._seed = node.nodeid
        self._policy = None
        self._fixtures = []
        self._used: set[tuple[int, int]] = set()
        self._recorder = None
        self._load_fixtures(fixture_files)
        self._setup_recorder(record_name, fixture_files)
        self.router = respx.mock(base_url=BASE_URL, assert_all_called=False)
        self.route = self.router.route(name="wix").mock(side_effect=self._handle)

    # ------------------------------------------------------------ public API
    def fail(self, operation: str, code: str, *, message: str | None = None, times: int = 1) -> None:
        """The next ``times`` calls of ``operation`` answer with the documented error ``code``."""
        op = self.contracts.operation(operation)
        errors = op.get("errors") or []
        hit = next((e for e in errors if e["code"] == code), None)
        if hit is None:
            documented = ", ".join(f"{e['code']} ({e['http']})" for e in errors) or "none"
            raise ValueError(f"{code!r} is not a documented error code of {op['name']}; documented: {documented}")
        for _ in range(times):
            self._injected.setdefault(op["id"], []).append((int(hit["http"]), code, message or code))

    @property
    def policy(self):
        if self._policy is None:
            from .fixtures.scrub import ScrubPolicy

            self._policy = ScrubPolicy.for_dir(self.fixtures_dir if self._recorder or self._fixtures else None)
        return self._policy

    # ------------------------------------------------------------ fixtures / recording
    def _load_fixtures(self, files: list[Path]) -> None:
        from .fixtures.format import FixtureError, load

        if self.record_mode == "all":
            return
        for p in files:
            if p.exists():
                try:
                    self._fixtures.append(load(p))
                except FixtureError as e:
                    raise pytest.UsageError(str(e)) from None

    def _setup_recorder(self, name: str, files: list[Path]) -> None:
        from .fixtures.record import Recorder

        mode = self.record_mode
        target = files[0] if files else self.fixtures_dir / f"{name}.json"
        if mode == "none":
            return
        if mode == "once" and target.exists():
            return
        base = None
        if mode == "new_episodes" and target.exists():
            from .fixtures.format import load

            base = load(target)
        self._recorder = Recorder(target, base=base)
        self._policy = self._recorder.policy

    def _fixture_op(self, it) -> str | None:
        """The operation id of a recorded interaction (older fixtures store the bare name)."""
        from .catalog import UnknownOperation

        if it.operation:
            try:
                return self.contracts.catalog.resolve(it.operation)
            except UnknownOperation:
                return None
        return (self.contracts.route(it.request["method"], it.request["url"]) or (None,))[0]

    def _match_fixture(self, op: str, method: str, url: str, body: Any):
        path = urlsplit(url).path
        scrubbed = None
        first_unused = None
        for fi, fx in enumerate(self._fixtures):
            for ii, it in enumerate(fx.interactions):
                if (fi, ii) in self._used:
                    continue
                rop = self._fixture_op(it)
                if rop != op:
                    continue
                if first_unused is None:
                    first_unused = (fi, ii, fx, it)
                if it.request["method"].upper() != method.upper() or urlsplit(it.request["url"]).path != path:
                    continue
                stored = it.request.get("body")
                if stored == body:
                    return fi, ii, fx, it
                if scrubbed is None:
                    scrubbed = self.policy.body(body)
                if stored == scrubbed:
                    return fi, ii, fx, it
        return first_unused

    # ------------------------------------------------------------ the transport
    def _violation(self, text: str) -> WixContractViolation:
        self.violations.append(text)
        return WixContractViolation(text)

    def _handle(self, request):
        import httpx

        method, url = request.method, str(request.url)
        raw = request.content
        hit = self.contracts.route(method, url)
        if hit is None:
            self.calls.append(Call(None, request, None))
            raise self._violation(f"Wix contract violation: no documented operation for {method} "
                                  f"{urlsplit(url).path}\nnearest operations:\n{nearest_operations(method, url)}")
        name, params, _host = hit
        op = self.contracts.operation(name)
        try:
            body = json.loads(raw) if raw.strip() else None
        except (ValueError, UnicodeDecodeError) as e:
            self.calls.append(Call(name, request, None))
            raise self._violation(f"Wix contract violation: {name} ({method} {urlsplit(url).path})\n"
                                  f"  request body is not JSON: {e}\n      docs:     {op.get('page')}") from None
        res = self.contracts.validate_request(name, body, path_params=params, headers=dict(request.headers),
                                              query=request.url.query.decode("ascii", "replace"),
                                              method=request.method)
        if not res.ok:
            self.calls.append(Call(name, request, None))
            raise self._violation(format_violation(
                f"Wix contract violation: {name} ({method} {urlsplit(url).path})", res.errors, op))

        status, headers, rbody, source = self._answer(name, op, request, body)
        resp_res = self.contracts.validate_response(name, rbody, status, strict=self.strict)
        if not resp_res.ok and source not in ("injected",):
            title = (f"Wix contract violation: response of {name} from {source} breaks the contract"
                     + (" (stale fixture: re-record it or update the contract)" if source.startswith("fixture") else ""))
            self.violations.append(format_violation(title, resp_res.errors, op))
        code = None
        if isinstance(rbody, dict) and isinstance(rbody.get("details"), dict):
            code = ((rbody["details"].get("applicationError") or {}) or {}).get("code")
        cov = self.config._wix_cov
        cov.note(name, body, code if status >= 400 else None)
        if self._recorder is not None and not source.startswith("fixture") and source != "injected":
            self._recorder.add(name, {"method": method, "url": url, "headers": dict(request.headers), "body": body},
                               {"status": status, "headers": headers, "body": rbody},
                               "live" if source in ("live", "base-url") else source)
        response = httpx.Response(status, headers=headers,
                                  content=b"" if rbody is None else json.dumps(rbody).encode(), request=request)
        self.calls.append(Call(name, request, response))
        return response

    def _answer(self, name: str, op: dict, request, body: Any):
        q = self._injected.get(name)
        if q:
            status, code, message = q.pop(0)
            from .emulator.core import WixError

            e = WixError(status, code, message)
            return status, {"content-type": "application/json"}, e.body(), "injected"
        if self.record_mode != "all" and self._fixtures:
            m = self._match_fixture(name, request.method, str(request.url), body)
            if m is not None:
                fi, ii, fx, it = m
                self._used.add((fi, ii))
                r = it.response
                headers = {k: v for k, v in (r.get("headers") or {}).items() if k.lower() == "content-type"}
                headers.setdefault("content-type", "application/json")
                return int(r["status"]), headers, r.get("body"), f"fixture {fx.path} interactions[{ii}]"
        if self.live or self.base_url:
            return self._forward(request)
        if self.backend == "generated" or name not in getattr(self.emulator, "handlers", {}):
            from .fixtures.schemawalk import generate

            seed = f"{self._seed}:{name}:{len(self.calls)}"
            return 200, {"content-type": "application/json"}, \
                generate(self.contracts.catalog.schema(name, "response"), zlib.crc32(seed.encode())), "generated"
        status, headers, rbody = self.emulator.handle(request.method, request.url.raw_path.decode(),
                                                      dict(request.headers), request.content)
        return status, dict(headers), rbody, "emulator"

    def _forward(self, request):
        """Real server (urllib: not patched by respx, so no recursion)."""
        import urllib.error
        import urllib.request

        from .fixtures.record import body_of

        base = BASE_URL if self.live else self.base_url.rstrip("/")
        url = base + request.url.raw_path.decode()
        headers = dict(request.headers)
        for k in ("host", "content-length", "accept-encoding"):
            headers.pop(k, None)
        if self.live:
            headers["authorization"] = os.environ["WIX_API_KEY"]
            headers["wix-site-id"] = os.environ["WIX_SITE_ID"]
        req = urllib.request.Request(url, data=request.content or None, method=request.method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 - operator-given URL
                status, rh, content = r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            status, rh, content = e.code, dict(e.headers), e.read()
        rh = {k.lower(): v for k, v in rh.items() if k.lower() == "content-type"}
        return status, rh or {"content-type": "application/json"}, body_of(content), \
            "live" if self.live else "base-url"

    # ------------------------------------------------------------ lifecycle
    def start(self):
        self.router.start()
        return self

    def stop(self):
        self.router.stop(quiet=True)
        if self._recorder is not None:
            self._recorder.save()


def _fixture_dirs(node) -> list[Path]:
    opt = node.config.getoption("--wix-fixtures-dir")
    if opt:
        return [Path(opt).resolve()]
    here = Path(str(node.fspath)).parent
    return [here / "tests" / "fixtures" / "wix", here / "fixtures" / "wix"]


def _safe_name(node) -> str:
    mod = Path(str(node.fspath)).stem
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{mod}__{node.name}").strip("_")


@pytest.fixture
def wix_api(request):
    """Intercept and contract-check every call to https://www.wixapis.com (see ``wixcontracts.plugin``)."""
    config = request.config
    if config.getoption("--wix-live") and not (os.environ.get("WIX_API_KEY") and os.environ.get("WIX_SITE_ID")):
        pytest.skip("skipped: no credentials (set WIX_API_KEY and WIX_SITE_ID for --wix-live)")
    node = request.node
    dirs = _fixture_dirs(node)
    names = [n for m in node.iter_markers("wix_fixtures") for n in m.args]
    files: list[Path] = []
    for n in names:
        fname = n if n.endswith(".json") else f"{n}.json"
        found = next((d / fname for d in dirs if (d / fname).exists()), None)
        if found is None and config.getoption("--wix-record-mode") in ("none",):
            raise pytest.UsageError(f"wix_fixtures: {fname} not found in " + " or ".join(map(str, dirs)))
        files.append(found or dirs[0] / fname)
    fixtures_dir = files[0].parent if files else next((d for d in dirs if d.is_dir()), dirs[0])
    api = WixApi(node, config, fixture_files=files, fixtures_dir=fixtures_dir, record_name=_safe_name(node))
    node._wix_api = api
    api.start()
    try:
        yield api
    finally:
        api.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield  # a failing test keeps its own failure
    api = getattr(item, "_wix_api", None)
    if api is not None and api.violations:
        raise WixContractViolation("\n\n".join(dict.fromkeys(api.violations)))
    return result


# --------------------------------------------------------------------------- coverage, xdist
def pytest_sessionfinish(session, exitstatus):
    config = session.config
    cov: Coverage = config._wix_cov
    if hasattr(config, "workeroutput"):  # xdist worker: hand the data to the controller
        config.workeroutput[_COV_KEY] = json.dumps(cov.to_dict())
        return
    want = config.getoption("--wix-cov-json") or config.getoption("--wix-cov-fail-under") is not None
    if not cov.used and not want:
        return
    summary = cov.summary()
    config._wix_cov_summary = summary
    path = config.getoption("--wix-cov-json")
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    under = config.getoption("--wix-cov-fail-under")
    if under is not None and summary["total"]["percent"] < under and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    data = getattr(node, "workeroutput", {}).get(_COV_KEY)
    if data:
        node.config._wix_cov.merge(json.loads(data))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    summary = getattr(config, "_wix_cov_summary", None)
    if not summary:
        return
    tr = terminalreporter
    tr.section("Wix contract coverage")
    tr.write_line(f"{'':14} {'exercised':>10} {'available':>10} {'percent':>8}")
    for k in ("operations", "fields", "enums", "codes"):
        r = summary[k]
        label = {"fields": "request fields", "enums": "enum values", "codes": "error codes"}.get(k, k)
        tr.write_line(f"{label:14} {r['exercised']:>8} {r['available']:>10} {r['percent']:>7.1f}%")
    t = summary["total"]
    tr.write_line(f"{'total':14} {t['exercised']:>8} {t['available']:>10} {t['percent']:>7.1f}%")
    under = config.getoption("--wix-cov-fail-under")
    if under is not None and t["percent"] < under:
        tr.write_line(f"FAIL: Wix contract coverage {t['percent']:.1f}% is under --wix-cov-fail-under {under:g}",
                      red=True)
