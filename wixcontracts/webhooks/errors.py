"""The one error class of the webhook tools."""

from __future__ import annotations


class WebhookError(ValueError):
    """A delivery, token, key or layer that cannot be used (one-line message naming what and where)."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))
