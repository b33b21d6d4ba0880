"""EXPLODE and CUBE_EXPLODE: the values of the rows one input row becomes.

ksqlDB's corpus covers EXPLODE (test_corpus runs explode.json and table-functions.json); these
rows add CUBE_EXPLODE, which the corpus does not exercise, and the type and error edges.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ksqlmv.engine.functions import FunctionRegistry
from ksqlmv.errors import AnalysisError, FunctionError
from ksqlmv.sql import types as t

CASES: list[tuple[str, t.SqlType, Any, list[Any]]] = [
    ("EXPLODE", t.ArrayType(t.INTEGER), [1, 2, 3], [1, 2, 3]),
    ("EXPLODE", t.ArrayType(t.INTEGER), [], []),
    ("EXPLODE", t.ArrayType(t.INTEGER), None, []),
    ("EXPLODE", t.ArrayType(t.STRING), ["a", None], ["a", None]),
    (
        "CUBE_EXPLODE",
        t.ArrayType(t.STRING),
        ["a", "b"],
        [[None, None], [None, "b"], ["a", None], ["a", "b"]],
    ),
    ("CUBE_EXPLODE", t.ArrayType(t.INTEGER), [1, None], [[None, None], [1, None]]),
    ("CUBE_EXPLODE", t.ArrayType(t.INTEGER), [None, None], [[None, None]]),
    ("CUBE_EXPLODE", t.ArrayType(t.INTEGER), [], [[]]),
    ("CUBE_EXPLODE", t.ArrayType(t.INTEGER), None, []),
]


@pytest.mark.parametrize(("name", "kind", "value", "expected"), CASES)
def test_rows(
    registry: FunctionRegistry, name: str, kind: t.SqlType, value: Any, expected: list[Any]
) -> None:
    call = registry.resolve_table(name, [kind])
    assert call.bound()(value) == expected


def test_explode_keeps_the_element_type(registry: FunctionRegistry) -> None:
    call = registry.resolve_table("explode", [t.ArrayType(t.DecimalType(5, 2))])
    assert call.return_type == t.DecimalType(5, 2)
    assert call.bound()([Decimal("1.50")]) == [Decimal("1.50")]
    nested = registry.resolve_table("EXPLODE", [t.ArrayType(t.ArrayType(t.BIGINT))])
    assert nested.return_type == t.ArrayType(t.BIGINT)


def test_cube_explode_returns_arrays(registry: FunctionRegistry) -> None:
    call = registry.resolve_table("CUBE_EXPLODE", [t.ArrayType(t.DOUBLE)])
    assert call.return_type == t.ArrayType(t.DOUBLE)


def test_cube_explode_refuses_more_than_twenty_columns(registry: FunctionRegistry) -> None:
    call = registry.resolve_table("CUBE_EXPLODE", [t.ArrayType(t.INTEGER)])
    assert len(call.bound()(list(range(10)))) == 1024
    with pytest.raises(FunctionError, match=r"too many columns \(21\); max is 20"):
        call.bound()(list(range(21)))


def test_explode_refuses_a_map(registry: FunctionRegistry) -> None:
    with pytest.raises(AnalysisError, match="does not accept parameters"):
        registry.resolve_table("EXPLODE", [t.MapType(t.STRING, t.INTEGER)])


def test_scalar_names_are_not_table_functions(registry: FunctionRegistry) -> None:
    with pytest.raises(AnalysisError, match="Can not find any table functions with the name 'ABS'"):
        registry.resolve_table("ABS", [t.INTEGER])
