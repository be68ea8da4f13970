"""Per-service handlers, registered by operation id in :data:`HANDLERS` (importing this package registers
them all)."""

from . import (anonymous, bookings, extended_bookings, multi_service, resources, services,  # noqa: F401
               staff_members, time_slots)
from .registry import HANDLERS

__all__ = ["HANDLERS"]
