"""Registers the consumer commands (validate, check, serve, ...) on the CLI app.
Each lives in its own module; this file only wires them up."""

from .cli import app  # noqa: F401
