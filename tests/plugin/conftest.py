"""The plugin's own tests run pytest inside pytest (``pytester``).

``pytest_plugins = ["pytester"]`` would be the usual spelling, but pytest ≥ 8 refuses it in a
non-root conftest when the whole suite runs (``Defining 'pytest_plugins' in a non-top-level
conftest is no longer supported``), and the root conftest belongs to everyone.  Registering the
plugin from this conftest's ``pytest_configure`` is what a test module's ``pytest_plugins`` does."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config):
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")


@pytest.fixture
def root() -> Path:
    return ROOT
