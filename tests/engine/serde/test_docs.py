"""The examples in the serde package's docstrings run and say what they print."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import ksqlmv.engine.serde as package

MODULES = [package.__name__] + [
    f"{package.__name__}.{info.name}" for info in pkgutil.iter_modules(package.__path__)
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_every_module_states_its_public_names() -> None:
    for name in MODULES:
        module = importlib.import_module(name)
        assert isinstance(module.__all__, list), name
        for public in module.__all__:
            assert hasattr(module, public), f"{name}.{public}"
