"""Validate requests, responses and whole exchanges against the committed contracts.

    from wixcontracts.validate import Contracts
    c = Contracts.load()
    r = c.validate_request("declineMultiServiceBooking", body)
    r.ok, r.errors, r.warnings
"""

from .contracts import Contracts
from .engine import UsageError
from .findings import Finding, Result

__all__ = ["Contracts", "Finding", "Result", "UsageError"]
