"""Drive Wix's official JavaScript client (``@wix/sdk`` + ``@wix/auto_sdk_bookings_*``) from
Python and record exactly what it sends.

    root = ensure_client()                      # integrity-pinned npm install, cached
    plan = plan_all_operations(package_dirs(root))
    results = run_plan(plan)                    # one entry per call: requests + result|error

* :func:`ensure_client` installs the packages pinned in ``jsclient/package.json`` +
  ``jsclient/package-lock.json`` (exact versions, an ``integrity`` for every package, no
  ``resolved`` URLs: npm fetches from its configured registry and verifies each tarball)
  with ``npm ci --ignore-scripts`` into ``~/.cache/wixcontracts/js/<key>``
  (``$WIXCONTRACTS_CACHE/js`` overrides the root); ``<key>`` hashes the (sub)set's
  manifest + lockfile, so a cached install is reused until the pins change.  Concurrent
  callers are safe: one installs under a lock into a temporary folder that is renamed
  into place; the others wait and reuse it.
* :func:`run_plan` feeds a JSON plan to ``jsclient/harness.mjs`` (see its header for the
  plan format: ``capture`` answers every request in-process, ``forward`` sends them to a
  loopback base URL).  Nothing ever goes to the Wix API.
* :func:`signatures`, :func:`rest_operations` and :func:`plan_all_operations` read a
  package's typings and ``meta.js`` and build a plan that calls every REST operation once.

Every failure is a :class:`JsClientError` with a one-line message.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit


from wixcontracts.ir import OneOf, TypeRef

from . import operations as _ops
from . import ts
from .typings import Typings, TypingsError, parse_typings

JS_DIR = Path(__file__).resolve().with_name("jsclient")
HARNESS = JS_DIR / "harness.mjs"
SDK_PACKAGE = "@wix/sdk"
BOOKINGS_PREFIX = "@wix/auto_sdk_bookings_"
WIX_ORIGIN = "https://www.wixapis.com"
NPM_TIMEOUT = 600
READY_MARKER = ".wixcontracts-ready"
IMPORTER_NAME = "wixcontracts-import.mjs"
# an import() that resolves bare specifiers from the install folder (the harness lives in the repo)
IMPORTER_TEXT = "export const load = (specifier) => import(specifier);\n"
_EXACT_VERSION = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")
_URL_RE = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.I)
_NETWORK_CODES = ("ENOTFOUND", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ERR_SOCKET_TIMEOUT")



class JsClientError(RuntimeError):
    """The JS client could not be installed or run (one-line message)."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


# =========================================================================== install


def cache_root() -> Path:
    """``$WIXCONTRACTS_CACHE/js``, else ``~/.cache/wixcontracts/js``."""
    env = os.environ.get("WIXCONTRACTS_CACHE")
    base = Path(env).expanduser() if env else Path.home() / ".cache" / "wixcontracts"
    return base / "js"


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise JsClientError(f"{path}: not found") from None
    except (OSError, ValueError) as exc:
        raise JsClientError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(data, dict):
        raise JsClientError(f"{path}: expected a JSON object")
    return data


def load_manifest(js_dir: Path = JS_DIR) -> tuple[dict, dict]:
    """``(package.json, package-lock.json)`` of ``js_dir``, checked: exact version pins that the
    lockfile agrees with, an ``integrity`` for every locked package; ``resolved`` URLs are
    stripped (npm then uses its configured registry)."""
    js_dir = Path(js_dir)
    manifest = _read_json(js_dir / "package.json")
    lock = _read_json(js_dir / "package-lock.json")
    deps = manifest.get("dependencies")
    if not isinstance(deps, dict) or not deps:
        raise JsClientError(f"{js_dir / 'package.json'}: no dependencies")
    packages = lock.get("packages")
    if lock.get("lockfileVersion", 0) < 2 or not isinstance(packages, dict):
        raise JsClientError(f"{js_dir / 'package-lock.json'}: expected lockfileVersion 2 or 3 with a 'packages' map")
    for name, version in deps.items():
        if not isinstance(version, str) or not _EXACT_VERSION.match(version):
            raise JsClientError(f"{js_dir / 'package.json'}: {name} is not pinned to an exact version ({version!r})")
        locked = packages.get(f"node_modules/{name}", {}).get("version")
        if locked != version:
            raise JsClientError(f"{js_dir / 'package-lock.json'}: {name} is locked at {locked!r}, package.json pins {version} (regenerate the lockfile)")
    for where, entry in packages.items():
        if not where:
            continue
        if entry.get("link"):
            raise JsClientError(f"{js_dir / 'package-lock.json'}: {where} is a link, not a registry package")
        if not str(entry.get("integrity", "")).startswith("sha512-"):
            raise JsClientError(f"{js_dir / 'package-lock.json'}: {where} has no sha512 integrity")
        entry.pop("resolved", None)
    return manifest, lock


def pinned_packages(js_dir: Path = JS_DIR) -> dict[str, str]:
    """Package name -> pinned version, as the committed manifest lists them."""
    return dict(load_manifest(js_dir)[0]["dependencies"])


def _dep_names(entry: dict) -> list[str]:
    names: list[str] = []
    for key in ("dependencies", "optionalDependencies", "peerDependencies"):
        names += [n for n in (entry.get(key) or {}) if n not in names]
    return names


def _locate(packages: dict, where: str, name: str) -> str | None:
    """Node's lookup: ``<where>/node_modules/<name>``, then each ancestor's, then the root's."""
    base = where
    while True:
        cand = f"{base}/node_modules/{name}" if base else f"node_modules/{name}"
        if cand in packages:
            return cand
        if not base:
            return None
        idx = base.rfind("/node_modules/")
        base = base[:idx] if idx >= 0 else ""


def subset_manifest(manifest: dict, lock: dict, packages: list[str] | None) -> tuple[dict, dict]:
    """The manifest + lockfile restricted to ``@wix/sdk`` plus ``packages`` (and what they need)."""
    deps = manifest["dependencies"]
    if packages is None:
        wanted = list(deps)
    else:
        wanted = [SDK_PACKAGE]
        for p in packages:
            if not isinstance(p, str) or p not in deps:
                raise JsClientError(f"ensure_client: {p!r} is not a package pinned in {JS_DIR.name}/package.json")
            if p not in wanted:
                wanted.append(p)
    wanted.sort()
    all_pkgs = lock["packages"]
    keep: set[str] = set()
    todo = [f"node_modules/{n}" for n in wanted]
    while todo:
        where = todo.pop()
        if where in keep:
            continue
        keep.add(where)
        for dep in _dep_names(all_pkgs[where]):
            found = _locate(all_pkgs, where, dep)
            if found is None:
                optional = dep in (all_pkgs[where].get("optionalDependencies") or {}) or dep in (all_pkgs[where].get("peerDependenciesMeta") or {})
                if not optional:
                    raise JsClientError(f"package-lock.json: {where} needs {dep}, which is not locked")
                continue
            todo.append(found)
    new_manifest = dict(manifest)
    new_manifest["dependencies"] = {n: deps[n] for n in wanted}
    root = dict(all_pkgs.get("", {}))
    root["dependencies"] = dict(new_manifest["dependencies"])
    new_lock = dict(lock)
    new_lock["packages"] = {"": root, **{k: all_pkgs[k] for k in sorted(keep)}}
    return new_manifest, new_lock


def _dumps(data: dict) -> str:
    return json.dumps(data, indent=2, sort_keys=False) + "\n"


@lru_cache(maxsize=None)
def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise JsClientError(f"{name} is not installed (not on PATH); the JS-client harness needs Node.js 18+ and npm")
    return path


@lru_cache(maxsize=None)
def node_version() -> tuple[int, int, int]:
    try:
        out = subprocess.run([_tool("node"), "--version"], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise JsClientError(f"node --version failed: {exc}") from None
    m = re.match(r"v(\d+)\.(\d+)\.(\d+)", out.strip())
    if not m:
        raise JsClientError(f"node --version: unexpected answer {out.strip()[:40]!r}")
    version = tuple(int(x) for x in m.groups())
    if version[0] < 18:
        raise JsClientError(f"node {out.strip()} is too old: the harness needs Node.js 18+ (global fetch)")
    return version  # type: ignore[return-value]


def _npm_failure(args: list[str], stderr: str, code: int) -> JsClientError:
    """npm's stderr as one line, without the URLs it names."""
    lines = [_URL_RE.sub("<url>", ln.strip()) for ln in stderr.splitlines() if ln.strip()]
    text = " ".join(lines)
    what = f"npm {args[0]}"
    net = next((c for c in _NETWORK_CODES if c in text), None)
    if net or ("network" in text.lower() and "request to" in text.lower()):
        return JsClientError(f"{what}: the package registry is unreachable ({net or 'network error'})")
    if "EINTEGRITY" in text:
        detail = next((ln for ln in lines if "integrity" in ln.lower() and "checksum" in ln.lower()), "")
        return JsClientError(f"{what}: integrity check failed, a downloaded tarball does not match package-lock.json {detail[:160]}".strip())
    errors = [ln for ln in lines if ln.lower().startswith(("npm error", "npm err!")) and "a complete log" not in ln.lower()]
    summary = "; ".join(e.split(None, 2)[-1] for e in errors[:2]) if errors else (lines[-1] if lines else "no output")
    return JsClientError(f"{what} failed (exit {code}): {summary[:300]}")


def _run_npm(args: list[str], cwd: Path, timeout: float) -> None:
    env = dict(os.environ)
    env.update({"npm_config_update_notifier": "false", "npm_config_fund": "false", "npm_config_audit": "false"})
    try:
        proc = subprocess.run(
            [_tool("npm"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise JsClientError(f"npm {args[0]} timed out after {timeout:g}s (registry unreachable or slow?)") from None
    except OSError as exc:
        raise JsClientError(f"could not run npm: {exc}") from None
    if proc.returncode != 0:
        raise _npm_failure(args, proc.stderr, proc.returncode)


@contextlib.contextmanager
def _file_lock(path: Path, timeout: float):
    """An exclusive ``flock`` on ``path`` (POSIX); elsewhere the atomic rename alone guards."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise JsClientError(f"{path}: another install held the lock for over {timeout:g}s") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _ready(dest: Path, key: str) -> bool:
    try:
        return (dest / READY_MARKER).read_text(encoding="utf-8").strip() == key
    except OSError:
        return False


def ensure_client(packages: list[str] | None = None, *, timeout: float = NPM_TIMEOUT, js_dir: Path = JS_DIR) -> Path:
    """Install ``@wix/sdk`` + ``packages`` (default: every pinned package) and return the
    install folder (it holds ``node_modules/``).  Reuses the cached install whose key (a hash
    of the manifest + lockfile subset) matches; installs with ``npm ci --ignore-scripts`` so
    npm checks every tarball against the lockfile's integrity."""
    manifest, lock = subset_manifest(*load_manifest(js_dir), packages)
    manifest_text, lock_text = _dumps(manifest), _dumps(lock)
    key = hashlib.sha256((manifest_text + "\0" + lock_text + "\0" + IMPORTER_TEXT).encode()).hexdigest()[:20]
    root = cache_root()
    dest = root / key
    if _ready(dest, key):
        return dest
    node_version()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JsClientError(f"{root}: cannot create the cache folder ({exc.strerror or exc})") from None
    with _file_lock(root / f"{key}.lock", timeout=timeout + 60):
        if _ready(dest, key):
            return dest
        if dest.exists():  # a leftover without the marker: never half-use it
            shutil.rmtree(dest, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=root))
        try:
            (tmp / "package.json").write_text(manifest_text, encoding="utf-8")
            (tmp / "package-lock.json").write_text(lock_text, encoding="utf-8")
            _run_npm(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], tmp, timeout)
            for name in manifest["dependencies"]:
                if not (tmp / "node_modules" / name / "package.json").is_file():
                    raise JsClientError(f"npm ci finished but {name} is not in node_modules")
            (tmp / IMPORTER_NAME).write_text(IMPORTER_TEXT, encoding="utf-8")
            (tmp / READY_MARKER).write_text(key + "\n", encoding="utf-8")
            os.chmod(tmp, 0o755)  # mkdtemp made it private; the cache is shared like any other
            try:
                os.rename(tmp, dest)
            except OSError:
                if not _ready(dest, key):
                    raise JsClientError(f"{dest}: cannot move the install into place") from None
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return dest


def write_lockfile(js_dir: Path = JS_DIR, *, timeout: float = NPM_TIMEOUT) -> Path:
    """Regenerate ``package-lock.json`` from ``package.json`` (``npm install --package-lock-only``)
    and strip any ``resolved`` URL.  Needs the registry; for maintainers."""
    js_dir = Path(js_dir)
    with tempfile.TemporaryDirectory(prefix="wixcontracts-lock-") as tmp:
        shutil.copy(js_dir / "package.json", Path(tmp) / "package.json")
        _run_npm(["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], Path(tmp), timeout)
        lock = _read_json(Path(tmp) / "package-lock.json")
    for entry in lock.get("packages", {}).values():
        entry.pop("resolved", None)
    out = js_dir / "package-lock.json"
    out.write_text(_dumps(lock), encoding="utf-8")
    load_manifest(js_dir)
    return out


def package_dirs(root: Path, packages: list[str] | None = None) -> list[Path]:
    """The installed ``@wix/auto_sdk_bookings_*`` package folders under ``root`` that carry REST
    operations (``build/cjs/meta.js``), sorted; ``packages`` narrows the list."""
    base = Path(root) / "node_modules" / "@wix"
    dirs = sorted(p for p in base.glob("auto_sdk_bookings_*") if (p / "build" / "cjs" / "meta.js").is_file())
    if packages is not None:
        wanted = {p.split("/", 1)[-1] for p in packages}
        dirs = [d for d in dirs if d.name in wanted]
    return dirs


# =========================================================================== run


def _check_plan(plan: dict) -> None:
    if not isinstance(plan, dict):
        raise JsClientError("plan: expected a dict")
    if plan.get("mode") not in ("capture", "forward"):
        raise JsClientError(f"plan.mode: expected 'capture' or 'forward', got {plan.get('mode')!r}")
    if plan["mode"] == "forward":
        host = urlsplit(str(plan.get("base_url", ""))).hostname or ""
        if not (host == "localhost" or host == "::1" or re.fullmatch(r"127\.\d+\.\d+\.\d+", host)):
            raise JsClientError(f"plan.base_url: forward mode sends to loopback only, got {plan.get('base_url')!r}")
    calls = plan.get("calls")
    if not isinstance(calls, list):
        raise JsClientError("plan.calls: expected a list")
    for i, c in enumerate(calls):
        if not isinstance(c, dict):
            raise JsClientError(f"plan.calls[{i}]: expected a dict")
        for k in ("id", "module", "method"):
            if not isinstance(c.get(k), str) or not c.get(k):
                raise JsClientError(f"plan.calls[{i}].{k}: expected a non-empty string")
        if not isinstance(c.get("args", []), list):
            raise JsClientError(f"plan.calls[{i}].args: expected a list")


def run_plan(plan: dict, *, timeout: float = 120, root: Path | None = None) -> list[dict]:
    """Run ``plan`` in the node harness; one result per call, in order:
    ``{id, module, method, requests: [{method, url, headers, body}], result | error}``.
    ``root`` is an install from :func:`ensure_client` (default: the full pinned install)."""
    _check_plan(plan)
    if root is None:
        root = ensure_client()
    root = Path(root)
    for i, c in enumerate(plan["calls"]):
        if not (root / "node_modules" / c["module"] / "package.json").is_file():
            raise JsClientError(f"plan.calls[{i}].module: {c['module']} is not installed in {root}")
    try:
        payload = json.dumps(plan)
    except (TypeError, ValueError) as exc:
        raise JsClientError(f"plan: not JSON-serialisable ({exc})") from None
    node_version()
    try:
        proc = subprocess.run(
            [_tool("node"), str(HARNESS), str(root)], input=payload, capture_output=True, text=True, timeout=timeout, cwd=root
        )
    except subprocess.TimeoutExpired:
        raise JsClientError(f"the JS-client harness timed out after {timeout:g}s ({len(plan['calls'])} calls)") from None
    except OSError as exc:
        raise JsClientError(f"could not run node: {exc}") from None
    out = None
    with contextlib.suppress(ValueError):
        out = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else None
    if isinstance(out, dict) and "fatal" in out:
        raise JsClientError(f"harness: {out['fatal']}")
    if proc.returncode != 0 or not isinstance(out, dict) or not isinstance(out.get("results"), list):
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise JsClientError(f"the JS-client harness failed (exit {proc.returncode}): {last[:300]}")
    if out.get("stray_requests"):
        raise JsClientError(f"the JS client sent {len(out['stray_requests'])} request(s) outside any call")
    return out["results"]


# ====================================================================== signatures


@dataclass
class Param:
    """One positional parameter of a public SDK method."""

    name: str
    type_text: str
    optional: bool


@dataclass
class MethodDecl:
    name: str
    params: list[Param]
    returns: str
    file: Path
    param_nodes: list = field(default_factory=list, repr=False)


_txt = ts.text


@lru_cache(maxsize=64)
def _dts(path: Path):
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise JsClientError(f"{path}: cannot read ({exc.strerror or exc})") from None
    tree = ts.parse(data)
    funcs: dict[str, object] = {}
    exports: dict[str, tuple[str, str | None]] = {}
    interfaces: dict[str, object] = {}
    for child in tree.root_node.named_children:
        node = child
        if node.type == "export_statement":
            src = node.child_by_field_name("source")
            source = _txt(src).strip("'\"") if src is not None else None
            for clause in node.named_children:
                if clause.type != "export_clause":
                    continue
                for spec in clause.named_children:
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias")
                    if name is not None:
                        exports.setdefault(_txt(alias or name), (_txt(name), source))
            decl = node.child_by_field_name("declaration")
            if decl is None:
                continue
            node = decl
        while node.type == "ambient_declaration" and node.named_children:
            node = node.named_children[0]
        if node.type == "function_signature":
            name = node.child_by_field_name("name")
            if name is not None:
                funcs.setdefault(_txt(name), node)  # overloads: the first declaration
        elif node.type == "interface_declaration":
            name = node.child_by_field_name("name")
            if name is not None:
                interfaces[_txt(name)] = node
    return tree, funcs, exports, interfaces


def _entry_file(package_dir: Path) -> Path:
    cjs = Path(package_dir) / "build" / "cjs"
    for name in ("index.typings.d.ts", "index.d.ts"):
        if (cjs / name).is_file():
            return cjs / name
    raise JsClientError(f"{cjs}: no index.typings.d.ts or index.d.ts")


def _find_function(path: Path, name: str, depth: int = 0):
    _tree, funcs, exports, _ifaces = _dts(path)
    local, source = exports.get(name, (name, None))
    if source is not None and depth < 4:
        target = (path.parent / source).with_suffix("")
        target = target.with_name(target.name + ".d.ts")
        if target.is_file():
            return _find_function(target, local, depth + 1)
        return None
    node = funcs.get(local)
    return (path, node) if node is not None else None


def method_decl(package_dir: Path, method: str) -> MethodDecl | None:
    """The ``declare function <method>(...)`` behind a package's public export (following
    ``export {x as method} from './chunk.js'`` into the chunk's ``.d.ts``)."""
    found = _find_function(_entry_file(package_dir), method)
    if found is None:
        return None
    path, node = found
    params: list[Param] = []
    nodes = []
    plist = node.child_by_field_name("parameters")
    for p in plist.named_children if plist is not None else []:
        if p.type not in ("required_parameter", "optional_parameter"):
            continue
        pattern = p.child_by_field_name("pattern")
        ann = p.child_by_field_name("type")
        tnode = ann.named_children[0] if ann is not None and ann.named_children else None
        rest = pattern is not None and pattern.type == "rest_pattern"
        pname = _txt(pattern.named_children[0] if rest and pattern.named_children else pattern) if pattern is not None else "?"
        params.append(Param(pname, _txt(tnode) if tnode is not None else "any", p.type == "optional_parameter" or rest))
        nodes.append(tnode)
    ret = node.child_by_field_name("return_type")
    rnode = ret.named_children[0] if ret is not None and ret.named_children else None
    return MethodDecl(method, params, _txt(rnode) if rnode is not None else "", path, nodes)


def signatures(package_dir: Path) -> dict[str, list[Param]]:
    """Public method -> its positional parameters, for every REST operation of the package.

    From ``declare function`` in the typings; for the few methods the typings leave out
    (exported by ``index.js`` all the same), from the JavaScript wrapper's parameter list,
    with ``type_text`` describing the request fields each parameter feeds."""
    out: dict[str, list[Param]] = {}
    for op in rest_operations(package_dir):
        decl = method_decl(package_dir, op.method)
        if decl is not None:
            out[op.method] = decl.params
            continue
        js = js_wrapper(package_dir, op.method)
        if js is not None:
            out[op.method] = [Param(p, _describe_js_param(package_dir, op, js, p), p == "options") for p in js.params]
    return out


# ---------------------------------------------------- methods the typings do not declare


@dataclass
class JsWrapper:
    """A public method as ``index.js`` wires it: positional parameter names and, for each
    request field the payload sets, where the value comes from."""

    params: list[str]
    bare: dict[str, list[str]] = field(default_factory=dict)  # param -> request path it is
    members: dict[str, list[tuple[str, list[str]]]] = field(default_factory=dict)  # param -> [(its key, request path)]
    spreads: dict[str, list[str]] = field(default_factory=dict)  # param -> request path it is spread into


@lru_cache(maxsize=64)
def _js_tree(path: Path):
    tree = ts.parse(path.read_bytes())
    funcs = _ops._functions(tree.root_node)
    exports = _ops._exports(tree.root_node)
    variables = {}
    for stmt in tree.root_node.named_children:
        if stmt.type not in ("variable_declaration", "lexical_declaration"):
            continue
        for decl in stmt.named_children:
            name = decl.child_by_field_name("name") if decl.type == "variable_declarator" else None
            if name is not None:
                variables[_txt(name)] = decl.child_by_field_name("value")
    return tree, funcs, exports, variables


def _first_param_names(params_node) -> list[str]:
    names = []
    for p in params_node.named_children if params_node is not None else []:
        ident = p if p.type == "identifier" else next((c for c in p.named_children if c.type == "identifier"), None)
        if ident is not None:
            names.append(_txt(ident))
    return names


def js_wrapper(package_dir: Path, method: str) -> JsWrapper | None:
    """``method``'s wiring in ``build/cjs/index.js``: ``var m4 = createRESTModule(m3)``,
    ``function m3(httpClient) { return (a, b) => m2(a, b, ...) }`` and the payload literal
    that ``m2`` hands to ``renameKeysFromSDKRequestToRESTRequest``."""
    index = Path(package_dir) / "build" / "cjs" / "index.js"
    if not index.is_file():
        return None
    _tree, funcs, exports, variables = _js_tree(index)
    value = variables.get(exports.get(method, ""))
    if value is None or value.type != "call_expression" or "createRESTModule" not in _txt(value.child_by_field_name("function")):
        return None
    args = value.child_by_field_name("arguments")
    inner = next((a for a in args.named_children if a.type == "identifier"), None) if args is not None else None
    fn = funcs.get(_txt(inner)) if inner is not None else None
    arrow = next(iter(ts.descendants(fn, ("arrow_function",))), None) if fn is not None else None
    if arrow is None:
        return None
    params = _first_param_names(arrow.child_by_field_name("parameters"))
    call = arrow.child_by_field_name("body")
    universal = funcs.get(_txt(call.child_by_field_name("function"))) if call is not None and call.type == "call_expression" else None
    out = JsWrapper(params)
    if universal is None:
        return out
    payload = None
    for c in ts.descendants(universal, ("call_expression",)):
        if _txt(c.child_by_field_name("function")).endswith("renameKeysFromSDKRequestToRESTRequest)"):
            a = c.child_by_field_name("arguments")
            payload = next((x for x in a.named_children if x.type == "object"), None) if a is not None else None
            break

    def walk(obj, prefix: list[str]):
        for item in obj.named_children:
            if item.type == "shorthand_property_identifier" and _txt(item) in params:
                out.bare.setdefault(_txt(item), prefix + [_txt(item)])
            elif item.type == "spread_element" and item.named_children and _txt(item.named_children[0]) in params:
                out.spreads.setdefault(_txt(item.named_children[0]), prefix)
            elif item.type == "pair":
                key = _ops._key(item)
                val = item.child_by_field_name("value")
                if key is None or val is None:
                    continue
                path = prefix + [key]
                if val.type == "identifier" and _txt(val) in params:
                    out.bare.setdefault(_txt(val), path)
                elif val.type == "member_expression":
                    obj_node, prop = val.child_by_field_name("object"), val.child_by_field_name("property")
                    if obj_node is not None and prop is not None and obj_node.type == "identifier" and _txt(obj_node) in params:
                        out.members.setdefault(_txt(obj_node), []).append((_txt(prop), path))
                elif val.type == "object":
                    walk(val, path)

    if payload is not None:
        walk(payload, [])
    return out


def _request_typings(package_dir: Path, method: str) -> tuple[Typings, str | None]:
    meta = Path(package_dir) / "build" / "cjs" / "meta.d.ts"
    t = _typings_for(meta) if meta.is_file() else Typings(path=str(meta))
    m = t.methods.get(method)
    return t, (m.request_type if m else None)


def _request_field(t: Typings, type_name: str | None, path: list[str]):
    """The ``Field`` at ``path`` of the REST request type (``None`` when not declared)."""
    members = t.types[type_name].members if type_name in t.types else []
    f = None
    for i, part in enumerate(path):
        flat = [x for m in members for x in (m.members if isinstance(m, OneOf) else [m])]
        f = next((x for x in flat if x.name == part or (part == "_id" and x.name == "id")), None)
        if f is None:
            return None
        if i < len(path) - 1:
            ref = f.type.items if f.type.kind == "array" and f.type.items else f.type
            td = t.types.get(ref.name or "") if ref.kind == "named" else None
            members = f.members or (td.members if td is not None else [])
    return f


def _describe_js_param(package_dir: Path, op: RestOp, js: JsWrapper, param: str) -> str:
    t, req = _request_typings(package_dir, op.method)
    if param in js.bare:
        f = _request_field(t, req, js.bare[param])
        return f.type.describe() if f is not None else "any"
    if param in js.spreads:
        f = _request_field(t, req, js.spreads[param]) if js.spreads[param] else None
        return f.type.describe() if f is not None else (req or "object")
    keys = []
    for key, path in js.members.get(param, []):
        f = _request_field(t, req, path)
        keys.append(f"{key}?: {f.type.describe() if f is not None else 'any'}")
    return "{" + "; ".join(keys) + "}"


def _plan_js_args(package_dir: Path, op: RestOp, js: JsWrapper, gen: "_Generator") -> list:
    """Arguments for an undeclared method, from the REST request type its payload fills."""
    t, req = _request_typings(package_dir, op.method)
    gen.t = t
    leaf_params = {p.split(".")[-1] for p in proto_params(op.proto_path)}
    args: list = []
    for p in js.params:
        if p in js.bare:
            f = _request_field(t, req, js.bare[p])
            args.append(gen.ref(f.type, f.name, f.enum, f.members, p, {}, 0, frozenset(), True) if f is not None else gen.string(p, None, p))
        elif p in js.spreads:
            path = js.spreads[p]
            f = _request_field(t, req, path) if path else None
            if f is not None:
                args.append(gen.ref(f.type, f.name, f.enum, f.members, p, {}, 0, frozenset(), True))
            else:
                args.append(gen.named(req, p, p, {}, 0, frozenset(), True) if req else {})
        else:
            value: dict = {}
            first_scalar = None
            for key, path in js.members.get(p, []):
                f = _request_field(t, req, path)
                if f is None:
                    continue
                v = gen.ref(f.type, key, f.enum, f.members, f"{p}.{key}", {}, 1, frozenset(), False)
                if f.required or path[-1] in leaf_params:
                    value[key] = v
                elif first_scalar is None and gen._is_scalar(f):
                    first_scalar = (key, v)
            if first_scalar is not None and not any(k for k in value):
                value[first_scalar[0]] = first_scalar[1]
            args.append(value)
    return args


# ====================================================================== operations


@dataclass
class RestOp:
    """One REST operation as the package's ``meta.js`` wires it."""

    package: str  # @wix/auto_sdk_bookings_bookings
    method: str  # public method name (== the meta export name)
    http_method: str
    proto_path: str
    method_fqn: str
    mappings: dict[str, list[tuple[str, str]]]  # the resolver's domainToMappings


def _package_name(package_dir: Path) -> str:
    name = _read_json(Path(package_dir) / "package.json").get("name")
    if not isinstance(name, str):
        raise JsClientError(f"{package_dir}/package.json: no name")
    return name


def rest_operations(package_dir: Path) -> list[RestOp]:
    """Every REST operation of an installed package (empty for service-plugin packages)."""
    meta = Path(package_dir) / "build" / "cjs" / "meta.js"
    if not meta.is_file():
        return []
    data = meta.read_bytes()
    methods, _diags = _ops.extract_rest_methods(data, str(meta))
    tree = ts.parse(data)
    functions = _ops._functions(tree.root_node)
    exports = _ops._exports(tree.root_node)
    package = _package_name(package_dir)
    out: list[RestOp] = []
    for m in methods:
        fn = functions.get(exports.get(m.sdk_name, ""))
        info = _ops._meta_info(fn) if fn is not None else None
        builder = next(
            (b for c in (info or {}).get("callees", []) if c in functions and (b := _ops._builder_info(functions[c]))),
            None,
        )
        resolver = functions.get((builder or {}).get("resolver") or "")
        mappings = _ops._mappings(resolver) if resolver is not None else {}
        out.append(RestOp(package, m.sdk_name, m.http_method, m.proto_path, m.method_fqn, mappings))
    return out


# ====================================================================== plan builder

_UUID_NS = uuid.UUID("6f1c3f8e-5b7a-4c1e-9d2a-0b3c4d5e6f70")
SAMPLE_DATE = "2030-01-01T10:00:00.000Z"
_MAX_DEPTH = 6


def sample_uuid(key: str) -> str:
    """A deterministic UUID for ``key``."""
    return str(uuid.uuid5(_UUID_NS, key))


def proto_params(proto_path: str) -> list[str]:
    """``{a.b}`` placeholders of a proto path, dotted names included: ``["a.b"]``."""
    return re.findall(r"\{([^}]+)\}", proto_path)


def _id_like(name: str) -> bool:
    return name in ("_id", "id", "ids", "_ids") or (name.endswith(("Id", "Ids")) and len(name) > 3)


def _template_path(node) -> str:
    return _txt(node).strip("`'\"")


class _Generator:
    """Arguments from declared types: required fields, NonNullablePaths, one optional scalar."""

    def __init__(self, typings: Typings, key: str, path_param_names: set[str]):
        self.t = typings
        self.key = key
        self.path_params = path_param_names

    # -- scalars
    def string(self, name: str, fmt: str | None, where: str) -> str:
        if fmt == "uuid" or _id_like(name) or name in self.path_params:
            return sample_uuid(f"{self.key}:{where}")
        if fmt in ("date-time",):
            return SAMPLE_DATE
        if fmt == "email" or name == "email":
            return "someone@example.com"
        if fmt == "uri" or name.endswith("Url"):
            return "https://example.com/sample"
        if name == "revision" or name.endswith("Revision"):
            return "1"  # an int64: a digit string on the wire
        return f"sample-{name}" if name else "sample"

    def enum_value(self, values) -> str:
        names = [v.name for v in values]
        good = [n for n in names if not n.upper().startswith("UNKNOWN") and n.upper() not in ("UNDEFINED", "UNSPECIFIED")]
        return (good or names or ["UNKNOWN"])[0]

    # -- tree-sitter type nodes (positional parameters)
    def from_node(self, node, name: str, where: str, req: dict, top: bool):
        if node is None:
            return {}
        t = node.type
        if t in ("parenthesized_type", "type_annotation", "readonly_type"):
            return self.from_node(node.named_children[-1] if node.named_children else None, name, where, req, top)
        if t == "predefined_type":
            word = _txt(node)
            return {"string": lambda: self.string(name, None, where), "number": lambda: 1, "boolean": lambda: True}.get(word, dict)()
        if t == "literal_type":
            lit = node.named_children[0] if node.named_children else None
            if lit is not None and lit.type == "string":
                return _txt(lit)[1:-1]
            return 1 if lit is not None and lit.type == "number" else True
        if t in ("type_identifier", "nested_type_identifier"):
            return self.named(_txt(node).split(".")[-1], name, where, req, 0, frozenset(), top)
        if t == "array_type":  # two elements: some lists are declared with @minSize 2 (multi-service bookings)
            return [self.from_node(node.named_children[0], name, f"{where}[{i}]", req, top) for i in range(2)]
        if t == "generic_type":
            gname = _txt(node.child_by_field_name("name")).split(".")[-1]
            targs = node.child_by_field_name("type_arguments")
            args = [a for a in (targs.named_children if targs is not None else []) if a.type != "comment"]
            if gname == "NonNullablePaths" and args:
                paths = []
                if len(args) > 1:
                    parts = args[1].named_children if args[1].type == "union_type" else [args[1]]
                    stack = list(parts)
                    while stack:
                        p = stack.pop(0)
                        if p.type == "union_type":
                            stack[:0] = p.named_children
                        else:
                            paths.append(_template_path(p))
                return self.from_node(args[0], name, where, _merge_paths(req, paths), top)
            if gname in ("Array", "ReadonlyArray") and args:
                return [self.from_node(args[0], name, f"{where}[0]", req, top)]
            if gname == "Record" and len(args) == 2:
                return {"key": self.from_node(args[1], "value", f"{where}.key", {}, False)}
            if gname in ("Partial", "Required", "Readonly", "NonNullable") and args:
                return self.from_node(args[0], name, where, req, top)
            return {}
        if t == "union_type":
            kept = [c for c in node.named_children if _txt(c) not in ("null", "undefined", "void")]
            return self.from_node(kept[0], name, where, req, top) if kept else None
        if t == "object_type":
            return {}
        return {}

    # -- IR type references (fields)
    def named(self, tname: str, name: str, where: str, req: dict, depth: int, seen: frozenset, top: bool):
        if tname == "Date":
            return {"$date": SAMPLE_DATE}
        td = self.t.types.get(tname)
        if td is not None and td.enum:
            return self.enum_value(td.enum)
        if td is not None:
            if tname in seen or depth > _MAX_DEPTH:
                return {}
            return self.obj(td.members, where, req, depth, seen | {tname}, top)
        alias = self.t.aliases.get(tname)
        if alias is not None:
            return self.ref(alias, name, None, [], where, req, depth, seen, top)
        return {}

    def ref(self, ref: TypeRef | None, name: str, enum, members, where: str, req: dict, depth: int, seen: frozenset, top: bool):
        if ref is None:
            return {}
        if ref.kind == "array":
            n = max(1, int(ref.constraints.get("minItems") or 1))
            return [self.ref(ref.items, name, enum, members, f"{where}[{i}]", req, depth + 1, seen, top) for i in range(n)]
        if enum:
            return self.enum_value(enum)
        if ref.kind == "string":
            return self.string(name, ref.format, where)
        if ref.kind in ("number", "integer"):
            return 1
        if ref.kind == "boolean":
            return True
        if ref.kind == "date":
            return {"$date": SAMPLE_DATE}
        if ref.kind == "map":
            return {"key": self.ref(ref.items, "value", None, [], f"{where}.key", {}, depth + 1, seen, False) if ref.items else "value"}
        if ref.kind == "named" and ref.name:
            return self.named(ref.name, name, where, req, depth, seen, top)
        if members:
            return self.obj(members, where, req, depth, seen, top)
        return {}

    def _is_scalar(self, f) -> bool:
        ref = f.type
        if f.enum or ref.kind in ("string", "number", "integer", "boolean"):
            return ref.kind != "array"
        if ref.kind == "named" and ref.name:
            td = self.t.types.get(ref.name)
            return bool(td is not None and td.enum)
        return False

    def obj(self, members: list, where: str, req: dict, depth: int, seen: frozenset, top: bool) -> dict:
        out: dict = {}
        if depth > _MAX_DEPTH:
            return out

        def put(f):
            out[f.name] = self.ref(f.type, f.name, f.enum, f.members, f"{where}.{f.name}", req.get(f.name, {}), depth + 1, seen, False)

        for m in members:
            if isinstance(m, OneOf):
                picked = next((f for f in m.members if f.name in req), None)
                if picked is None and m.required and m.members:
                    picked = m.members[0]
                if picked is not None:
                    put(picked)
            elif m.required or m.name in req:
                put(m)
        if top:
            flat = [f for m in members for f in (m.members if isinstance(m, OneOf) else [m])]
            if not any(self._is_scalar(f) and f.name in out for f in flat):
                groups_used = {id(m) for m in members if isinstance(m, OneOf) and any(f.name in out for f in m.members)}
                # one optional scalar; failing that, one optional field of any kind
                for want_scalar in (True, False):
                    f = None
                    for m in members:
                        cands = m.members if isinstance(m, OneOf) else [m]
                        if isinstance(m, OneOf) and id(m) in groups_used:
                            continue
                        f = next((c for c in cands if c.name not in out and not c.read_only and self._is_scalar(c) == want_scalar), None)
                        if f is not None:
                            break
                    if f is not None:
                        put(f)
                        break
        return out


def _merge_paths(req: dict, paths: list[str]) -> dict:
    out = json.loads(json.dumps(req))
    for p in paths:
        node = out
        for part in p.split("."):
            if part == "${number}" or not part:
                continue
            node = node.setdefault(part, {})
    return out


def _builder_chain(decl: MethodDecl) -> list[dict] | None:
    """``[limit(5)?, find()]`` when the method returns a ``*QueryBuilder``."""
    ret = decl.returns.strip()
    if not re.fullmatch(r"\w*QueryBuilder", ret):
        return None
    _tree, _funcs, _exports, interfaces = _dts(decl.file)
    iface = interfaces.get(ret)
    names: set[str] = set()
    body = iface.child_by_field_name("body") if iface is not None else None
    for member in body.named_children if body is not None else []:
        n = member.child_by_field_name("name")
        if n is not None:
            names.add(_txt(n))
    chain = [{"method": "limit", "args": [5]}] if "limit" in names else []
    return chain + [{"method": "find", "args": []}]


@lru_cache(maxsize=64)
def _typings_for(path: Path) -> Typings:
    try:
        return parse_typings(path.read_bytes(), str(path), include_internal=False)
    except (OSError, TypingsError) as exc:
        raise JsClientError(f"{path}: {exc}") from None


def plan_operation(package_dir: Path, op: RestOp) -> tuple[dict | None, str | None]:
    """One capture-plan call for ``op`` (``None`` and the reason when it cannot be built)."""
    decl = method_decl(package_dir, op.method)
    names = {p.split(".")[-1] for p in proto_params(op.proto_path)}
    note = None
    if decl is not None:
        gen = _Generator(_typings_for(decl.file), f"{op.package}.{op.method}", names)
        args = [gen.from_node(node, p.name, p.name, {}, True) for p, node in zip(decl.params, decl.param_nodes)]
    else:
        js = js_wrapper(package_dir, op.method)
        if js is None:
            return None, f"{op.package}.{op.method}: neither the typings nor index.js declare a public method"
        gen = _Generator(Typings(path=""), f"{op.package}.{op.method}", names)
        args = _plan_js_args(package_dir, op, js, gen)
        note = "not declared in the typings: parameters from index.js, types from meta.d.ts's REST request"
    call = {
        "id": f"{op.package.removeprefix(BOOKINGS_PREFIX)}.{op.method}",
        "module": op.package,
        "method": op.method,
        "args": args,
        "expect": {"http_method": op.http_method, "method_fqn": op.method_fqn, "proto_path": op.proto_path},
    }
    chain = _builder_chain(decl) if decl is not None else None
    if chain is not None:
        call["chain"] = chain
        note = f"{decl.returns}: the request is sent by .find()"
    if note:
        call["note"] = note
    return call, None


def plan_all_operations(package_dirs: list[Path]) -> dict:
    """A capture plan calling every REST operation of every package once (runnable as it is).
    Each call records ``expect: {http_method, method_fqn, proto_path}`` from ``meta.js``;
    operations that cannot be planned are listed under ``"unplanned"`` with the reason."""
    calls: list[dict] = []
    unplanned: list[str] = []
    for d in package_dirs:
        for op in rest_operations(Path(d)):
            call, why = plan_operation(Path(d), op)
            if call is None:
                unplanned.append(why or op.method)
            else:
                calls.append(call)
    return {"mode": "capture", "calls": calls, "unplanned": unplanned}


# =========================================================================== CLI


def _main(argv: list[str]) -> int:
    usage = "usage: python -m wixcontracts.sdk.jsclient install | lock | capture-all [OUT.json]"
    if not argv or argv[0] not in ("install", "lock", "capture-all"):
        print(usage, file=sys.stderr)
        return 2
    try:
        if argv[0] == "lock":
            print(write_lockfile())
            return 0
        t0 = time.monotonic()
        root = ensure_client()
        t1 = time.monotonic()
        if argv[0] == "install":
            print(f"{root}  ({t1 - t0:.1f}s)")
            return 0
        plan = plan_all_operations(package_dirs(root))
        t2 = time.monotonic()
        results = run_plan(plan, root=root)
        t3 = time.monotonic()
        text = json.dumps({"plan": plan, "results": results}, indent=1)
        if len(argv) > 1:
            Path(argv[1]).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        print(f"{len(results)} calls: install {t1 - t0:.1f}s, plan {t2 - t1:.1f}s, capture {t3 - t2:.1f}s", file=sys.stderr)
        return 0
    except JsClientError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
