"""Python's cyclic garbage collector, paused around work that makes many objects and keeps most of them.

The collector runs every 700 new container objects and walks the young ones; work that builds a large,
long-lived model (a docs compile, a whole-API build, the errors of a huge payload) makes it walk the same
objects over and over, for no garbage.  Inside :func:`paused` it does not run; it is restored on the way out
(a caller that had it off keeps it off)."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
