"""The emulator's domain events as the webhooks Wix would send for them.

Every state change of the emulator records a :class:`~wixcontracts.emulator.events.DomainEvent`
(``booking_created``, ``booking_canceled``, ``service_updated`` ...).  This module turns one into a signed
delivery (:func:`delivery_of`: the same layers and keys as ``wixcontracts webhook build``), and
:class:`Forwarder` posts each new event to a registered URL in a background thread, in order
(``wixcontracts serve --webhook-url URL``), so a slow or absent handler never holds up the emulator.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Any

from .deliver import DEFAULT_INSTANCE_ID, DEFAULT_TIMEOUT_S, RESPONSE_DEADLINE_MS, post, resolve_event
from .delivery import Delivery, build_delivery
from .errors import WebhookError


def delivery_of(event, *, key: Any = None, instance_id: str = DEFAULT_INSTANCE_ID, catalog=None,
                form: str = "json-string") -> tuple[str, Delivery]:
    """(JWT text, layers) of the webhook Wix would send for one emulator event: the event's own id, entity id
    and time; the entity as the emulator holds it after the change (a deleted entity's event has no body)."""
    from .keys import cached_key_pair

    entry = resolve_event(event.type, catalog)
    key = cached_key_pair() if key is None else key
    return build_delivery(entry["event_type"], event.entity, instance_id=instance_id, key=key, kind=entry["kind"],
                          slug=entry["slug"], entity_fqdn=entry["entity_fqdn"], event_id=event.id,
                          entity_id=event.entity_id, event_time=event.time, form=form)


@dataclass
class Sent:
    """One forwarded event: its type and id, the HTTP status (None: not delivered) and latency."""

    event_type: str
    event_id: str
    status: int | None
    elapsed_ms: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.elapsed_ms <= RESPONSE_DEADLINE_MS


class Forwarder:
    """An emulator listener (``emulator.on_event(Forwarder(url))``) that delivers each event to ``url``."""

    def __init__(self, url: str, *, key: Any = None, instance_id: str = DEFAULT_INSTANCE_ID,
                 timeout: float = DEFAULT_TIMEOUT_S, catalog=None, form: str = "json-string"):
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise WebhookError(f"webhook URL {url!r}: expected an http(s) URL")
        self.url, self.key, self.instance_id, self.timeout, self.catalog, self.form = \
            url, key, instance_id, timeout, catalog, form
        self.sent: list[Sent] = []
        self._queue: queue.Queue = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="wixcontracts-webhooks", daemon=True)
        self._worker.start()

    def __call__(self, event) -> None:
        self._queue.put(event)

    def _run(self) -> None:
        while True:
            event = self._queue.get()
            try:
                if event is None:
                    return
                self.sent.append(self._deliver(event))
            finally:
                self._queue.task_done()

    def _deliver(self, event) -> Sent:
        try:
            token, _ = delivery_of(event, key=self.key, instance_id=self.instance_id, catalog=self.catalog,
                                   form=self.form)
        except WebhookError as e:  # an event type no pinned package declares: reported, never raised
            return Sent(event.type, event.id, None, 0.0, str(e))
        status, ms, _body, _headers, error, _label = post(self.url, token, timeout=self.timeout, kind="url")
        return Sent(event.type, event.id, status, ms, error)

    def flush(self) -> list[Sent]:
        """Wait until every event queued so far is delivered; the deliveries made so far."""
        self._queue.join()
        return list(self.sent)

    def close(self) -> None:
        self._queue.put(None)
        self._worker.join(self.timeout + 5)
