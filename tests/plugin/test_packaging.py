"""The built wheel, as an integrator installs it: the core alone in a fresh venv, next to the versions
other apps pin; the plugin runs an integrator's suite there; extras say when they are missing."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# what an app next to wixcontracts may pin (FastAPI 0.115 pins starlette <0.39: the core must not need starlette)
BESIDE = ["fastapi==0.115.0", "django>=5,<6", "httpx==0.27.2", "rich==13.9.4", "pytest==8.3.5"]

pytestmark = pytest.mark.slow


def _pip(python: str | Path, *args, timeout=600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    return subprocess.run([str(python), "-m", "pip", *args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    import importlib.util

    iso = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]  # dev has hatchling
    p = _pip(sys.executable, "wheel", "--no-deps", *iso, "-q", "-w", str(out), str(ROOT))
    if p.returncode != 0 and _unreachable(p):
        pytest.skip(f"package index unreachable (hatchling): {p.stderr.strip().splitlines()[-1]}")
    if p.returncode != 0:
        pytest.fail(f"wheel build failed: {p.stderr[-2000:]}")
    return next(out.glob("wixcontracts-*.whl"))


@functools.cache
def _uv_bin() -> str | None:
    try:
        import uv
    except ImportError:
        return None
    try:
        return uv.find_uv_bin()
    except FileNotFoundError:
        return None


def _uv(_python, *args, timeout=600) -> subprocess.CompletedProcess:
    """``uv pip ARGS``, called like :func:`_pip` (``--python PY COMMAND ...``; pip's interpreter, the first
    argument, is not needed; uv byte-compiles nothing unless told to, so ``--no-compile`` goes)."""
    assert args[0] == "--python"
    command, rest = args[2], [a for a in args[3:] if a != "--no-compile"]
    return _uv_pip(command, "--python", args[1], *rest, timeout=timeout)


def _uv_pip(*args, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([_uv_bin(), "pip", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "UV_NO_PROGRESS": "1"})


def _unreachable(p: subprocess.CompletedProcess) -> bool:
    text = p.stdout + p.stderr
    return any(s in text for s in ("Could not find a version", "No matching distribution", "Network is unreachable",
                                   "Temporary failure in name resolution", "Max retries exceeded",
                                   "Failed to fetch", "error sending request", "dns error"))  # the last: uv's


def _resolve(wheel: Path, tmp_path: Path) -> dict[str, str]:
    """name -> version of what installing the wheel beside BESIDE resolves to: uv's resolver (``uv pip
    compile``, the dev extra) when it is there, a fifth of the time of pip's (``pip install --dry-run``)."""
    if _uv_bin():
        reqs = tmp_path / "requirements.in"
        reqs.write_text("\n".join([f"wixcontracts @ {wheel.resolve().as_uri()}", *BESIDE]) + "\n")
        p = _uv_pip("compile", "-q", "--no-header", "--no-annotate", str(reqs))
        if p.returncode != 0 and _unreachable(p):
            pytest.skip(f"package index unreachable: {p.stderr.strip().splitlines()[-1]}")
        assert p.returncode == 0, p.stderr[-3000:]
        pins = [line.split("==", 1) for line in p.stdout.splitlines() if "==" in line and not line.startswith("#")]
        return {name.strip().lower(): version.strip() for name, version in pins}
    rep = tmp_path / "report.json"
    p = _pip(sys.executable, "install", "--dry-run", "--ignore-installed", "-q", "--report", str(rep),
             str(wheel), *BESIDE)
    if p.returncode != 0 and _unreachable(p) and not rep.exists():
        pytest.skip(f"package index unreachable: {p.stderr.strip().splitlines()[-1]}")
    assert p.returncode == 0, p.stderr[-3000:]
    return {i["metadata"]["name"].lower(): i["metadata"]["version"] for i in json.loads(rep.read_text())["install"]}


def test_core_resolves_beside_pinned_apps(wheel, tmp_path):
    got = _resolve(wheel, tmp_path)
    assert got["httpx"] == "0.27.2" and got["rich"] == "13.9.4" and got["pytest"] == "8.3.5"
    assert got["fastapi"] == "0.115.0" and tuple(map(int, got["starlette"].split(".")[:2])) < (0, 39)
    assert "uvicorn" not in got and "schemathesis" not in got and "tree-sitter" not in got
    assert got["respx"].startswith(("0.22", "0.23"))


def test_wheel_in_a_fresh_project_with_the_oldest_pins(wheel, tmp_path):
    """Core only (no extras) with httpx 0.27.2, rich 13.9.4, pytest 8.3.5: the integrator's suite passes."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)  # the installer works on it from outside (--python)
    py = env_dir / "bin" / "python"
    # uv (the dev extra) when it is there: the same wheel and pins in a sixth of pip's time (files linked from
    # its cache, nothing byte-compiled)
    installer = _uv if _uv_bin() else _pip
    p = installer(sys.executable, "--python", str(py), "install", "-q", "--no-compile", str(wheel),
                  "httpx==0.27.2", "rich==13.9.4", "pytest==8.3.5", "requests")
    if p.returncode != 0 and _unreachable(p):
        pytest.skip(f"package index unreachable: {p.stderr.strip().splitlines()[-1]}")
    assert p.returncode == 0, p.stderr[-3000:]
    frozen = installer(sys.executable, "--python", str(py), "freeze").stdout.lower()
    for absent in ("starlette", "uvicorn", "schemathesis", "tree-sitter", "pyjwt"):
        assert absent not in frozen, absent
    proj = tmp_path / "app"
    shutil.copytree(ROOT / "examples" / "integrator", proj, ignore=shutil.ignore_patterns("__pycache__"))
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    r = subprocess.run([str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=proj, capture_output=True,
                       text=True, timeout=600, env=clean)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "9 passed" in r.stdout
    wc = env_dir / "bin" / "wixcontracts"
    r = subprocess.run([str(wc), "serve"], capture_output=True, text=True, timeout=120, env=clean)
    assert r.returncode == 2 and "needs the [emulator] extra" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([str(wc), "init", str(tmp_path / "new")], capture_output=True, text=True, timeout=120, env=clean)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=tmp_path / "new",
                       capture_output=True, text=True, timeout=600, env=clean)
    assert r.returncode == 0 and "3 passed" in r.stdout, r.stdout[-3000:]
