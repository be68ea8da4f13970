"""The integrity-pinned install: the committed manifest + lockfile, subsets, the cache,
concurrency, and one-line failures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from wixcontracts.sdk import jsclient
from wixcontracts.sdk.jsclient import JsClientError, ensure_client, load_manifest, subset_manifest

PRICING = "@wix/auto_sdk_bookings_pricing"
# @wix/bookings@1.0.1696's dependencies, as measured (a sample)
BOOKINGS_1_0_1696 = {
    "@wix/auto_sdk_bookings_bookings": "1.0.241",
    "@wix/auto_sdk_bookings_services": "1.0.285",
    "@wix/auto_sdk_bookings_availability-time-slots": "1.0.275",
    "@wix/auto_sdk_bookings_staff-members": "1.0.131",
    "@wix/auto_sdk_bookings_pricing": "1.0.107",
}


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("WIXCONTRACTS_CACHE", str(cache))
    jsclient._tool.cache_clear()
    yield cache / "js"
    jsclient._tool.cache_clear()


def _copy_js_dir(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(jsclient.JS_DIR / name, dest / name)
    return dest


# ------------------------------------------------------------------ committed files (offline)


def test_committed_manifest_pins_sdk_and_all_34_bookings_packages():
    manifest, lock = load_manifest()
    deps = manifest["dependencies"]
    assert deps["@wix/sdk"] == "1.21.16"
    assert len([d for d in deps if d.startswith(jsclient.BOOKINGS_PREFIX)]) == 34
    assert set(deps) == {"@wix/sdk"} | {d for d in deps if d.startswith(jsclient.BOOKINGS_PREFIX)}
    for name, version in BOOKINGS_1_0_1696.items():
        assert deps[name] == version


def test_committed_lockfile_has_integrity_and_no_resolved_urls():
    raw = json.loads((jsclient.JS_DIR / "package-lock.json").read_text())
    entries = {k: v for k, v in raw["packages"].items() if k}
    assert len(entries) > 35
    for where, entry in entries.items():
        assert "resolved" not in entry, where
        assert entry["integrity"].startswith("sha512-"), where
    # the only URLs in it are funding links
    def urls(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from urls(v, k)
        elif isinstance(node, list):
            for v in node:
                yield from urls(v, key)
        elif isinstance(node, str) and "://" in node:
            yield key
    assert set(urls(raw["packages"])) <= {"url"}
    for entry in entries.values():
        for k in ("funding",):
            entry.pop(k, None)
    assert not any("://" in json.dumps(e) for e in entries.values())


def test_load_manifest_rejects_loose_pins_and_strips_resolved(tmp_path):
    js = _copy_js_dir(tmp_path / "js")
    lock = json.loads((js / "package-lock.json").read_text())
    lock["packages"]["node_modules/@wix/sdk"]["resolved"] = "https://example.invalid/sdk.tgz"
    (js / "package-lock.json").write_text(json.dumps(lock))
    _m, loaded = load_manifest(js)
    assert "resolved" not in loaded["packages"]["node_modules/@wix/sdk"]

    manifest = json.loads((js / "package.json").read_text())
    manifest["dependencies"][PRICING] = "^1.0.107"
    (js / "package.json").write_text(json.dumps(manifest))
    with pytest.raises(JsClientError, match=f"{PRICING} is not pinned to an exact version"):
        load_manifest(js)
    manifest["dependencies"][PRICING] = "1.0.106"
    (js / "package.json").write_text(json.dumps(manifest))
    with pytest.raises(JsClientError, match="is locked at '1.0.107', package.json pins 1.0.106"):
        load_manifest(js)
    manifest["dependencies"][PRICING] = "1.0.107"
    (js / "package.json").write_text(json.dumps(manifest))
    del lock["packages"]["node_modules/jose"]["integrity"]
    (js / "package-lock.json").write_text(json.dumps(lock))
    with pytest.raises(JsClientError, match="node_modules/jose has no sha512 integrity"):
        load_manifest(js)
    (js / "package-lock.json").write_text("{not json")
    with pytest.raises(JsClientError, match="package-lock.json: not readable JSON"):
        load_manifest(js)


def test_subset_keeps_exactly_what_the_packages_need():
    manifest, lock = load_manifest()
    sub_m, sub_l = subset_manifest(manifest, lock, [PRICING])
    assert sub_m["dependencies"] == {"@wix/auto_sdk_bookings_pricing": "1.0.107", "@wix/sdk": "1.21.16"}
    kept = sub_l["packages"]
    assert sub_l["packages"][""]["dependencies"] == sub_m["dependencies"]
    assert "node_modules/@wix/auto_sdk_bookings_bookings" not in kept
    assert "node_modules/@wix/sdk/node_modules/@wix/sdk-runtime" in kept  # @wix/sdk's own nested copy
    assert "node_modules/@wix/sdk-runtime" in kept  # what pricing resolves
    for where, entry in kept.items():
        for dep in jsclient._dep_names(entry):
            found = jsclient._locate(kept, where, dep)
            optional = dep in (entry.get("optionalDependencies") or {}) or dep in (entry.get("peerDependenciesMeta") or {})
            assert found is not None or optional, (where, dep)
    full_m, full_l = subset_manifest(manifest, lock, None)
    assert len(full_l["packages"]) == len(lock["packages"])
    with pytest.raises(JsClientError, match="'@wix/bookings' is not a package pinned"):
        subset_manifest(manifest, lock, ["@wix/bookings"])


# ------------------------------------------------------------------ failures (offline)


def test_unreachable_registry_is_one_line(fresh_cache, tmp_path, monkeypatch):
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")  # nothing listens on the discard port
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "empty-npm-cache"))
    monkeypatch.setenv("npm_config_fetch_retries", "0")
    monkeypatch.setenv("npm_config_fetch_timeout", "5000")
    with pytest.raises(JsClientError) as exc:
        ensure_client([PRICING], timeout=120)
    msg = str(exc.value)
    assert "registry is unreachable (ECONNREFUSED)" in msg and "\n" not in msg and "://" not in msg
    assert [p.name for p in fresh_cache.iterdir() if not p.name.endswith(".lock")] == []  # no half install left


def test_missing_npm_and_timeout(fresh_cache, tmp_path, monkeypatch):
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node and npm are needed to simulate their absence")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "node").symlink_to(node)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(JsClientError, match=r"^npm is not installed \(not on PATH\)"):
        ensure_client([PRICING])
    monkeypatch.setenv("PATH", str(bin_dir) + os.pathsep + os.path.dirname(npm))
    jsclient._tool.cache_clear()
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "empty-npm-cache"))
    with pytest.raises(JsClientError, match=r"^npm ci timed out after 0.5s"):
        ensure_client([PRICING], timeout=0.5)


# ------------------------------------------------------------------ with the registry


def test_cached_install_is_reused_without_npm(js_root, monkeypatch, tmp_path):
    assert (js_root / jsclient.READY_MARKER).is_file()
    for name in jsclient.pinned_packages():
        assert (js_root / "node_modules" / name / "package.json").is_file(), name
    version = json.loads((js_root / "node_modules/@wix/sdk/package.json").read_text())["version"]
    assert version == "1.21.16"
    empty = tmp_path / "nothing"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    jsclient._tool.cache_clear()
    try:
        t0 = time.monotonic()
        assert ensure_client() == js_root  # no npm, no node needed: a cache hit
        assert time.monotonic() - t0 < 5
    finally:
        jsclient._tool.cache_clear()


@pytest.mark.slow
def test_tampered_integrity_is_refused(js_root, fresh_cache, tmp_path):
    js = _copy_js_dir(tmp_path / "js")
    lock = json.loads((js / "package-lock.json").read_text())
    entry = lock["packages"][f"node_modules/{PRICING}"]
    good = entry["integrity"]
    entry["integrity"] = "sha512-" + ("A" * 86) + "=="
    assert entry["integrity"] != good
    (js / "package-lock.json").write_text(json.dumps(lock, indent=2))
    try:
        ensure_client([PRICING], js_dir=js, timeout=300)
    except JsClientError as exc:
        if "unreachable" in str(exc) or "timed out" in str(exc):
            pytest.skip(str(exc))
        assert "integrity check failed" in str(exc) and "\n" not in str(exc)
    else:
        pytest.fail("npm ci accepted a tarball whose integrity does not match the lockfile")
    assert not any(p.is_dir() for p in fresh_cache.iterdir())


@pytest.mark.slow
def test_concurrent_installs_share_one_folder(js_root, fresh_cache):
    code = textwrap.dedent(f"""
        from wixcontracts.sdk.jsclient import ensure_client
        print(ensure_client([{PRICING!r}]))
    """)
    env = dict(os.environ)
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                         cwd=Path(jsclient.__file__).parents[2])
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        if p.returncode != 0:
            if "unreachable" in err or "timed out" in err:
                pytest.skip(err.strip().splitlines()[-1])
            pytest.fail(err)
    paths = {out.strip() for out, _err in outs}
    assert len(paths) == 1
    dest = Path(paths.pop())
    assert (dest / "node_modules" / PRICING / "package.json").is_file()
    assert not (dest / "node_modules" / "@wix" / "auto_sdk_bookings_bookings").exists()
    assert sorted(p.name for p in fresh_cache.iterdir() if p.is_dir()) == [dest.name]  # no temp folder left
    # and the subset install runs a plan
    res = jsclient.run_plan({"mode": "capture", "calls": [{"id": "p", "module": PRICING, "method": "previewPrice", "args": [[]]}]}, root=dest)
    assert res[0]["requests"][0]["url"].endswith("/bookings/v2/pricing/v2/pricing/preview")
