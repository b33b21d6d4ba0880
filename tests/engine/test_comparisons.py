"""BETWEEN over mixed DOUBLE and DECIMAL operands compares as ksqlDB does: as decimals, a
DOUBLE through its shortest text (1.11 is 1.11, not 1.1100000000000000977)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("c", "expression", "expected"),
    [
        (1.11, "C BETWEEN 1.0 AND 1.11", True),
        (1.0, "C BETWEEN 1.0 AND 1.11", True),
        (1.12, "C BETWEEN 1.0 AND 1.11", False),
        (0.99, "C BETWEEN 1.0 AND 1.11", False),
        (1.11, "C NOT BETWEEN 1.0 AND 1.11", False),
        (1.11, "C BETWEEN 1 AND 1.11", True),
        (1.11, "C BETWEEN 1.0 AND 2", True),
        (0.3, "C BETWEEN 0.3 AND 0.3", True),
        (1.11, "C >= 1.11", True),
        (1.11, "C <= 1.11", True),
    ],
)
def test_double_against_decimal(run_query, c: float, expression: str, expected: bool) -> None:
    (row,) = run_query("ID INT KEY, C DOUBLE", f"ID, {expression} AS V", [{"C": c}])
    assert row == {"V": expected}
