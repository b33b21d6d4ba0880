"""The front end's public surface: `ksqlmv.sql` exports what it says, and its examples run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import ksqlmv.sql
from ksqlmv.sql import ast

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(ksqlmv.sql.__path__, prefix="ksqlmv.sql.")
)


def test_all_is_sorted_and_complete() -> None:
    exported = ksqlmv.sql.__all__
    assert exported == sorted(exported)
    assert set(ast.__all__) <= set(exported)
    for name in ("parse", "parse_statement", "parse_expression", "format_sql"):
        assert name in exported
    assert "substitute_variables" in exported
    for name in exported:
        assert hasattr(ksqlmv.sql, name), name


@pytest.mark.parametrize("name", MODULES)
def test_every_module_states_all(name: str) -> None:
    module = importlib.import_module(name)
    assert isinstance(module.__all__, list)
    for exported in module.__all__:
        assert hasattr(module, exported), f"{name}.{exported}"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_nodes_are_frozen_slotted_dataclasses() -> None:
    nodes = [
        value
        for value in vars(ast).values()
        if isinstance(value, type) and issubclass(value, ast.Node)
    ]
    assert len(nodes) > 90
    for node in nodes:
        params = node.__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen, node
        assert "__slots__" in vars(node), node
