"""Compiled expressions behave as ksqlDB's generated Java does: typed, NULL-aware, Java-exact."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ksqlmv.engine.engine import KsqlEngine

# (column declarations, SELECT expression, input row, expected value of column X)
CASES = [
    # INT arithmetic wraps on overflow; integer division truncates toward zero.
    ("A INT, B INT", "A + B AS X", {"A": 2147483647, "B": 1}, -2147483648),
    ("A INT, B INT", "A / B AS X", {"A": 7, "B": -2}, -3),
    ("A INT, B INT", "A % B AS X", {"A": -7, "B": 2}, -1),
    ("A BIGINT, B INT", "A * B AS X", {"A": 3, "B": 4}, 12),
    # Division by zero is an error, and an error makes the expression NULL.
    ("A INT, B INT", "A / B AS X", {"A": 1, "B": 0}, None),
    # A DOUBLE divided by zero is infinite (JSON cannot hold it: the value becomes NULL).
    ("A DOUBLE", "A * 2 AS X", {"A": 1.5}, Decimal("3.0")),
    # DECIMAL arithmetic keeps ksqlDB's precision and scale.
    ("D DECIMAL(4, 2)", "D * 2 AS X", {"D": 1.25}, Decimal("2.50")),
    ("D DECIMAL(4, 2)", "D + 1.5 AS X", {"D": 1.25}, Decimal("2.75")),
    # NULL operands: arithmetic is NULL; comparisons are false, so NOT of one is true.
    ("A INT", "A + 1 AS X", {"A": None}, None),
    ("A INT", "A = 1 AS X", {"A": None}, False),
    ("A INT", "NOT (A = 1) AS X", {"A": None}, True),
    ("A INT", "A IS NULL AS X", {"A": None}, True),
    ("A INT, B INT", "A IS DISTINCT FROM B AS X", {"A": None, "B": 1}, True),
    ("A INT, B INT", "A IS NOT DISTINCT FROM B AS X", {"A": None, "B": None}, True),
    # A NULL boolean operand of AND is an error: the whole expression is NULL.
    ("A BOOLEAN, B BOOLEAN", "A AND B AS X", {"A": True, "B": None}, None),
    ("A BOOLEAN, B BOOLEAN", "A AND B AS X", {"A": False, "B": None}, False),
    # CASE, IN, BETWEEN, LIKE.
    ("A INT", "CASE WHEN A > 1 THEN 'big' ELSE 'small' END AS X", {"A": 5}, "big"),
    ("A INT", "CASE WHEN A > 1 THEN 'big' END AS X", {"A": 0}, None),
    ("A INT", "A IN (1, 2, 3) AS X", {"A": 2}, True),
    ("A INT", "A IN (1, NULL) AS X", {"A": None}, False),
    ("A BIGINT", "A BETWEEN 1 AND 3 AS X", {"A": 3}, True),
    ("S STRING", "S LIKE 'a%c' AS X", {"S": "abbc"}, True),
    ("S STRING", "S LIKE 'a\\_c' ESCAPE '\\' AS X", {"S": "a_c"}, True),
    # Casts: a failed cast is NULL.
    ("S STRING", "CAST(S AS INT) AS X", {"S": " 12 "}, 12),
    ("S STRING", "CAST(S AS INT) AS X", {"S": "twelve"}, None),
    ("A DOUBLE", "CAST(A AS STRING) AS X", {"A": 1e7}, "1.0E7"),
    ("A INT", "CAST(A AS DECIMAL(5, 2)) AS X", {"A": 12}, Decimal("12.00")),
    # Strings: + concatenates.
    ("S STRING", "S + '!' AS X", {"S": "hi"}, "hi!"),
    # Collections: 1-based array subscripts, negative from the end, out of range is NULL.
    ("ARR ARRAY<INT>", "ARR[1] AS X", {"ARR": [10, 20, 30]}, 10),
    ("ARR ARRAY<INT>", "ARR[-1] AS X", {"ARR": [10, 20, 30]}, 30),
    ("ARR ARRAY<INT>", "ARR[5] AS X", {"ARR": [10, 20, 30]}, None),
    ("M MAP<STRING, INT>", "M['k'] AS X", {"M": {"k": 4}}, 4),
    ("ST STRUCT<F INT>", "ST->F AS X", {"ST": {"F": 9}}, 9),
    ("ST STRUCT<F INT>", "ST->F AS X", {"ST": None}, None),
    ("A INT", "ARRAY[A, 2] AS X", {"A": 1}, [1, 2]),
    ("A INT", "STRUCT(Q := A) AS X", {"A": 1}, {"Q": 1}),
]


@pytest.mark.parametrize(("columns", "select", "row", "expected"), CASES)
def test_expression(
    run_query: Any, columns: str, select: str, row: dict[str, object], expected: object
) -> None:
    out = run_query(columns, select, [row])
    assert out == [{"X": expected}]


@pytest.mark.parametrize(
    ("columns", "where", "rows", "kept"),
    [
        ("A INT", "A > 1", [{"A": 1}, {"A": 2}, {"A": None}], [2]),
        ("S STRING", "S = 'x' OR S = 'y'", [{"S": "x"}, {"S": "z"}, {"S": "y"}], ["x", "y"]),
        # A predicate that fails on a record drops that record and keeps the query going.
        ("A INT, B INT", "A / B > 0", [{"A": 1, "B": 0}, {"A": 4, "B": 2}], [4]),
    ],
)
def test_where(
    run_query: Any, columns: str, where: str, rows: list[dict[str, object]], kept: list[object]
) -> None:
    name = columns.split()[0]
    out = run_query(columns, f"{name} AS X", rows, where=where)
    assert out == [{"X": v} for v in kept]


def test_expression_errors_go_to_the_processing_log(run_query: Any, engine: KsqlEngine) -> None:
    out = run_query("A INT, B INT", "A / B AS X", [{"A": 1, "B": 0}])
    assert out == [{"X": None}]
    entries = engine.processing_log.entries
    assert entries and entries[-1]["message"]["type"] == 1
    assert "by zero" in entries[-1]["message"]["recordProcessingError"]["errorMessage"]
