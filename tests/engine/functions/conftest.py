"""Fixtures for the function library's tests."""

from __future__ import annotations

import pytest

from ksqlmv.engine.functions import FunctionRegistry, builtin_registry


@pytest.fixture(scope="session")
def registry() -> FunctionRegistry:
    """The built-in function registry."""
    return builtin_registry()
