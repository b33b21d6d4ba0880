"""Table functions: EXPLODE and CUBE_EXPLODE, which turn one row into many.

Each callable returns the list of values for the output rows; an empty list emits no rows (a
NULL array explodes to nothing, as in ksqlDB).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ksqlmv.engine.functions import params as p
from ksqlmv.engine.functions.arguments import ArgType
from ksqlmv.engine.functions.categories import TABLE
from ksqlmv.engine.functions.define import overload, table_function
from ksqlmv.engine.functions.signature import FunctionEntry, param
from ksqlmv.errors import AnalysisError, FunctionError
from ksqlmv.sql import types as t
from ksqlmv.sql.types import SqlType

__all__ = ["FUNCTIONS"]

_T = p.generic("T")
_MAX_COLUMNS = 20


def _explode(values: list[Any] | None) -> list[Any]:
    return [] if values is None else values


def _decimal_item(args: Sequence[ArgType]) -> SqlType:
    first = args[0]
    if not isinstance(first, t.ArrayType):
        raise AnalysisError("explode should be provided with an ARRAY")
    return first.element


def _cube(values: list[Any] | None) -> list[list[Any]]:
    """Every combination of the values and NULL, skipping duplicates for NULL values."""
    if values is None:
        return []
    size = len(values)
    if size > _MAX_COLUMNS:
        raise FunctionError(f"cube_explode: too many columns ({size}); max is {_MAX_COLUMNS}")
    present = 0
    for index, value in enumerate(values):
        if value is not None:
            present |= 1 << (size - 1 - index)
    rows: list[list[Any]] = []
    for mask in range(1 << size):
        if mask & present != mask:
            continue
        rows.append([values[i] if mask & (1 << (size - 1 - i)) else None for i in range(size)])
    return rows


FUNCTIONS: tuple[FunctionEntry, ...] = (
    table_function(
        "cube_explode",
        TABLE,
        "Takes as argument a list of columns and outputs all possible combinations of them. It "
        "produces 2^d new rows where d is the number of columns given as parameter. Duplicate "
        "entries for columns with null value are skipped.",
        overload([param("columns", p.array(_T))], p.array(_T), _cube),
    ),
    table_function(
        "explode",
        TABLE,
        "Explodes an array. This function outputs one value for each element of the array.",
        overload([param("list", p.array(_T))], _T, _explode),
        overload([param("input", p.array(p.DECIMAL))], p.DECIMAL, _explode, provider=_decimal_item),
    ),
)
