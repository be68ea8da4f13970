"""A test's cassette: its own fixture file plus the shared ones its marker names, the record mode
(``wixcontracts.fixtures.record`` documents the modes and the layout), replay matching, and what gets
recorded.

Matching (VCR.py's default, ``method`` + ``uri``): a recorded interaction answers a request of the same
operation, method and path whose query equals the recorded one once both are scrubbed; among those an
equal body wins, then recording order.  Each recorded interaction answers once.  Replay never needs the
salt: the comparison never depends on pseudonyms."""

from __future__ import annotations

import difflib
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from ..fixtures.format import FixtureError, FixtureFile, load
from ..fixtures.record import REAL_SOURCES, Recorder
from ..fixtures.scrub import SCRUBBED, ScrubPolicy, scrub_path

_NO_SALT = ScrubPolicy(salt=b"")  # for comparisons that never depend on pseudonyms


def _query_key(url: str, fields) -> tuple:
    """The query as scrubbing leaves it; a value scrubbing changes counts only as "changed" (so the
    comparison never depends on a pseudonym, nor on the salt)."""
    sent = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    scrubbed = parse_qsl(urlsplit(_NO_SALT.url(url, fields)).query, keep_blank_values=True)
    return tuple(sorted((k, SCRUBBED if sv == SCRUBBED else v if v == sv else "<p>") for (k, v), (_k, sv) in zip(sent, scrubbed)))


class Cassette:
    def __init__(self, path: Path, mode: str, extra: list[Path], record_source: str):
        self.path = Path(path)
        self.mode = mode
        self.record_source = record_source
        self.existed = self.path.is_file()
        self.files: list[FixtureFile] = []
        self.used: set[tuple[int, int]] = set()
        self.recorder: Recorder | None = None
        self.not_recorded: dict[str, int] = {}
        own = None
        if self.existed and mode not in ("rewrite",):
            own = self._load(self.path)
        if mode not in ("all", "rewrite"):
            if own is not None:
                self.files.append(own)
            for p in extra:
                if p.resolve() != self.path.resolve():
                    self.files.append(self._load(p))
        if mode == "new_episodes" or mode == "all" or mode == "rewrite" or (mode == "once" and not self.existed):
            self.recorder = Recorder(self.path, base=own if mode in ("new_episodes", "all") else None)

    @staticmethod
    def _load(p: Path) -> FixtureFile:
        import pytest

        try:
            return load(p)
        except FixtureError as e:
            pytest.fail(f"wix_api: {e}", pytrace=False)
            raise  # unreachable

    @property
    def replaying(self) -> bool:
        return self.mode in ("none", "once", "new_episodes") and any(f.interactions for f in self.files)

    @property
    def strict(self) -> bool:
        """An unmatched request fails (nothing may be recorded for it)."""
        return self.replaying and self.recorder is None

    # ------------------------------------------------------------ replay
    def _op_of(self, api, it) -> str | None:
        from ..catalog import UnknownOperation

        if it.operation:
            try:
                return api.contracts.catalog.resolve(it.operation)
            except UnknownOperation:
                return None
        hit = api.contracts.route(it.request.get("method", ""), it.request.get("url", ""))
        return hit[0] if hit else None

    def _indexed(self, api) -> dict:
        """(operation, method, path) -> [(file index, interaction index, query key)] in recording order."""
        if getattr(self, "_index", None) is None:
            idx: dict = {}
            for fi, fx in enumerate(self.files):
                for ii, it in enumerate(fx.interactions):
                    op = self._op_of(api, it)
                    ru = str(it.request.get("url") or "")
                    key = (op, str(it.request.get("method", "")).upper(), scrub_path(urlsplit(ru).path))
                    idx.setdefault(key, []).append((fi, ii, ru))
            self._index = idx
        return self._index

    def match(self, api, op: str, method: str, url: str, body):
        """(source, interaction), an ``Outcome`` violation (strict and unmatched), or None."""
        cands = self._indexed(api).get((op, method, scrub_path(urlsplit(url).path)))
        best = None
        if cands:
            fields = _fields(api, op)
            qkey = None
            for pos, (fi, ii, ru) in enumerate(cands):
                qkey = qkey if qkey is not None else _query_key(url, fields)
                if ("?" in ru or "?" in url) and _query_key(ru, fields) != qkey:
                    continue
                it = self.files[fi].interactions[ii]
                if it.request.get("body") == body:
                    best = (pos, fi, ii)
                    break
                if best is None:
                    best = (pos, fi, ii)
        if best is not None:
            pos, fi, ii = best
            del cands[pos]  # each recorded interaction answers once
            self.used.add((fi, ii))
            return f"fixture {self.files[fi].path} interactions[{ii}]", self.files[fi].interactions[ii]
        if self.strict:
            return self._unmatched(api, op, method, url)
        return None

    def _unmatched(self, api, op, method, url):
        from .core import Call

        call = Call(op, None, method=method, url=url)
        return api._violation(call, self.unmatched_text(api, op, method, url))

    def unmatched_text(self, api, op, method, url) -> str:
        from .output import short_path

        cands = []
        want = f"{method} {urlsplit(url).path}?{urlsplit(url).query}"
        for fi, fx in enumerate(self.files):
            for ii, it in enumerate(fx.interactions):
                got = f"{str(it.request.get('method', '')).upper()} {urlsplit(str(it.request.get('url'))).path}?" \
                      f"{urlsplit(str(it.request.get('url'))).query}"
                score = difflib.SequenceMatcher(None, want, got).ratio() + (0.5 if self._op_of(api, it) == op else 0)
                cands.append((score, fi, ii, fx, it, got))
        cands.sort(key=lambda c: -c[0])
        lines = [f"WixContractViolation: {op} ({method} {short_path(url)}) was not recorded "
                 f"(--wix-record-mode {self.mode}: replay only)"]
        if cands:
            _s, fi, ii, fx, it, got = cands[0]
            used = " (already replayed: each recorded interaction answers once)" if (fi, ii) in self.used else ""
            lines.append(f"  nearest recorded: {fx.path} interactions[{ii}]{used}")
            lines.append(f"      recorded: {got.rstrip('?')}")
            lines.append(f"      sent:     {want.rstrip('?')}")
        lines.append("  to record it: --wix-record-mode new_episodes with --wix-live or --wix-base-url")
        return "\n".join(lines)

    # ------------------------------------------------------------ record
    def maybe_record(self, api, name, op, method, url, headers, body, status, rheaders, rbody, source) -> None:
        if self.recorder is None or source is None or source == "injected" or source.startswith("fixture"):
            return
        if source not in REAL_SOURCES and self.record_source != "emulator":
            self.not_recorded[source] = self.not_recorded.get(source, 0) + 1
            return
        self.recorder.add(name, {"method": method, "url": url, "headers": headers, "body": body},
                          {"status": status, "headers": rheaders, "body": rbody}, source,
                          query_fields=_fields(api, name))

    def save(self) -> Path | None:
        return self.recorder.save() if self.recorder is not None else None


_FIELDS: dict[str, frozenset] = {}


def _fields(api, op: str) -> frozenset:
    """The dotted request fields of ``op`` (query parameters the scrubber keeps)."""
    got = _FIELDS.get(op)
    if got is None:
        from ..fixtures.schemawalk import inventory

        try:
            f, _e = inventory(api.contracts.catalog.schema(op, "request"))
        except KeyError:
            f = set()
        got = frozenset(p.strip("/").replace("/", ".") for p in f)
        _FIELDS[op] = got
    return got
