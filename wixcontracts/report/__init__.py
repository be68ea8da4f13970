"""Report formats shared by every command that writes one: ``junit`` (JUnit XML valid against the
common JUnit XSD) and ``sarif`` (SARIF 2.1.0 logs whose locations are files of the user's repository)."""

from __future__ import annotations

from . import junit, sarif

__all__ = ["junit", "sarif"]
