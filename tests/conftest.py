"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

# embedded_broker, embedded_stack_factory: the embedded stack for tests (ksqlmv.local)
pytest_plugins = ["ksqlmv.local.pytest_plugin"]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout's top-level folder."""
    return REPO_ROOT
