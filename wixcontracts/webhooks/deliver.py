"""Deliver a webhook to an integrator's handler the way Wix does, and measure the answer.

    from wixcontracts.webhooks.deliver import deliver

    result = deliver(app, "booking_created")                  # an ASGI or WSGI app, in process
    result = deliver("http://127.0.0.1:8000/webhooks", "booking_canceled", entity=body)
    assert result.ok, result.summary()                        # 2xx within RESPONSE_DEADLINE_MS

``target``: an ASGI app (called in process through ``httpx.ASGITransport``), a WSGI app
(``httpx.WSGITransport``) or an ``http(s)`` URL.  ``event``: anything the catalog resolves
(``booking_created``, ``wix.bookings.v2.booking_created``, ``bookings.booking_created``).
``entity``: the REST-shaped body (the entity of an entity event, the action body of an action
event, the payload of a plain event); without it one is generated, deterministically (``seed``),
from the event's committed payload schema.  The delivery is signed with ``key`` (default: the
cached test pair, :func:`~.keys.cached_key_pair`), so the handler under test verifies it with that
pair's public key.

This module does not refuse any target: the CLI (``wixcontracts webhook send``) applies the
loopback rule; a test calling :func:`deliver` chooses its own target.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .delivery import RESPONSE_DEADLINE_MS, Delivery, build_delivery
from .errors import WebhookError

# a stable, obviously synthetic app instance ID (deliveries are reproducible apart from ids and times)
DEFAULT_INSTANCE_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "wixcontracts:test-instance"))
DEFAULT_TIMEOUT_S = 10.0
# Wix's docs say the body is the JWT text; they name no content type.  We send text/plain.
CONTENT_TYPE = "text/plain; charset=utf-8"
BODY_LIMIT = 64 * 1024  # what a result keeps of the handler's answer


@dataclass
class DeliveryResult:
    """The handler's answer to one delivery.  ``status`` is ``None`` when no answer came (``error``
    says why: connection refused, timeout, the app raised)."""

    status: int | None
    elapsed_ms: float
    body: bytes
    delivery: Delivery
    target: str
    deadline_ms: int = RESPONSE_DEADLINE_MS
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def in_time(self) -> bool:
        return self.elapsed_ms <= self.deadline_ms

    @property
    def ok(self) -> bool:
        """A 2xx answer within the deadline."""
        return self.error is None and self.status is not None and 200 <= self.status < 300 and self.in_time

    @property
    def problems(self) -> list[str]:
        out = []
        if self.error is not None:
            out.append(self.error)
        elif self.status is None or not 200 <= self.status < 300:
            out.append(f"status {self.status}, expected 2xx")
        if not self.in_time:
            out.append(f"answered in {self.elapsed_ms:.0f} ms, over the {self.deadline_ms} ms deadline")
        return out

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def summary(self) -> str:
        """One line: ``ok wix.bookings.v2.booking_created -> URL: 200 in 12 ms (deadline 1250 ms)``."""
        what = f"{self.delivery.event_type} -> {self.target}"
        got = f"status {self.status}" if self.status is not None else "no answer"
        head = "ok" if self.ok else "FAILED"
        line = f"{head} {what}: {got} in {self.elapsed_ms:.0f} ms (deadline {self.deadline_ms} ms)"
        return line + ("" if self.ok else "; " + "; ".join(self.problems))


# ------------------------------------------------------------------ the delivery


def resolve_event(event: Any, catalog=None) -> dict:
    """The catalog entry of ``event`` (a name the catalog resolves, or an entry already)."""
    if isinstance(event, dict) and "event_type" in event:
        return event
    if not isinstance(event, str) or not event.strip():
        raise WebhookError(f"event: expected an event name or type such as 'booking_created', got {event!r}")
    from ..catalog import Catalog, UnknownOperation

    cat = catalog or Catalog()
    try:
        return cat.event(event.strip())
    except UnknownOperation as exc:  # UnknownEvent / AmbiguousEvent
        raise WebhookError(str(exc)) from None


# field-name conventions of the Bookings entities -> a realistic value (applied only where the payload
# schema still accepts it: a value the schema rejects is put back)
_BY_NAME: list[tuple[re.Pattern, Any]] = [
    (re.compile(r"(?i)^(id|.*Id)$"), lambda rng: str(uuid.UUID(int=rng.getrandbits(128), version=4))),
    (re.compile(r"(?i)(date|time)$"), lambda rng: f"2026-05-{rng.randint(10, 28)}T{rng.randint(8, 17):02d}:00:00.000Z"),
    (re.compile(r"(?i)^timezone$"), lambda rng: "Europe/Dublin"),
    (re.compile(r"(?i)email$"), lambda rng: f"guest{rng.randint(100, 999)}@example.com"),
    (re.compile(r"(?i)phone$"), lambda rng: f"+1555{rng.randint(1000000, 9999999)}"),
    (re.compile(r"(?i)^firstName$"), lambda rng: rng.choice(["Ada", "Grace", "Alan", "Edsger"])),
    (re.compile(r"(?i)^lastName$"), lambda rng: rng.choice(["Lovelace", "Hopper", "Turing", "Dijkstra"])),
    (re.compile(r"(?i)^(title|name)$"), lambda rng: rng.choice(["Deep tissue massage", "Yoga class", "Consultation"])),
    (re.compile(r"(?i)^currency$"), lambda rng: "EUR"),
]
_PLACEHOLDER = re.compile(r"^v[0-9a-f]{1,8}x*$")  # what the schema walker makes up for a plain string


def _realistic(value: Any, rng, path: tuple = ()) -> tuple[Any, list[tuple]]:
    """``value`` with generated placeholder strings replaced by the conventions above; and the paths changed."""
    changed: list[tuple] = []
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(v, str) and _PLACEHOLDER.match(v):
                rule = next((f for rx, f in _BY_NAME if rx.search(k)), None)
                if rule is not None:
                    out[k] = rule(rng)
                    changed.append(path + (k,))
                    continue
            out[k], sub = _realistic(v, rng, path + (k,))
            changed += sub
        return out, changed
    if isinstance(value, list):
        items = []
        for i, v in enumerate(value):
            item, sub = _realistic(v, rng, path + (i,))
            items.append(item)
            changed += sub
        return items, changed
    return value, changed


def _put_back(value: Any, original: Any, path: tuple) -> None:
    for p in path[:-1]:
        value, original = value[p], original[p]
    value[path[-1]] = original[path[-1]]


def example_entity(event: Any, seed: int | str = 0, catalog=None) -> Any:
    """A deterministic body for ``event`` generated from its committed payload schema (``None`` for an
    event that carries none): every documented field, enum values from the contract, UUIDs, dates,
    names and emails where the field names say so -- and always valid against the payload schema."""
    import random

    import jsonschema_rs

    from ..catalog import Catalog
    from ..fixtures.schemawalk import generate

    entry = resolve_event(event, catalog)
    if not entry["schemas"].get("payload"):
        return None
    cat = catalog or Catalog()
    schema = cat.event_schema(entry["id"], "payload")
    validator = jsonschema_rs.validator_for(schema)
    raw = _prune(generate(schema, seed=f"{entry['event_type']}:{seed}"), validator)
    nicer, changed = _realistic(raw, random.Random(f"{entry['event_type']}:{seed}:names"))
    if changed and not validator.is_valid(nicer):
        paths = {tuple(e.instance_path) for e in validator.iter_errors(nicer)}
        for path in changed:
            if any(path[:len(bad)] == bad or bad[:len(path)] == path for bad in paths):
                _put_back(nicer, raw, path)
        if not validator.is_valid(nicer):
            return raw
    return nicer


def _prune(instance: Any, validator, rounds: int = 8) -> Any:
    """``instance`` with every value the schema rejects left out (the generator knows most constraints,
    not all: a ``maximum``, a ``pattern``): an optional field or an array item goes, so what remains
    is valid.  A rejected root is returned as it is."""
    for _ in range(rounds):
        paths = sorted({tuple(e.instance_path) for e in validator.iter_errors(instance)}, reverse=True,
                       key=lambda p: (len(p), tuple((1, x) if isinstance(x, int) else (0, str(x)) for x in p)))
        if not paths:
            break
        if any(not p for p in paths):
            return instance
        for path in paths:
            parent = instance
            try:
                for part in path[:-1]:
                    parent = parent[part]
                if isinstance(parent, dict):
                    parent.pop(path[-1], None)
                elif isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent):
                    del parent[path[-1]]
            except (KeyError, IndexError, TypeError):
                continue
    return instance


def make_delivery(event: Any, entity: Any = None, *, instance_id: str = DEFAULT_INSTANCE_ID, key: Any = None,
                  seed: int | str = 0, catalog=None, **kw) -> tuple[str, Delivery]:
    """(JWT text, layers) for ``event``; ``kw`` goes to :func:`~.delivery.build_delivery` (``form``,
    ``identity``, ``app_id``, ``event_id``, ``event_time``, ``modified_fields`` ...)."""
    from .keys import cached_key_pair

    entry = resolve_event(event, catalog)
    if entity is None:
        entity = example_entity(entry, seed, catalog)
    key = cached_key_pair() if key is None else key
    return build_delivery(entry["event_type"], entity, instance_id=instance_id, key=key, kind=entry["kind"],
                          slug=entry["slug"], entity_fqdn=entry["entity_fqdn"], **kw)


# ------------------------------------------------------------------ transports


def target_kind(target: Any) -> str:
    """``url``, ``asgi`` or ``wsgi``."""
    if isinstance(target, str):
        if not target.startswith(("http://", "https://")):
            raise WebhookError(f"target {target!r}: expected an http(s) URL, an ASGI app or a WSGI app")
        return "url"
    if not callable(target):
        raise WebhookError(f"target: expected an http(s) URL, an ASGI app or a WSGI app, got {type(target).__name__}")
    call = target if inspect.isfunction(target) or inspect.ismethod(target) else getattr(target, "__call__", target)
    if inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(target):
        return "asgi"
    try:
        params = [p for p in inspect.signature(call).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return "wsgi"
    return "asgi" if len(params) == 3 else "wsgi"


def _url(path: str) -> str:
    return "http://testserver" + (path if path.startswith("/") else "/" + path)


def _post_sync(client, url: str, body: bytes, headers: dict) -> tuple[Any, float]:
    start = time.perf_counter()
    resp = client.post(url, content=body, headers=headers)
    resp.read()
    return resp, (time.perf_counter() - start) * 1000


async def _post_asgi(app, url: str, body: bytes, headers: dict, timeout: float) -> tuple[Any, float]:
    import httpx

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
        start = time.perf_counter()
        resp = await client.post(url, content=body, headers=headers)
        await resp.aread()
        return resp, (time.perf_counter() - start) * 1000


def _run(coro):
    """Run ``coro`` to completion, also from inside a running event loop (in a helper thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict = {}

    def main():
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    t = threading.Thread(target=main, name="wixcontracts-deliver")
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


@functools.cache
def tls_context():
    """httpx's default TLS settings, made once per process: a new client would load the CA bundle again
    (~17 ms of CPU per delivery, even to an ``http://`` URL: the emulator's subscribers, the SPI tester)."""
    import httpx

    return httpx.create_ssl_context()


def post(target: Any, body: bytes | str, *, path: str = "/", headers: dict | None = None,
         timeout: float = DEFAULT_TIMEOUT_S, kind: str | None = None) -> tuple[int | None, float, bytes, dict, str | None, str]:
    """POST ``body`` to ``target``: (status, elapsed ms, answer body, answer headers, error, target label).
    A transport failure (refused, timeout, the app raised) is an ``error`` string, never an exception."""
    import httpx

    kind = kind or target_kind(target)
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    hdrs = {"content-type": CONTENT_TYPE, "user-agent": "wixcontracts-webhook", **(headers or {})}
    label = target if kind == "url" else f"{kind} app {getattr(target, '__name__', type(target).__name__)}{path}"
    start = time.perf_counter()
    try:
        if kind == "url":
            with httpx.Client(timeout=timeout, follow_redirects=False, verify=tls_context()) as client:
                resp, ms = _post_sync(client, target, data, hdrs)
        elif kind == "wsgi":
            with httpx.Client(transport=httpx.WSGITransport(app=target), timeout=timeout) as client:
                resp, ms = _post_sync(client, _url(path), data, hdrs)
        elif kind == "asgi":
            resp, ms = _run(_post_asgi(target, _url(path), data, hdrs, timeout))
        else:
            raise WebhookError(f"kind {kind!r}: expected url, asgi or wsgi")
    except httpx.TimeoutException:
        return None, (time.perf_counter() - start) * 1000, b"", {}, f"no answer within {timeout:g} s", label
    except httpx.HTTPError as exc:
        return None, (time.perf_counter() - start) * 1000, b"", {}, f"{type(exc).__name__}: {exc}", label
    except WebhookError:
        raise
    except Exception as exc:  # an in-process app that raised: the handler's bug, reported as a result
        return None, (time.perf_counter() - start) * 1000, b"", {}, f"the app raised {type(exc).__name__}: {exc}", label
    return resp.status_code, ms, resp.content[:BODY_LIMIT], dict(resp.headers), None, label


def deliver(target: Any, event: Any, entity: Any = None, *, instance_id: str = DEFAULT_INSTANCE_ID, key: Any = None,
            path: str = "/", seed: int | str = 0, timeout: float = DEFAULT_TIMEOUT_S,
            deadline_ms: int = RESPONSE_DEADLINE_MS, headers: dict | None = None, kind: str | None = None,
            catalog=None, **kw) -> DeliveryResult:
    """Build a signed delivery of ``event`` (see :func:`make_delivery`; ``kw``: ``form``, ``identity``,
    ``app_id``, ``event_time`` ...), POST it to ``target`` (``path`` for in-process apps), and return the
    answer with its latency.  Bad arguments (unknown event, bad key) raise WebhookError; a handler
    that fails or does not answer is a result with ``ok == False``."""
    token, delivery = make_delivery(event, entity, instance_id=instance_id, key=key, seed=seed, catalog=catalog, **kw)
    status, ms, body, hdrs, error, label = post(target, token, path=path, headers=headers, timeout=timeout, kind=kind)
    return DeliveryResult(status=status, elapsed_ms=ms, body=body, delivery=delivery, target=label,
                          deadline_ms=deadline_ms, error=error, headers=hdrs)


__all__ = ["DEFAULT_INSTANCE_ID", "DeliveryResult", "deliver", "example_entity", "make_delivery", "post",
           "resolve_event", "target_kind"]
