"""``WixClient``: calls contract operations by name over httpx.

* ``Authorization`` is the raw API key (no ``Bearer``); ``wix-site-id`` (or ``wix-account-id``).
* A token bucket keeps the client under 200 requests/minute.
* Bounded retries with exponential backoff on 429, 5xx (500/502/503/504) and timeouts; a
  ``Retry-After`` header (seconds or HTTP date) overrides the computed delay (capped).
  Note: a retried POST after a 5xx/timeout may have been applied once already; the runner
  therefore cleans up every booking it sees in any response.
* Every ``X-Wix-Request-Id`` is logged (logger ``wixcontracts.live``) and kept in ``request_ids``.
The transport is the test seam: ``httpx.MockTransport``, ``EmulatorTransport`` or ``AsgiSyncTransport``."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Mapping
from urllib.parse import quote

import httpx

from .ratelimit import TokenBucket

log = logging.getLogger("wixcontracts.live")
from ..ir import WIX_API as DEFAULT_BASE_URL  # noqa: E402
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class CredentialsMissing(RuntimeError):
    pass


@dataclass
class Credentials:
    api_key: str
    site_id: str | None = None
    account_id: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Credentials | None":
        env = os.environ if env is None else env
        key = env.get("WIX_API_KEY")
        site, account = env.get("WIX_SITE_ID"), env.get("WIX_ACCOUNT_ID")
        if not key or not (site or account):
            return None
        return cls(key, site or None, account or None)

    def headers(self) -> dict[str, str]:
        h = {"Authorization": self.api_key}
        if self.site_id:
            h["wix-site-id"] = self.site_id
        else:
            h["wix-account-id"] = self.account_id or ""
        return h


@dataclass
class Call:
    operation: str
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: Any
    status: int
    response_headers: dict[str, str]
    response_body: Any
    request_id: str | None = None
    attempts: int = 1
    retries: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class EmulatorTransport(httpx.BaseTransport):
    """In-process transport onto ``Emulator.handle`` (no sockets)."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.count = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        raw = request.url.raw_path.decode("latin-1")
        status, headers, payload = self.emulator.handle(request.method, raw, dict(request.headers), request.read())
        headers = {**headers, "x-wix-request-id": f"emu-{self.count}"}
        return httpx.Response(status, headers=headers, content=json.dumps(payload).encode())


class AsgiSyncTransport(httpx.BaseTransport):
    """``httpx.ASGITransport`` (async only in httpx 0.28) for a sync client, e.g. ``create_app(emu)``."""

    def __init__(self, app):
        self.inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()

        async def go():
            req = httpx.Request(request.method, request.url, headers=request.headers, content=content)
            resp = await self.inner.handle_async_request(req)
            body = await resp.aread()
            return httpx.Response(resp.status_code, headers=resp.headers, content=body)

        return asyncio.run(go())


def retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class WixClient:
    def __init__(self, credentials: Credentials, *, base_url: str = DEFAULT_BASE_URL, catalog=None,
                 transport: httpx.BaseTransport | None = None, bucket: TokenBucket | None = None,
                 sleep: Callable[[float], None] = time.sleep, max_retries: int = 4, backoff: float = 1.0,
                 max_backoff: float = 60.0, timeout: float = 30.0):
        if catalog is None:
            from ..catalog import Catalog

            catalog = Catalog()
        self.credentials, self.catalog = credentials, catalog
        self.base_url = base_url.rstrip("/")
        self.sleep = sleep
        self.bucket = bucket or TokenBucket(sleep=sleep)
        self.max_retries, self.backoff, self.max_backoff = max_retries, backoff, max_backoff
        self.http = httpx.Client(transport=transport, timeout=timeout)
        self.request_ids: list[str] = []
        self.calls: list[Call] = []

    def close(self) -> None:
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def url_for(self, op: dict, path_params: Mapping[str, str] | None) -> str:
        path = op["path"]
        for k, v in (path_params or {}).items():
            path = path.replace("{" + k + "}", quote(str(v), safe=""))
        return self.base_url + path

    def _delay(self, attempt: int, resp: httpx.Response | None) -> float:
        ra = retry_after(resp.headers.get("retry-after")) if resp is not None else None
        d = ra if ra is not None else self.backoff * (2 ** attempt)
        return min(d, self.max_backoff)

    def call(self, operation: str, body: Any = None, path_params: Mapping[str, str] | None = None) -> Call:
        op = self.catalog.operation(operation)
        method, url = op["method"].upper(), self.url_for(op, path_params)
        headers = {**self.credentials.headers(), "Content-Type": "application/json", "Accept": "application/json"}
        if body is None and method in ("GET", "DELETE", "HEAD"):
            content = None
        else:
            content = json.dumps(body if body is not None else {}).encode()
        retries: list[str] = []
        attempt = 0
        while True:
            self.bucket.acquire()
            resp = None
            try:
                resp = self.http.request(method, url, headers=headers, content=content)
            except httpx.TimeoutException as e:
                if attempt >= self.max_retries:
                    raise
                reason = f"timeout ({type(e).__name__})"
            else:
                rid = resp.headers.get("x-wix-request-id")
                if rid:
                    self.request_ids.append(rid)
                log.info("%s %s %s -> %s x-wix-request-id=%s", op["id"], method, url, resp.status_code, rid)
                if resp.status_code not in RETRY_STATUSES or attempt >= self.max_retries:
                    break
                reason = f"HTTP {resp.status_code}"
            delay = self._delay(attempt, resp)
            retries.append(f"{reason}; retry in {delay:.2f}s")
            log.warning("%s: %s, retry %d/%d in %.2fs", op["id"], reason, attempt + 1, self.max_retries, delay)
            self.sleep(delay)
            attempt += 1
        try:
            rbody = resp.json() if resp.content else None
        except ValueError:
            rbody = resp.text
        call = Call(op["id"], method, url, headers, body, resp.status_code, dict(resp.headers), rbody,
                    resp.headers.get("x-wix-request-id"), attempt + 1, retries)
        self.calls.append(call)
        return call
