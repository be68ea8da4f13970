"""wixcontracts: contracts for the Wix Bookings REST API, compiled from the Wix docs.

Public API (imported lazily so the CLI starts fast)::

    from wixcontracts import Contracts
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["Contracts"]


def __getattr__(name: str):
    if name == "Contracts":
        from .validate import Contracts

        return Contracts
    raise AttributeError(name)
