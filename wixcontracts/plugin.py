"""The pytest plugin's entry point (``pytest11`` ``wixcontracts`` → this module).

The plugin lives in the ``wixcontracts.pytest_plugin`` package; this module only re-exports its hooks,
its fixture and its public names, so the entry point (and ``from wixcontracts.plugin import …``) stays
what it was."""

__all__ = ["BASE_URL", "Call", "Calls", "WixApi", "WixContractViolation", "WixRecordingWarning", "format_violation",
           "pytest_addoption", "pytest_configure", "pytest_runtest_makereport", "pytest_sessionfinish",
           "pytest_terminal_summary", "pytest_testnodedown", "wix_api"]

from .pytest_plugin import (  # noqa: F401,E402
    BASE_URL,
    Call,
    Calls,
    WixApi,
    WixContractViolation,
    WixRecordingWarning,
    format_violation,
    pytest_addoption,
    pytest_configure,
    pytest_runtest_makereport,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
    wix_api,
)
