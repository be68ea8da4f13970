"""Client-side token bucket. Defaults keep any 60 s window under 200 requests
(capacity 10 + 150/min refill = at most 160 in a minute). Clock and sleep are injectable."""

from __future__ import annotations

import time
from typing import Callable


class TokenBucket:
    def __init__(self, per_minute: float = 150.0, capacity: float = 10.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        if per_minute <= 0 or capacity < 1:
            raise ValueError("per_minute must be > 0 and capacity >= 1")
        if capacity + per_minute >= 200:
            raise ValueError("capacity + per_minute must stay under Wix's 200 requests/minute")
        self.rate = per_minute / 60.0
        self.capacity = capacity
        self.tokens = capacity
        self.clock, self.sleep = clock, sleep
        self.last = clock()
        self.waited = 0.0

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now

    def acquire(self) -> float:
        """Take one token, sleeping as long as needed; returns the time slept."""
        self._refill()
        slept = 0.0
        while self.tokens < 1 - 1e-9:  # tolerance: float sums must not loop on a 1e-16 deficit
            wait = max((1 - self.tokens) / self.rate, 1e-3)
            self.sleep(wait)
            slept += wait
            self._refill()
        self.tokens = max(self.tokens - 1, 0.0)
        self.waited += slept
        return slept
