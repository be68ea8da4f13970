"""In-process emulator of the Wix Bookings writer v2 REST API, driven by the committed contracts."""

from .core import Emulator

__all__ = ["Emulator"]
