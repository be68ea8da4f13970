"""Obtaining the package: local folders and archives, safe extraction, integrity, and the
npm flow against a stand-in ``npm`` script (no network)."""

from __future__ import annotations

import io
import json
import os
import stat
import tarfile
from pathlib import Path

import pytest

from wixcontracts.sdk import fetch
from wixcontracts.sdk.fetch import Pin, SdkFetchError, fetch_package, load_pin, pin_latest, sha512_integrity, write_pin

PKG = "@acme/widgets"


def make_tgz(path: Path, members: dict[str, bytes] | None = None, extra=None) -> Path:
    members = members if members is not None else {
        "package/package.json": json.dumps({"name": PKG, "version": "1.2.3"}).encode(),
        "package/build/cjs/meta.d.ts": b"interface A { a?: string; }\n",
    }
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra or []:
            tar.addfile(info)
    path.write_bytes(buf.getvalue())
    return path


def test_extracted_folder_is_used_as_is(tmp_path):
    pkg = tmp_path / "package"
    pkg.mkdir()
    (pkg / "package.json").write_text("{}")
    assert fetch_package(pkg, tmp_path / "cache") == pkg
    assert fetch_package(tmp_path, tmp_path / "cache") == pkg  # the folder holding package/
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SdkFetchError, match="no package.json"):
        fetch_package(empty, tmp_path / "cache")


def test_local_tgz_is_verified_and_extracted(tmp_path):
    tgz = make_tgz(tmp_path / "w.tgz")
    good = sha512_integrity(tgz.read_bytes())
    pkg = fetch_package(tgz, tmp_path / "cache", integrity=good)
    assert (pkg / "build/cjs/meta.d.ts").read_text().startswith("interface A")
    assert fetch.read_integrity(pkg) == good
    assert fetch_package(tgz, tmp_path / "cache") == pkg  # cached
    with pytest.raises(SdkFetchError, match="integrity mismatch") as exc:
        fetch_package(tgz, tmp_path / "cache", integrity="sha512-AAAA")
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize(
    "name",
    ["package/../../evil.txt", "/etc/evil.txt", "package/a/../../../evil"],
)
def test_path_traversal_is_refused(tmp_path, name):
    tgz = make_tgz(tmp_path / "bad.tgz", {"package/package.json": b"{}", name: b"x"})
    with pytest.raises(SdkFetchError, match="refusing"):
        fetch_package(tgz, tmp_path / "cache")
    assert not (tmp_path / "evil.txt").exists()
    assert not any(p.name.startswith("local-") for p in (tmp_path / "cache").iterdir())


def test_links_are_refused(tmp_path):
    link = tarfile.TarInfo("package/link")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    tgz = make_tgz(tmp_path / "link.tgz", {"package/package.json": b"{}"}, extra=[link])
    with pytest.raises(SdkFetchError, match="link or special file"):
        fetch_package(tgz, tmp_path / "cache")


def test_garbage_archive(tmp_path):
    bad = tmp_path / "junk.tgz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(SdkFetchError, match="not a readable .tgz"):
        fetch_package(bad, tmp_path / "cache")


def test_npm_missing_is_a_clear_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setattr(fetch.shutil, "which", lambda _name: None)
    with pytest.raises(SdkFetchError) as exc:
        fetch_package(f"{PKG}@1.2.3", tmp_path / "cache", pin_path=tmp_path / "none.json")
    assert str(exc.value).startswith("npm is not installed")
    assert "\n" not in str(exc.value)


def test_spec_without_version_is_refused(tmp_path):
    with pytest.raises(SdkFetchError, match="exact version"):
        fetch_package(PKG, tmp_path / "cache", pin_path=tmp_path / "none.json")


# ------------------------------------------------------------- stand-in npm

FAKE_NPM = """#!/bin/sh
echo "$@" >> "{log}"
case "$1" in
  view) if [ "$3" = "dependencies" ]; then echo '{{"@acme/widgets": "1.2.3", "left-pad": "1.0.0"}}'; else echo '"9.9.9"'; fi ;;
  pack)
    if [ -n "$FAKE_NPM_FAIL" ]; then
      echo 'npm warn something harmless' >&2
      echo 'npm error code E404' >&2
      echo 'npm error 404 Not Found - GET https://example.invalid/x - Not found' >&2
      echo 'npm error A complete log of this run can be found in: /tmp/x.log' >&2
      exit 1
    fi
    dest="$5"
    cp "{tgz}" "$dest/acme-widgets-1.2.3.tgz"
    printf '[{{"id":"@acme/widgets@1.2.3","filename":"acme-widgets-1.2.3.tgz","integrity":"%s"}}]' "$FAKE_NPM_INTEGRITY"
    ;;
esac
"""


@pytest.fixture
def fake_npm(tmp_path, monkeypatch):
    tgz = make_tgz(tmp_path / "src.tgz")
    log = tmp_path / "npm.log"
    bindir = tmp_path / "bin"
    bindir.mkdir()
    npm = bindir / "npm"
    npm.write_text(FAKE_NPM.format(log=log, tgz=tgz))
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_NPM_INTEGRITY", sha512_integrity(tgz.read_bytes()))
    return {"tgz": tgz, "log": log, "integrity": sha512_integrity(tgz.read_bytes())}


def test_npm_pack_flow_verifies_against_the_pin_and_caches(tmp_path, fake_npm):
    pin_path = tmp_path / "sdk-pin.json"
    write_pin(Pin(PKG, "1.2.3", fake_npm["integrity"]), pin_path)
    pkg = fetch_package(f"{PKG}@1.2.3", tmp_path / "cache", pin_path=pin_path)
    assert json.loads((pkg / "package.json").read_text())["version"] == "1.2.3"
    assert pkg.parent.name == "acme__widgets-1.2.3"
    calls = fake_npm["log"].read_text().splitlines()
    assert len(calls) == 1 and calls[0].startswith(f"pack {PKG}@1.2.3 --json --pack-destination ")
    # second time: straight from the cache, npm not called
    assert fetch_package(None, tmp_path / "cache", pin_path=pin_path) == pkg
    assert len(fake_npm["log"].read_text().splitlines()) == 1


def test_npm_pack_flow_rejects_a_pin_mismatch(tmp_path, fake_npm):
    pin_path = tmp_path / "sdk-pin.json"
    write_pin(Pin(PKG, "1.2.3", "sha512-bm90IHRoZSBzYW1l"), pin_path)
    with pytest.raises(SdkFetchError, match="integrity mismatch with the pin"):
        fetch_package(f"{PKG}@1.2.3", tmp_path / "cache", pin_path=pin_path)


def test_npm_reported_integrity_must_match_the_file(tmp_path, fake_npm, monkeypatch):
    monkeypatch.setenv("FAKE_NPM_INTEGRITY", "sha512-d3Jvbmc=")
    with pytest.raises(SdkFetchError, match="npm reported sha512-d3Jvbmc= but"):
        fetch_package(f"{PKG}@1.2.3", tmp_path / "cache", pin_path=tmp_path / "none.json")


def test_npm_failure_is_summarised_in_one_line(tmp_path, fake_npm, monkeypatch):
    monkeypatch.setenv("FAKE_NPM_FAIL", "1")
    with pytest.raises(SdkFetchError) as exc:
        fetch_package(f"{PKG}@1.2.3", tmp_path / "cache", pin_path=tmp_path / "none.json")
    assert str(exc.value) == "npm pack failed (exit 1): E404: Not Found - GET <url> - Not found"


def test_pin_latest_pins_every_package_of_the_umbrella(tmp_path, fake_npm):
    pin_path = tmp_path / "contracts" / "sdk-pin.json"
    pins = pin_latest("@acme/umbrella", pin_path, cache_dir=tmp_path / "cache", prefix="@acme/")
    assert pins.umbrella == "@acme/umbrella@9.9.9"
    assert pins.packages == (Pin(PKG, "1.2.3", fake_npm["integrity"]),)  # left-pad is not an SDK package
    assert load_pin(pin_path, PKG) == pins.packages[0]
    assert json.loads(pin_path.read_text()) == {"umbrella": "@acme/umbrella@9.9.9", "packages": [
        {"package": PKG, "version": "1.2.3", "integrity": fake_npm["integrity"]}]}
    calls = fake_npm["log"].read_text().splitlines()
    assert calls[:2] == ["view @acme/umbrella version --json", "view @acme/umbrella@9.9.9 dependencies --json"]
    assert calls[2].startswith(f"pack {PKG}@1.2.3 --json --pack-destination ")


def test_fetch_all_verifies_each_pin_and_packs_once(tmp_path, fake_npm):
    pin_path = tmp_path / "sdk-pin.json"
    fetch.write_pins(fetch.PinSet("@acme/umbrella@9.9.9", (Pin(PKG, "1.2.3", fake_npm["integrity"]),)), pin_path)
    dirs = fetch.fetch_all(cache_dir=tmp_path / "cache", pin_path=pin_path)
    assert list(dirs) == [PKG] and (dirs[PKG] / "package.json").is_file()
    assert fetch.fetch_all(cache_dir=tmp_path / "cache", pin_path=pin_path) == dirs  # cached: npm not called again
    assert len([c for c in fake_npm["log"].read_text().splitlines() if c.startswith("pack")]) == 1
    fetch.write_pins(fetch.PinSet("@acme/umbrella@9.9.9", (Pin(PKG, "1.2.3", "sha512-bm90IHRoZSBzYW1l"),)), pin_path)
    with pytest.raises(SdkFetchError, match="integrity mismatch with the pin"):
        fetch.fetch_all(cache_dir=tmp_path / "other-cache", pin_path=pin_path)


def test_malformed_pin_files_are_one_line_errors(tmp_path):
    p = tmp_path / "pin.json"
    for text, msg in (("[]", "expected an object"), ('{"packages": 3}', "must be a list"),
                      ('{"packages": [{"package": "a", "version": "1"}]}', "missing integrity"),
                      ('{"packages": [{"package": "a", "version": "1", "integrity": "md5-x"}]}', "sha512"),
                      ("{", "unreadable pin file")):
        p.write_text(text)
        with pytest.raises(SdkFetchError, match=msg) as exc:
            fetch.load_pins(p)
        assert "\n" not in str(exc.value)


def test_cache_dir_env_override(monkeypatch, tmp_path):
    monkeypatch.setenv("WIXCONTRACTS_CACHE", str(tmp_path))
    assert fetch.default_cache_dir() == tmp_path / "sdk"
    monkeypatch.delenv("WIXCONTRACTS_CACHE")
    assert fetch.default_cache_dir() == Path.home() / ".cache" / "wixcontracts" / "sdk"


def test_repository_pins_are_well_formed():
    pins = fetch.load_pins()
    assert pins.umbrella.startswith("@wix/bookings@")
    assert len(pins.packages) == 34 and all(p.package.startswith(fetch.SDK_PREFIX) for p in pins.packages)
    assert all(p.integrity.startswith("sha512-") and len(p.integrity) == 95 for p in pins.packages)
    assert load_pin().package == "@wix/auto_sdk_bookings_bookings"
