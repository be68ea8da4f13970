"""Records live calls as scrubbed fixture files (format v1, ``fixtures.format``).

Scrubbing: ``wixcontracts.fixtures.scrub`` (``ScrubPolicy.for_dir`` + ``scrub_interaction``) when
available; otherwise a minimal scrub here (headers allow-listed, credentials → placeholders). In both
cases the API key / site id / account id values are then masked wherever they still appear."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..fixtures.format import FixtureFile, Interaction, save

ALLOWED_HEADERS = {"content-type", "accept", "x-wix-request-id", "retry-after"}
PLACEHOLDERS = {"authorization": "<redacted>", "wix-site-id": "<site-id>", "wix-account-id": "<account-id>"}


def _policy(folder: Path):
    try:
        from ..fixtures.scrub import ScrubPolicy, scrub_interaction
    except ImportError:
        return None
    try:
        policy = ScrubPolicy.for_dir(folder)
    except Exception:
        return None
    return lambda req, resp: scrub_interaction(req, resp, policy)


def minimal_scrub_headers(headers: dict[str, Any]) -> dict[str, str]:
    out = {}
    for k, v in (headers or {}).items():
        lk = k.lower()
        if lk in PLACEHOLDERS:
            out[lk] = PLACEHOLDERS[lk]
        elif lk in ALLOWED_HEADERS:
            out[lk] = str(v)
    return dict(sorted(out.items()))


class Recorder:
    def __init__(self, out_dir: Path, secrets: list[str] | None = None, source: str = "live",
                 contract_version: str = ""):
        self.out_dir = Path(out_dir)
        self.secrets = [s for s in (secrets or []) if s]
        self.source = source
        self.contract_version = contract_version
        self.files: dict[str, FixtureFile] = {}
        self.written: list[Path] = []
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.scrub = _policy(self.out_dir)

    def _mask(self, value: Any) -> Any:
        if not self.secrets:
            return value
        text = json.dumps(value)
        for s in self.secrets:
            text = text.replace(s, "<redacted>")
        return json.loads(text)

    def add(self, scenario: str, call) -> None:
        req = {"method": call.method, "url": call.url, "headers": dict(call.request_headers), "body": call.request_body}
        resp = {"status": call.status, "headers": dict(call.response_headers), "body": call.response_body}
        if self.scrub is not None:
            req, resp = self.scrub(req, resp)
        else:
            req["headers"], resp["headers"] = minimal_scrub_headers(req["headers"]), minimal_scrub_headers(resp["headers"])
        it = Interaction(operation=call.operation, request=self._mask(req), response=self._mask(resp),
                         source=self.source, recorded_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.files.setdefault(scenario, FixtureFile(contract_version=self.contract_version)).interactions.append(it)

    def flush(self) -> list[Path]:
        for scenario, fx in self.files.items():
            p = self.out_dir / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', scenario).strip('-')}.json"
            save(fx, p)
            if p not in self.written:
                self.written.append(p)
        return self.written
