"""Drift detection (issue 7): observed responses vs the contracts (``response``), contract versus
contract (``diff``), and the reports both produce (``report``)."""
