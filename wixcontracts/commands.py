"""Registers the consumer commands (validate, check, serve, ...) on the CLI app.
Each lives in its own module; this file only wires them up."""

from .cli import app  # noqa: F401
from .emulator import serve as _serve_cli  # noqa: F401
from .validate import cli as _validate_cli  # noqa: F401
from .fixtures import cli as _fixtures_cli  # noqa: F401
from .drift import cli as _drift_cli  # noqa: F401  (drift, diff, nightly, live run, docs fetch)
from . import init_cmd as _init_cmd  # noqa: F401  (wixcontracts init)
