"""The README as a test: every ```console block is run as written (conventions: README, *Commands*).

* every block runs, in README order, in one temporary copy of the checkout with ``../shared`` beside it
  (a link to the real one) and a ``wixcontracts`` command on PATH that runs the copy's code;
* a line starting with ``$ `` is a command (a trailing ``\\`` continues it), run with bash; the lines
  after it are its output, shown but not compared;
* a command must exit 0 unless its comment says ``# exit N``;
* a command ending in ``&`` starts a server: the next command runs once its ``--port`` accepts
  connections; the server is stopped at the end of the block;
* a block right after ``<!-- not run: REASON -->`` is only checked: bash syntax, and every
  ``wixcontracts`` command in it parses (its command and options exist, its values are accepted).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest

from wixcontracts.build import ROOT

from .trees import link_tree

README = ROOT / "README.md"
SHARED = ROOT.parent / "shared"
BLOCK = re.compile(r"(?:<!--\s*not run:\s*(?P<reason>[^>]*?)\s*-->\s*\n)?^```console\n(?P<body>.*?)^```", re.S | re.M)
EXIT = re.compile(r"\s#\s*exit\s+(\d+)\b")
PORT = re.compile(r"--port[ =](\d+)")


@dataclass
class Command:
    line: int
    text: str
    exit: int = 0
    background: bool = False


@dataclass
class Block:
    line: int
    reason: str | None
    commands: list[Command] = field(default_factory=list)


def parse(text: str) -> list[Block]:
    blocks = []
    for m in BLOCK.finditer(text):
        first = text.count("\n", 0, m.start("body")) + 1
        b = Block(first - 1, m.group("reason"))
        lines = m.group("body").splitlines()
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ "):
                i += 1
                continue
            start, cmd = i, lines[i][2:]
            while cmd.rstrip().endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd = cmd.rstrip()[:-1] + " " + lines[i].strip()
            code = EXIT.search(cmd)
            bare = re.sub(r"\s#.*$", "", cmd).rstrip()  # the comment cut off (no '#' inside the commands)
            b.commands.append(Command(first + start, cmd, int(code.group(1)) if code else 0, bare.endswith("&")))
            i += 1
        blocks.append(b)
    return blocks


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A copy of the checkout (working tree, not git) with ../shared beside it and a `wixcontracts` shim."""
    if not (SHARED / "wix-docs").is_dir():
        pytest.skip("../shared/wix-docs is absent: the README's commands build from it")
    from wixcontracts.sdk.fetch import SdkFetchError, fetch_all

    try:
        fetch_all()
    except SdkFetchError as e:
        pytest.skip(f"the pinned SDK typings cannot be fetched ({e}): the README's build needs them")
    base = tmp_path_factory.mktemp("readme")
    repo = base / "repo"
    skip = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", "reports", "runs",
                                  "build", ".cache", "node_modules", "*.egg-info", ".docs-cache")
    shutil.copytree(ROOT, repo, symlinks=True, ignore=lambda d, names: skip(d, names) | (
        {"schemas"} if Path(d) == ROOT else set()))
    link_tree(ROOT / "schemas", repo / "schemas")  # the README's build replaces files, never writes through them
    (base / "shared").symlink_to(SHARED, target_is_directory=True)
    bin_dir = base / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "wixcontracts"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m wixcontracts "$@"\n')
    shim.chmod(0o755)
    py = bin_dir / "python"  # as in an activated virtualenv: `python` is the project's interpreter
    py.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    py.chmod(0o755)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WIX_", "WIXCONTRACTS_DOCS", "PYTEST", "COLUMNS", "COV_"))}
    # bytecode is written into the copy: each of the ~40 commands would otherwise compile what it imports again
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}", PYTHONPATH=str(repo))
    return repo, env


def run_block(block: Block, cwd: Path, env: dict, output: list[str] | None = None) -> list[str]:
    """Run a block's commands; one message per command whose exit status is not the stated one.
    Each command's stdout is appended to ``output`` when given."""
    problems: list[str] = []
    servers: list[subprocess.Popen] = []
    try:
        for c in block.commands:
            if c.background:
                port = PORT.search(c.text)
                if port and _port_open(int(port.group(1))):
                    pytest.skip(f"README line {c.line}: port {port.group(1)} is in use on this machine")
                servers.append(subprocess.Popen(["bash", "-c", re.sub(r"\s*&\s*(#.*)?$", "", c.text)], cwd=cwd,
                                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                                start_new_session=True))
                deadline = time.monotonic() + 60
                while port and not _port_open(int(port.group(1))):
                    if servers[-1].poll() is not None or time.monotonic() > deadline:
                        problems.append(f"README line {c.line}: server did not start: `{c.text}`: "
                                        + servers[-1].stderr.read().decode(errors="replace")[-500:])
                        return problems
                    time.sleep(0.1)
                continue
            p = subprocess.run(["bash", "-c", c.text], cwd=cwd, env=env, capture_output=True, text=True,
                               timeout=900)
            if output is not None:
                output.append(p.stdout)
            if p.returncode != c.exit:
                problems.append(f"README line {c.line}: `{c.text}` exited {p.returncode}, the README says "
                                f"{c.exit}\n--- stdout (end)\n{p.stdout[-1500:]}\n--- stderr (end)\n{p.stderr[-1500:]}")
            if "Traceback (most recent call last)" in p.stderr:
                problems.append(f"README line {c.line}: `{c.text}` printed a traceback:\n{p.stderr[-1500:]}")
    finally:
        for s in servers:
            try:
                os.killpg(s.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                s.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(s.pid, signal.SIGKILL)
                s.wait(10)
    return problems


@pytest.mark.slow
def test_readme_console_blocks_run_as_written(sandbox):
    repo, env = sandbox
    text = (repo / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in parse(text) if b.reason is None]
    assert sum(len(b.commands) for b in blocks) >= 30, "the README lost its commands?"
    webhooks = text.index("## Webhooks and service plugins")
    webhooks_line = text.count("\n", 0, webhooks) + 1
    webhooks_end = text.count("\n", 0, text.index("\n## ", webhooks + 1)) + 1
    problems: list[str] = []
    said: list[str] = []
    for b in blocks:
        problems += run_block(b, repo, env, said if webhooks_line < b.line < webhooks_end else None)
    assert not problems, "\n\n".join(problems)
    # the webhooks block does what its section says: a delivery built, validated, sent and answered; the
    # example pricing provider passes its spi test; the saved deliveries show no drift
    out = " ".join(" ".join(said).split())
    for phrase in ("valid delivery.jwt: wix.bookings.v2.booking_created",
                   "ok wix.bookings.v2.booking_created -> http://127.0.0.1:8790/webhooks: status 200",
                   "3/3 calls ok, 0 error(s) across 1 method(s)", "**0 breaking**, 0 informational"):
        assert phrase in out, f"the README's webhooks block no longer prints {phrase!r}:\n{out[-2000:]}"


def _check_syntax(c: Command) -> list[str]:
    """bash -n, then the wixcontracts part parsed by the CLI itself (no command is run)."""
    from wixcontracts.cli import app

    p = subprocess.run(["bash", "-n", "-c", c.text], capture_output=True, text=True)
    if p.returncode:
        return [f"README line {c.line}: bash: {p.stderr.strip()}"]
    words = shlex.split(re.sub(r"\s#.*$", "", c.text))
    while words and re.match(r"^\w+=", words[0]):
        words.pop(0)
    if not words or words[0] != "wixcontracts":
        return []
    cmd, args, path = app, words[1:], ["wixcontracts"]
    while args and isinstance(cmd, click.Group) and cmd.get_command(None, args[0]) is not None:
        path.append(args[0])
        cmd = cmd.get_command(None, args.pop(0))
    if isinstance(cmd, click.Group):
        return [f"README line {c.line}: `{' '.join(path)}` needs a subcommand"]
    try:
        cmd.make_context(" ".join(path), list(args))
    except Exception as e:  # noqa: BLE001 - a click usage error
        return [f"README line {c.line}: `{c.text}`: {e}"]
    return []


def test_not_run_blocks_are_valid_commands():
    blocks = [b for b in parse(README.read_text(encoding="utf-8")) if b.reason is not None]
    assert blocks and all(b.reason for b in blocks)
    problems = [p for b in blocks for c in b.commands for p in _check_syntax(c)]
    assert not problems, "\n".join(problems)


def test_the_harness_fails_on_a_wrong_exit_status(tmp_path):
    """The conventions really assert something: a wrong status, a missing `# exit`, a bad option."""
    text = ("```console\n$ true\n$ false                 # exit 1\n$ exit 3   # exit 2\n$ false\n```\n\n"
            "<!-- not run: example -->\n```console\n$ wixcontracts validate --no-such-flag x\n"
            "$ wixcontracts check --allow-skip\n```\n")
    blocks = parse(text)
    assert [b.reason for b in blocks] == [None, "example"]
    assert [(c.text.split()[0], c.exit) for c in blocks[0].commands] == [("true", 0), ("false", 1), ("exit", 2),
                                                                          ("false", 0)]
    problems = run_block(blocks[0], tmp_path, dict(os.environ))
    assert len(problems) == 2 and "exited 3" in problems[0] and "exited 1, the README says 0" in problems[1]
    checked = [_check_syntax(c) for c in blocks[1].commands]
    assert "No such option" in checked[0][0] and "--no-such-flag" in checked[0][0] and checked[1] == []


def test_conventions_are_documented_where_the_commands_start():
    text = README.read_text(encoding="utf-8")
    commands = text[text.index("## Commands"):]
    for phrase in ("This README is a test", "`# exit N`", "ending in `&`", "<!-- not run: REASON -->"):
        assert phrase in commands[:1200], phrase
