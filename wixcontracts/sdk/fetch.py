"""Obtain the Wix SDK package that the importer reads.

``fetch_package`` accepts three kinds of spec:

* ``"@wix/auto_sdk_bookings_bookings@1.2.3"`` -- packed with ``npm pack`` (the npm
  client's own configured registry; no address is ever written here), its sha512
  integrity checked against the pin in ``contracts/sdk-pin.json`` and against the
  bytes on disk, then extracted into the cache;
* a path to a local ``.tgz`` -- checked against ``integrity=`` when given, extracted;
* a path to an already-extracted folder (the one holding ``package.json``) -- used
  as it is.

Extraction refuses absolute names, ``..`` components, links and device files.
Every failure is an :class:`SdkFetchError` whose message is one line.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

DEFAULT_PACKAGE = "@wix/auto_sdk_bookings_bookings"
UMBRELLA = "@wix/bookings"  # the package whose dependencies are the Bookings API's SDK packages
SDK_PREFIX = "@wix/auto_sdk_bookings_"
PIN_PATH = Path(__file__).resolve().parents[2] / "contracts" / "sdk-pin.json"
INTEGRITY_MARKER = ".wixcontracts-integrity"
NPM_TIMEOUT = 180


class SdkFetchError(RuntimeError):
    """The SDK package could not be obtained (one-line message)."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


@dataclass(frozen=True)
class Pin:
    package: str
    version: str
    integrity: str

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"

    def as_dict(self) -> dict:
        return {"package": self.package, "version": self.version, "integrity": self.integrity}


@dataclass(frozen=True)
class PinSet:
    """Every pinned SDK package, all resolved from one version of the umbrella package."""

    umbrella: str  # "@wix/bookings@1.0.1696" ("" for a hand-made pin of one package)
    packages: tuple[Pin, ...]

    def get(self, package: str) -> Pin | None:
        return next((p for p in self.packages if p.package == package), None)

    def as_dict(self) -> dict:
        return {"umbrella": self.umbrella, "packages": [p.as_dict() for p in sorted(self.packages, key=lambda p: p.package)]}


def default_cache_dir() -> Path:
    env = os.environ.get("WIXCONTRACTS_CACHE")
    if env:
        return Path(env).expanduser() / "sdk"
    return Path.home() / ".cache" / "wixcontracts" / "sdk"


def _pin(d, where: str) -> Pin:
    if not isinstance(d, dict):
        raise SdkFetchError(f"{where}: malformed pin (expected an object, got {type(d).__name__})")
    try:
        pin = Pin(str(d["package"]), str(d["version"]), str(d["integrity"]))
    except KeyError as exc:
        raise SdkFetchError(f"{where}: malformed pin (missing {exc.args[0]})") from None
    if not pin.integrity.startswith("sha512-"):
        raise SdkFetchError(f"{where}: {pin.spec}: integrity must be a sha512- string")
    return pin


def load_pins(path: Path = PIN_PATH) -> PinSet:
    """The pin file: ``{"umbrella": "@wix/bookings@V", "packages": [{package, version, integrity}, ...]}``
    (a lone ``{package, version, integrity}`` is read as a set of one)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SdkFetchError(f"{path}: pin file not found") from None
    except (OSError, ValueError) as exc:
        raise SdkFetchError(f"{path}: unreadable pin file ({exc.__class__.__name__}: {exc})") from None
    if isinstance(data, dict) and "packages" in data:
        if not isinstance(data["packages"], list):
            raise SdkFetchError(f"{path}: 'packages' must be a list")
        pins = tuple(_pin(d, f"{path}: packages[{i}]") for i, d in enumerate(data["packages"]))
        names = [p.package for p in pins]
        if len(set(names)) != len(names):
            raise SdkFetchError(f"{path}: a package is pinned twice")
        return PinSet(str(data.get("umbrella") or ""), pins)
    return PinSet("", (_pin(data, str(path)),))


def load_pin(path: Path = PIN_PATH, package: str = DEFAULT_PACKAGE) -> Pin:
    """One package's pin (the Bookings package by default; the only one of a set of one)."""
    pins = load_pins(path)
    if len(pins.packages) == 1 and not pins.umbrella:
        return pins.packages[0]
    pin = pins.get(package)
    if pin is None:
        raise SdkFetchError(f"{path}: {package} is not pinned")
    return pin


def write_pins(pins: PinSet, path: Path = PIN_PATH) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(pins.as_dict(), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def write_pin(pin: Pin, path: Path = PIN_PATH) -> None:
    """A set of one (tests, a hand-picked package)."""
    write_pins(PinSet("", (pin,)), path)


def sha512_integrity(data: bytes) -> str:
    """Subresource-integrity string, as npm reports it: ``sha512-<base64>``."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def split_spec(spec: str) -> tuple[str, str | None]:
    """``@scope/name@1.2.3`` -> (``@scope/name``, ``1.2.3``); no version -> None."""
    at = spec.rfind("@")
    if at > 0:
        return spec[:at], spec[at + 1 :] or None
    return spec, None


# ---------------------------------------------------------------------- npm


def _npm() -> str:
    npm = shutil.which("npm")
    if not npm:
        raise SdkFetchError("npm is not installed (not on PATH); install Node.js/npm or pass a local .tgz")
    return npm


_URL_RE = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.I)
_NOISE = ("a complete log", "code ", "syscall ", "in most cases", "note that", "log files were not written", "this is a problem")


def _npm_error_summary(stderr: str) -> str:
    """The informative line of npm's stderr, e.g. ``ETARGET: No matching version found for x@9``."""
    code = None
    useful: list[str] = []
    other: list[str] = []
    for raw in stderr.splitlines():
        line = raw.strip()
        low = line.lower()
        if not line or low.startswith("npm warn"):
            continue
        if low.startswith("npm error") or low.startswith("npm err!"):
            body = line.split(None, 2)[2] if len(line.split(None, 2)) > 2 else ""
            body = re.sub(r"^(notarget|404|network|errno \S+)\s*", "", body, flags=re.I).strip()
            if low.split(None, 2)[-1].startswith("code "):
                code = body.split(None, 1)[1] if " " in body else code
                continue
            if body and not body.lower().startswith(_NOISE):
                useful.append(body)
        else:
            other.append(line)
    text = (useful or other or ["no error output"])[0]
    text = _URL_RE.sub("<url>", text)[:300]
    return f"{code}: {text}" if code else text


def _run_npm(args: list[str], cwd: Path | None = None) -> str:
    cmd = [_npm(), *args]
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, capture_output=True, text=True, timeout=NPM_TIMEOUT, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise SdkFetchError(f"npm {args[0]} timed out after {NPM_TIMEOUT}s (registry unreachable?)") from None
    except OSError as exc:
        raise SdkFetchError(f"could not run npm: {exc}") from None
    if proc.returncode != 0:
        raise SdkFetchError(f"npm {args[0]} failed (exit {proc.returncode}): {_npm_error_summary(proc.stderr)}")
    return proc.stdout


def latest_version(package: str = DEFAULT_PACKAGE) -> str:
    out = _run_npm(["view", package, "version", "--json"])
    try:
        value = json.loads(out)
    except ValueError:
        value = out.strip()
    if isinstance(value, list):
        value = value[-1] if value else ""
    if not isinstance(value, str) or not value:
        raise SdkFetchError(f"npm view {package}: no version in its answer")
    return value


def npm_pack(spec: str, dest: Path) -> tuple[Path, str]:
    """``npm pack <spec> --json`` into ``dest``; returns (tgz path, integrity npm reported)."""
    return npm_pack_many([spec], dest)[spec]


def npm_pack_many(specs: list[str], dest: Path) -> dict[str, tuple[Path, str]]:
    """One ``npm pack a@1 b@2 ... --json`` into ``dest``: spec -> (tgz path, integrity npm reported)."""
    dest.mkdir(parents=True, exist_ok=True)
    what = specs[0] if len(specs) == 1 else f"{len(specs)} packages"
    out = _run_npm(["pack", *specs, "--json", "--pack-destination", str(dest)], cwd=dest)
    try:
        info = json.loads(out)
        entries = info if isinstance(info, list) else [info]
        got = [(e["filename"], e["integrity"], f"{e.get('name', '')}@{e.get('version', '')}") for e in entries]
    except (ValueError, KeyError, IndexError, TypeError):
        raise SdkFetchError(f"npm pack {what}: unexpected --json output") from None
    if len(got) != len(specs):
        raise SdkFetchError(f"npm pack {what}: {len(got)} archives for {len(specs)} packages")
    result: dict[str, tuple[Path, str]] = {}
    for spec, (filename, integrity, _name) in zip(specs, got):
        tgz = dest / Path(filename).name
        if not tgz.is_file():
            raise SdkFetchError(f"npm pack {spec}: {tgz.name} was not written to {dest}")
        result[spec] = (tgz, integrity)
    return result


def umbrella_packages(umbrella: str = UMBRELLA, version: str | None = None,
                      prefix: str = SDK_PREFIX) -> tuple[str, dict[str, str]]:
    """(umbrella version, {SDK package: version}) for the newest (or the given) umbrella version: its
    dependencies whose names start with ``prefix``."""
    version = version or latest_version(umbrella)
    out = _run_npm(["view", f"{umbrella}@{version}", "dependencies", "--json"])
    try:
        deps = json.loads(out) if out.strip() else {}
    except ValueError:
        raise SdkFetchError(f"npm view {umbrella}@{version} dependencies: not JSON") from None
    if not isinstance(deps, dict):
        raise SdkFetchError(f"npm view {umbrella}@{version} dependencies: expected an object")
    pkgs = {k: str(v) for k, v in deps.items() if k.startswith(prefix)}
    bad = [f"{k}@{v}" for k, v in pkgs.items() if not re.fullmatch(r"\d+\.\d+\.\d+", v)]
    if bad:
        raise SdkFetchError(f"{umbrella}@{version} depends on ranges, not exact versions: {', '.join(bad[:3])}")
    if not pkgs:
        raise SdkFetchError(f"{umbrella}@{version} has no {prefix}* dependencies")
    return version, dict(sorted(pkgs.items()))


def pin_latest(umbrella: str = UMBRELLA, pin_path: Path = PIN_PATH, cache_dir: Path | None = None,
               *, version: str | None = None, prefix: str = SDK_PREFIX) -> PinSet:
    """Pin every SDK package the newest umbrella version depends on: each is packed (so its
    integrity is what npm delivered, checked against the bytes) and the pin file rewritten."""
    version, pkgs = umbrella_packages(umbrella, version, prefix)
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    specs = [f"{k}@{v}" for k, v in pkgs.items()]
    pins = []
    with tempfile.TemporaryDirectory(dir=_ensure(cache)) as tmp:
        for spec, (tgz, integrity) in npm_pack_many(specs, Path(tmp)).items():
            actual = sha512_integrity(tgz.read_bytes())
            if actual != integrity:
                raise SdkFetchError(f"{spec}: npm reported {integrity} but the file hashes to {actual}")
            package, ver = split_spec(spec)
            pins.append(Pin(package, ver or "", integrity))
    pinset = PinSet(f"{umbrella}@{version}", tuple(pins))
    write_pins(pinset, pin_path)
    return pinset


# ---------------------------------------------------------------- extraction


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _check_member(member: tarfile.TarInfo, archive: str) -> None:
    name = member.name
    pure = PurePosixPath(name)
    if name.startswith(("/", "\\")) or pure.is_absolute() or (len(name) > 1 and name[1] == ":"):
        raise SdkFetchError(f"{archive}: refusing absolute member name {name!r}")
    if any(part == ".." for part in pure.parts) or "\\" in name:
        raise SdkFetchError(f"{archive}: refusing member name {name!r} (path traversal)")
    if not (member.isfile() or member.isdir()):
        raise SdkFetchError(f"{archive}: refusing member {name!r} (link or special file)")


def extract_tgz(tgz: Path, dest: Path) -> Path:
    """Extract ``tgz`` into ``dest`` (must not exist yet); returns ``dest/package``."""
    data = Path(tgz).read_bytes()
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise SdkFetchError(f"{tgz}: not a readable .tgz ({exc})") from None
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".extract-", dir=dest.parent))
    try:
        with archive:
            members = archive.getmembers()
            for member in members:
                _check_member(member, Path(tgz).name)
            root = staging.resolve()
            for member in members:
                target = (staging / member.name).resolve()
                if root != target and root not in target.parents:
                    raise SdkFetchError(f"{Path(tgz).name}: member {member.name!r} escapes the target folder")
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                src = archive.extractfile(member)
                if src is None:
                    raise SdkFetchError(f"{Path(tgz).name}: cannot read member {member.name!r}")
                with src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
        if not (staging / "package" / "package.json").is_file():
            raise SdkFetchError(f"{Path(tgz).name}: no package/package.json inside")
        if dest.exists():
            shutil.rmtree(dest)
        staging.chmod(0o755)
        staging.rename(dest)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise SdkFetchError(f"{tgz}: extraction failed ({exc})") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return dest / "package"


def _cached(dest: Path, integrity: str | None) -> Path | None:
    pkg = dest / "package"
    marker = dest / INTEGRITY_MARKER
    if not (pkg / "package.json").is_file() or not marker.is_file():
        return None
    if integrity and marker.read_text(encoding="utf-8").strip() != integrity:
        return None
    return pkg


def _safe_dirname(package: str, version: str) -> str:
    return f"{package.lstrip('@').replace('/', '__')}-{version}"


# ------------------------------------------------------------------- public


def fetch_package(
    spec: str | os.PathLike | None = None,
    cache_dir: Path | None = None,
    *,
    integrity: str | None = None,
    pin_path: Path = PIN_PATH,
) -> Path:
    """Return the extracted ``package/`` folder for ``spec`` (default: the pin).

    For a registry spec, the expected integrity is ``integrity`` if given, else the
    pin's when the spec names a pinned package and version.
    """
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    if spec is None:
        pin = load_pin(pin_path)
        spec, integrity = pin.spec, integrity or pin.integrity

    path = Path(spec)
    if path.is_dir():
        pkg = path / "package" if (path / "package" / "package.json").is_file() else path
        if not (pkg / "package.json").is_file():
            raise SdkFetchError(f"{path}: no package.json (expected an extracted npm package folder)")
        return pkg
    if str(spec).endswith((".tgz", ".tar.gz")):
        if not path.is_file():
            raise SdkFetchError(f"{path}: no such file")
        data = path.read_bytes()
        actual = sha512_integrity(data)
        if integrity and actual != integrity:
            raise SdkFetchError(f"{path}: integrity mismatch (expected {integrity}, got {actual})")
        dest = _ensure(cache) / f"local-{actual[7:23].replace('/', '_').replace('+', '-')}"
        hit = _cached(dest, actual)
        if hit:
            return hit
        pkg = extract_tgz(path, dest)
        (dest / INTEGRITY_MARKER).write_text(actual + "\n", encoding="utf-8")
        return pkg

    spec = str(spec)
    package, version = split_spec(spec)
    if not version:
        raise SdkFetchError(f"{spec}: give an exact version (package@x.y.z) so the result can be verified")
    if integrity is None:
        try:
            pin = load_pins(pin_path).get(package)
        except SdkFetchError:
            pin = None
        if pin and pin.version == version:
            integrity = pin.integrity
    dest = _ensure(cache) / _safe_dirname(package, version)
    hit = _cached(dest, integrity)
    if hit:
        return hit

    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        tgz, reported = npm_pack(spec, Path(tmp))
        actual = sha512_integrity(tgz.read_bytes())
        if actual != reported:
            raise SdkFetchError(f"{spec}: npm reported {reported} but the downloaded file hashes to {actual}")
        if integrity and actual != integrity:
            raise SdkFetchError(f"{spec}: integrity mismatch with the pin (expected {integrity}, got {actual})")
        pkg = extract_tgz(tgz, dest)
    (dest / INTEGRITY_MARKER).write_text(actual + "\n", encoding="utf-8")
    return pkg


def read_integrity(package_dir: Path) -> str | None:
    """The verified integrity recorded beside an extracted package, if any."""
    marker = Path(package_dir).parent / INTEGRITY_MARKER
    try:
        return marker.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def fetch_all(pins: PinSet | None = None, cache_dir: Path | None = None, *, pin_path: Path = PIN_PATH) -> dict[str, Path]:
    """Every pinned package, extracted: {package name: package folder}.  Packages missing from the
    cache are packed with one npm call; each is checked against its pin."""
    pins = pins or load_pins(pin_path)
    cache = _ensure(Path(cache_dir) if cache_dir else default_cache_dir())
    out: dict[str, Path] = {}
    missing: list[Pin] = []
    for pin in pins.packages:
        hit = _cached(cache / _safe_dirname(pin.package, pin.version), pin.integrity)
        if hit:
            out[pin.package] = hit
        else:
            missing.append(pin)
    if missing:
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            packed = npm_pack_many([p.spec for p in missing], Path(tmp))
            for pin in missing:
                tgz, reported = packed[pin.spec]
                actual = sha512_integrity(tgz.read_bytes())
                if actual != reported:
                    raise SdkFetchError(f"{pin.spec}: npm reported {reported} but the downloaded file hashes to {actual}")
                if actual != pin.integrity:
                    raise SdkFetchError(f"{pin.spec}: integrity mismatch with the pin (expected {pin.integrity}, got {actual})")
                dest = cache / _safe_dirname(pin.package, pin.version)
                out[pin.package] = extract_tgz(tgz, dest)
                (dest / INTEGRITY_MARKER).write_text(actual + "\n", encoding="utf-8")
    return {p.package: out[p.package] for p in pins.packages}
