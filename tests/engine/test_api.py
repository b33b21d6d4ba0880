"""The engine's API module: its names exist and its documented example runs as written."""

from __future__ import annotations

import doctest

import ksqlmv.engine.api as api
import ksqlmv.engine.runtime.codec as codec


def test_every_exported_name_exists() -> None:
    assert all(hasattr(api, name) for name in api.__all__)


def test_documented_examples_run() -> None:
    for module in (api, codec):
        failed, attempted = doctest.testmod(module)
        assert attempted > 0
        assert failed == 0, f"{module.__name__}: {failed} of {attempted} examples failed"
